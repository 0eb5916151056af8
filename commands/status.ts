import { noExtraArgs, resolveGroup, takePublic } from './args';
import { readReply } from './share';
import type { CommandModule } from './command';

const usage = '/patch status <group> [public]';

/** `/patch status <group> [public]`: compliance counts, what is missing, stale scans and unreachable agents. */
export const statusCommand: CommandModule = {
  name: 'status',
  usage,
  summary: 'compliance of a group: missing patches by severity, non-compliant and unreachable instances, scan age',
  visibility: 'shareable',
  operatorsOnly: true,
  async run(ctx, words) {
    const { args, shared } = takePublic(words);
    // The group first: when it is wrong, the reply names it, not a word after it.
    const group = resolveGroup(ctx.config, args[0], usage);
    noExtraArgs(args, 1, usage);
    return readReply(
      shared,
      { view: 'status', status: await ctx.services.status(group) },
      { command: 'status', group: group.name },
    );
  },
};
