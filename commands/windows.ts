import { windowsView } from '../src/slack/views/windows';
import { noExtraArgs, resolveGroup } from './args';
import type { CommandModule } from './types';

const usage = '/patch windows [group]';

/** `/patch windows [group]`: maintenance windows with schedule, next run and last result. */
export const windowsCommand: CommandModule = {
  name: 'windows',
  usage,
  summary: 'maintenance windows: schedule, next run, last result',
  operatorsOnly: true,
  async run(ctx, args) {
    const group = args[0] === undefined ? undefined : resolveGroup(ctx.config, args[0], usage);
    noExtraArgs(args, 1, usage);
    const { entries, failures } = await ctx.services.windows(group);
    return { kind: 'channel', message: windowsView(entries, failures, ctx.services.now()) };
  },
};
