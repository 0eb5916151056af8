import { noExtraArgs, resolveGroup } from './args';
import type { CommandModule } from './command';

const usage = '/patch history [group]';
const LIMIT = 15;

/** `/patch history [group]`: the last operations the bot ran, who asked, and how they ended. */
export const historyCommand: CommandModule = {
  name: 'history',
  usage,
  summary: 'the last operations patchbot ran, who asked, outcome',
  visibility: 'private',
  operatorsOnly: true,
  async run(ctx, args) {
    const group = args[0] === undefined ? undefined : resolveGroup(ctx.config, args[0], usage);
    noExtraArgs(args, 1, usage);
    const entries = await ctx.services.history({ ...(group ? { group: group.name } : {}), limit: LIMIT });
    return { kind: 'ephemeral', message: { view: 'history', entries, group: group?.name, now: ctx.services.now() } };
  },
};
