import { z } from 'zod';
import { InputError } from '../src/errors';
import { channel, said } from '../src/sentence';
import { noteView } from '../src/slack/views/errors';
import { noExtraArgs, resolveGroup } from './args';
import type { CommandModule } from './types';

const usage = '/patch install <group> [reboot=if-needed|never]';

/** The optional reboot word: Slack users type the words, SSM wants its enum. */
const RebootWordSchema = z.enum(['reboot=if-needed', 'reboot=never']).transform((w) => (w === 'reboot=never' ? 'NoReboot' : 'RebootIfNeeded') as 'NoReboot' | 'RebootIfNeeded');

/**
 * `/patch install <group>`: builds the plan (targets, patches from the latest scan, reboot option,
 * promotion evidence) and posts it in the group's channel. On a group whose policy requires
 * approval the card waits for an approver; otherwise the install starts at once.
 */
export const installCommand: CommandModule = {
  name: 'install',
  usage,
  summary: 'install the approved missing patches on a group (protected groups wait for an approval)',
  operatorsOnly: true,
  async run(ctx, args) {
    noExtraArgs(args, 2, usage);
    const group = resolveGroup(ctx.config, args[0], usage);
    let rebootOption: 'NoReboot' | 'RebootIfNeeded' | undefined;
    if (args[1] !== undefined) {
      const parsed = RebootWordSchema.safeParse(args[1].toLowerCase());
      if (!parsed.success) throw new InputError(`bad reboot option ${args[1]}`, { userMessage: `"${args[1]}" is not a reboot option: use reboot=if-needed or reboot=never. Usage: ${usage}` });
      rebootOption = parsed.data;
    }
    const op = await ctx.services.requestInstall({ group, requestedBy: ctx.userId, channel: group.channel, ...(rebootOption ? { rebootOption } : {}) });
    const what = op.status === 'pending' ? 'waits for approval' : 'started';
    if (ctx.channelId === group.channel) return { kind: 'none' };
    return { kind: 'none', note: noteView(said`Install on ${group.name} (${op.id}) ${what}; the card is in ${channel(group.channel)}.`) };
  },
};
