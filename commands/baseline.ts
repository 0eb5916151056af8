import { noExtraArgs, resolveGroup, takePublic } from './args';
import { readReply } from './share';
import type { CommandModule } from './command';

const usage = '/patch baseline <group> [public]';

/** `/patch baseline <group> [public]`: the group's patch baseline and its approval rules. */
export const baselineCommand: CommandModule = {
  name: 'baseline',
  usage,
  summary: "the group's patch baseline and its approval rules",
  visibility: 'shareable',
  operatorsOnly: true,
  async run(ctx, words) {
    const { args, shared } = takePublic(words);
    const group = resolveGroup(ctx.config, args[0], usage);
    noExtraArgs(args, 1, usage);
    const report = await ctx.services.baselines(group);
    return readReply(shared, { view: 'baseline', group, report }, { command: 'baseline', group: group.name });
  },
};
