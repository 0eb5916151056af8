import { baselineView } from '../src/slack/views/baseline';
import { noExtraArgs, resolveGroup } from './args';
import type { CommandModule } from './types';

const usage = '/patch baseline <group>';

/** `/patch baseline <group>`: the group's patch baseline and its approval rules. */
export const baselineCommand: CommandModule = {
  name: 'baseline',
  usage,
  summary: "the group's patch baseline and its approval rules",
  operatorsOnly: true,
  async run(ctx, args) {
    const group = resolveGroup(ctx.config, args[0], usage);
    noExtraArgs(args, 1, usage);
    const { entries, failures } = await ctx.services.baselines(group);
    return { kind: 'channel', message: baselineView(group, entries, failures) };
  },
};
