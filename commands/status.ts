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
    noExtraArgs(args, 1, usage);
    const group = resolveGroup(ctx.config, args[0], usage);
    return { kind: 'channel', message: statusView(await ctx.services.status(group)) };
  },
};
