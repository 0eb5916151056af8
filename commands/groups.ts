import { noExtraArgs } from './args';
import type { CommandModule } from './command';

const usage = '/patch groups';

/** `/patch groups`: the configured patch groups, their tags, channels and approval rules. */
export const groupsCommand: CommandModule = {
  name: 'groups',
  usage,
  summary: 'the patch groups patchbot manages, with their channels and approval rules',
  visibility: 'private',
  operatorsOnly: false,
  async run(ctx, args) {
    noExtraArgs(args, 0, usage);
    return { kind: 'ephemeral', message: { view: 'groups', groups: ctx.config.groups } };
  },
};
