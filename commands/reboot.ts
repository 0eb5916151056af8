import { InputError } from '../src/errors';
import { channel, said } from '../src/sentence';
import { note } from './reply';
import { noExtraArgs, resolveGroup, typed } from './args';
import { didYouMean } from './suggest';
import type { CommandModule } from './command';

const usage = '/patch reboot <group> [all]';

/**
 * `/patch reboot <group>`: reboots the group's instances that wait for a reboot (or all running
 * ones with `all`) through EC2, under the same approval rules as install, then scans them.
 */
export const rebootCommand: CommandModule = {
  name: 'reboot',
  usage,
  summary: 'reboot the instances waiting for a reboot (all: every running instance), then rescan them',
  visibility: 'group-channel',
  operatorsOnly: true,
  async run(ctx, args) {
    const group = resolveGroup(ctx.config, args[0], usage);
    if (args[1] !== undefined && args[1].toLowerCase() !== 'all') {
      throw new InputError(`bad reboot scope ${typed(args[1])}`, {
        userMessage: `${typed(args[1])} is not understood.${didYouMean(args[1], ['all'])} Add "all" to reboot every running instance, or nothing for only those waiting. Usage: ${usage}`,
      });
    }
    noExtraArgs(args, 2, usage);
    const op = await ctx.services.requestReboot({
      group,
      requestedBy: ctx.userId,
      channel: group.channel,
      all: args[1] !== undefined,
    });
    if (ctx.channelId === group.channel) return { kind: 'none' };
    return {
      kind: 'none',
      note: note(
        said`Reboot of ${group.name} (${op.id}) ${op.status === 'pending' ? 'waits for approval' : 'started'}; the card is in ${channel(group.channel)}.`,
      ),
    };
  },
};
