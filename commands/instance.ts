import { z } from 'zod';
import type { PatchGroup } from '../src/config';
import { InputError } from '../src/errors';
import type { InstanceQuery } from '../src/patching/fleet-types';
import { typed } from './args';
import type { CommandContext, CommandModule } from './command';

const usage = '/patch instance <Name tag | instance id>';

/** An EC2 instance id as AWS writes it: `i-` and 8 or 17 hex digits (typed in any case). */
const InstanceIdSchema = z
  .string()
  .regex(/^i-([0-9a-f]{8}|[0-9a-f]{17})$/i)
  .transform((s) => s.toLowerCase());

/** A Name tag value: EC2 tag values are at most 256 characters. */
const NameSchema = z.string().min(1).max(256);

/** What the user typed, as an id or a Name tag; a word that looks like an id but is not one is refused. */
export function parseInstanceQuery(text: string): InstanceQuery {
  if (text === '') {
    throw new InputError('missing instance', {
      userMessage: `Which instance? Give its Name tag or its id (i-…). Usage: ${usage}`,
    });
  }
  const id = InstanceIdSchema.safeParse(text);
  if (id.success) return { instanceId: id.data };
  // "i-0abc" is a mistyped id far more often than a Name tag: say what an id looks like.
  if (/^i-[0-9a-f]+$/i.test(text)) {
    throw new InputError(`bad instance id ${typed(text)}`, {
      userMessage: `${typed(text)} is not an instance id: an id is i- and 8 or 17 hexadecimal digits (i-0123456789abcdef0). Usage: ${usage}`,
    });
  }
  const name = NameSchema.safeParse(text);
  if (!name.success) {
    throw new InputError(`bad instance name ${typed(text)}`, {
      userMessage: `${typed(text)} is too long for a Name tag (at most 256 characters). Usage: ${usage}`,
    });
  }
  return { name: name.data };
}

/** The groups whose operators include the requester: the same rule as who may run /patch status on a group. */
async function visibleGroups(ctx: CommandContext): Promise<PatchGroup[]> {
  const groups: PatchGroup[] = [];
  for (const g of ctx.config.groups) if (await ctx.authorizer.isAnyOf(ctx.userId, g.operators)) groups.push(g);
  return groups;
}

/** `/patch instance <Name tag | instance id>`: one instance's agent, patch state, missing patches and the operations that touched it. */
export const instanceCommand: CommandModule = {
  name: 'instance',
  usage,
  summary:
    'one instance in detail: agent, platform, group, last scan and install, missing and failed patches with CVEs, pending reboot, the operations that touched it',
  visibility: 'private',
  operatorsOnly: true,
  async run(ctx, words) {
    // A Name tag may hold spaces: every word is part of it (runs of spaces read as one).
    const query = parseInstanceQuery(words.join(' '));
    const groups = await visibleGroups(ctx);
    const report = await ctx.services.instance({ query, groups });
    return { kind: 'ephemeral', message: { view: 'instance', report, now: ctx.services.now() } };
  },
};
