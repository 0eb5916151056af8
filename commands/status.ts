import { statusView } from '../src/slack/views/status';
import { noExtraArgs, resolveGroup } from './args';
import type { CommandModule } from './types';

const usage = '/patch status <group>';

/** `/patch status <group>`: compliance counts, what is missing, stale scans and unreachable agents. */
export const statusCommand: CommandModule = {
  name: 'status',
  usage,
  summary: 'compliance of a group: missing patches by severity, non-compliant and unreachable instances, scan age',
  operatorsOnly: true,
  async run(ctx, args) {
    // The group first: when it is wrong, the reply names it, not a word after it.
    const group = resolveGroup(ctx.config, args[0], usage);
    noExtraArgs(args, 1, usage);
    return { kind: 'channel', message: statusView(await ctx.services.status(group)) };
  },
};
