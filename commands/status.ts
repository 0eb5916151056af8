import { noExtraArgs, resolveGroup, takePublic } from './args';
import { chartReply } from './chart';
import { readReply } from './share';
import type { CommandModule } from './command';

const usage = '/patch status <group> [chart] [public]';

/** The word that asks for the group's 30-day chart instead of today's figures. */
const CHART_WORD = 'chart';

/**
 * `/patch status <group> [public]`: compliance counts, what is missing, stale scans and unreachable agents.
 * `/patch status <group> chart`: the group's last 30 days as a chart, posted in the channel.
 */
export const statusCommand: CommandModule = {
  name: 'status',
  usage,
  summary:
    'compliance of a group: missing patches by severity, non-compliant and unreachable instances, scan age; `chart`: its last 30 days, posted in the channel',
  visibility: 'shareable',
  operatorsOnly: true,
  async run(ctx, words) {
    const { args, shared } = takePublic(words);
    // The group first: when it is wrong, the reply names it, not a word after it.
    const group = resolveGroup(ctx.config, args[0], usage);
    if (args[1]?.toLowerCase() === CHART_WORD) {
      noExtraArgs(args, 2, usage);
      return chartReply(ctx, group);
    }
    noExtraArgs(args, 1, usage);
    return readReply(
      shared,
      { view: 'status', status: await ctx.services.status(group) },
      { command: 'status', group: group.name },
    );
  },
};
