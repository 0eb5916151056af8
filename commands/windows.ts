import { noExtraArgs, resolveGroup, takePublic } from './args';
import { readReply } from './share';
import type { CommandModule } from './command';

const usage = '/patch windows [group] [public]';

/** `/patch windows [group] [public]`: maintenance windows with schedule, next run and last result. */
export const windowsCommand: CommandModule = {
  name: 'windows',
  usage,
  summary: 'maintenance windows: schedule, next run, last result',
  visibility: 'shareable',
  operatorsOnly: true,
  async run(ctx, words) {
    const { args, shared } = takePublic(words);
    const group = args[0] === undefined ? undefined : resolveGroup(ctx.config, args[0], usage);
    noExtraArgs(args, 1, usage);
    const report = await ctx.services.windows(group);
    return readReply(
      shared,
      { view: 'windows', report, now: ctx.services.now() },
      { command: 'windows', group: group?.name },
    );
  },
};
