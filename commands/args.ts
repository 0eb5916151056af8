import { z } from 'zod';
import type { PatchbotConfig, PatchGroup } from '../src/config';
import { findGroup } from '../src/config';
import { InputError, NotFoundError } from '../src/errors';
import { didYouMean } from './suggest';

/** Splits the slash command text into words; quotes are not special (group names have no spaces). */
export function words(text: string): string[] {
  return text
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0);
}

/** A group name as typed: letters, digits, `-_.`; validated before it is looked up. */
export const GroupNameSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/);

/**
 * The most of a typed word a reply repeats: enough to recognise it, short enough that what is
 * valid and the usage line always fit after it.
 */
export const ECHO_MAX = 48;

/**
 * What the user typed, quoted exactly as typed (never corrected) and cut with "…" past ECHO_MAX
 * characters. Plain text: the views escape it for Slack.
 */
export function typed(word: string): string {
  const chars = Array.from(word);
  return `"${chars.length > ECHO_MAX ? `${chars.slice(0, ECHO_MAX - 1).join('')}…` : word}"`;
}

/** Finds the configured group a user named (case-insensitive), or says which groups exist. */
export function resolveGroup(config: PatchbotConfig, word: string | undefined, usage: string): PatchGroup {
  const groups = config.groups.map((g) => g.name);
  const names = groups.join(', ');
  if (word === undefined) {
    throw new InputError(`missing group`, { userMessage: `Which group? Groups: ${names}. Usage: ${usage}` });
  }
  const parsed = GroupNameSchema.safeParse(word);
  const group = parsed.success ? findGroup(config, parsed.data) : undefined;
  if (!group) {
    throw new NotFoundError(`unknown group ${typed(word)}`, {
      userMessage: `Unknown group ${typed(word)}.${didYouMean(word, groups)} Groups: ${names}. Usage: ${usage}`,
    });
  }
  return group;
}

/** Refuses words a command does not take. */
export function noExtraArgs(args: string[], allowed: number, usage: string): void {
  if (args.length > allowed) {
    const extra = typed(args.slice(allowed).join(' '));
    throw new InputError(`unexpected arguments ${extra}`, { userMessage: `Unexpected ${extra}. Usage: ${usage}` });
  }
}

/** The word that makes a read command answer in the channel instead of privately. */
export const PUBLIC_WORD = 'public';

/**
 * Takes a trailing `public` off a read command's words: `/patch status PRD public` posts the
 * answer in the channel; without it only the requester sees it.
 */
export function takePublic(args: string[]): { args: string[]; shared: boolean } {
  const last = args[args.length - 1];
  if (last !== undefined && last.toLowerCase() === PUBLIC_WORD) return { args: args.slice(0, -1), shared: true };
  return { args, shared: false };
}
