import { channel, said } from '../src/sentence';
import { note } from './reply';
import { noExtraArgs, resolveGroup } from './args';
import type { CommandModule } from './command';

const usage = '/patch scan <group>';

/**
 * `/patch scan <group>`: runs AWS-RunPatchBaseline (Scan) on the group now. The operation tracker
 * posts the message in the group's channel and updates it as instances finish, so nothing is
 * awaited here beyond the send.
 */
export const scanCommand: CommandModule = {
  name: 'scan',
  usage,
  summary: 'scan a group now and post what is missing (nothing is installed)',
  visibility: 'group-channel',
  operatorsOnly: true,
  async run(ctx, args) {
    const group = resolveGroup(ctx.config, args[0], usage);
    noExtraArgs(args, 1, usage);
    // Operations live in the group's channel, so the team sees every change to a group in one place.
    const op = await ctx.services.startScan({ group, requestedBy: ctx.userId, channel: group.channel });
    if (ctx.channelId === group.channel) return { kind: 'none' };
    return {
      kind: 'none',
      note: note(
        said`Scan of ${group.name} started as ${op.id}. Progress and the result are posted in ${channel(group.channel)}.`,
      ),
    };
  },
};
