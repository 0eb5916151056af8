import { InputError } from '../src/errors';
import { channel, said } from '../src/sentence';
import { note } from './reply';
import { noExtraArgs, resolveGroup } from './args';
import type { CommandModule } from './command';

const usage = '/patch promote <source group> <target group>';

/**
 * `/patch promote <source> <target>`: plans an install on the target of exactly the patches the
 * source's last successful install installed and the target misses, pinned with InstallOverrideList;
 * the card goes through the target's approval rules like any install.
 */
export const promoteCommand: CommandModule = {
  name: 'promote',
  usage,
  summary:
    "install on the target group exactly the patches the source group's last successful install installed (pinned with InstallOverrideList; needs the target's install.overrideList)",
  visibility: 'group-channel',
  operatorsOnly: true,
  groupArg: 1,
  async run(ctx, args) {
    const source = resolveGroup(ctx.config, args[0], usage);
    if (args[1] === undefined) {
      const others = ctx.config.groups.filter((g) => g.name !== source.name).map((g) => g.name);
      throw new InputError('promote: missing target', {
        userMessage: `Promote ${source.name} onto which group? Groups: ${others.join(', ')}. Usage: ${usage}`,
      });
    }
    const target = resolveGroup(ctx.config, args[1], usage);
    noExtraArgs(args, 2, usage);
    const op = await ctx.services.requestPromote({
      source,
      target,
      requestedBy: ctx.userId,
      channel: target.channel,
    });
    const what = op.status === 'pending' ? 'waits for approval' : 'started';
    if (ctx.channelId === target.channel) return { kind: 'none' };
    return {
      kind: 'none',
      note: note(
        said`Promote of ${source.name} onto ${target.name} (${op.id}) ${what}; the card is in ${channel(target.channel)}.`,
      ),
    };
  },
};
