/** `/patch status <group> chart`'s answer: the group's last 30 days of compliance history as a chart for the channel. */
import type { PatchGroup } from '../src/config';
import { chartPeriod } from '../src/patching/chart-period';
import { said } from '../src/sentence';
import type { CommandContext } from './command';
import { note, type Reply } from './reply';

/** The chart of `group`'s last 30 days, posted where the command was typed; a private note when there is no history yet. */
export async function chartReply(ctx: CommandContext, group: PatchGroup): Promise<Reply> {
  const period = chartPeriod(ctx.services.now());
  const rows = await ctx.services.groupDays([group.name], period.fromDay, period.toDay);
  if (rows.length === 0)
    return {
      kind: 'ephemeral',
      message: note(
        said`${group.name} has no compliance history yet: the compliance poll records each group once a day, so its chart starts after the next poll.`,
      ),
    };
  return {
    kind: 'chart',
    to: 'here',
    chart: {
      title: `${group.name}: compliance, ${period.fromDay} to ${period.toDay}`,
      slug: group.name.toLowerCase().replace(/[^a-z0-9-]+/g, '-'),
      groups: [group.name],
      period,
      rows,
    },
    comment: said`${group.name}: compliance and missing critical and important patches over the last ${String(period.days.length)} days.`,
  };
}
