import { z } from 'zod';
import type { PatchbotConfig, PatchGroup } from '../src/config';
import { findGroup } from '../src/config';
import { InputError, NotFoundError } from '../src/errors';

/** Splits the slash command text into words; quotes are not special (group names have no spaces). */
export function words(text: string): string[] {
  return text.trim().split(/\s+/).filter((w) => w.length > 0);
}

/** A group name as typed: letters, digits, `-_.`; validated before it is looked up or echoed. */
export const GroupNameSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/);

/** Finds the configured group a user named (case-insensitive), or says which groups exist. */
export function resolveGroup(config: PatchbotConfig, typed: string | undefined, usage: string): PatchGroup {
  const names = config.groups.map((g) => g.name).join(', ');
  if (typed === undefined) {
    throw new InputError(`missing group`, { userMessage: `Which group? Groups: ${names}. Usage: ${usage}` });
  }
  const parsed = GroupNameSchema.safeParse(typed);
  const group = parsed.success ? findGroup(config, parsed.data) : undefined;
  if (!group) {
    throw new NotFoundError(`unknown group ${typed}`, { userMessage: `Unknown group "${typed}". Groups: ${names}. Usage: ${usage}` });
  }
  return group;
}

/** Refuses words a command does not take. */
export function noExtraArgs(args: string[], allowed: number, usage: string): void {
  if (args.length > allowed) {
    throw new InputError(`unexpected arguments ${args.slice(allowed).join(' ')}`, {
      userMessage: `Unexpected "${args.slice(allowed).join(' ')}". Usage: ${usage}`,
    });
  }
}
