import { z } from 'zod';
import { InputError } from '../src/errors';
import { channel, said } from '../src/sentence';
import { note } from './reply';
import { noExtraArgs, resolveGroup, typed } from './args';
import { closest } from './suggest';
import type { CommandModule } from './command';

const usage = '/patch install <group> [reboot=if-needed|never]';

/** The optional reboot word: Slack users type the words, SSM wants its enum. */
const REBOOT_WORDS = ['reboot=if-needed', 'reboot=never'] as const;
const RebootWordSchema = z
  .enum(REBOOT_WORDS)
  .transform((w) => (w === 'reboot=never' ? 'NoReboot' : 'RebootIfNeeded') as 'NoReboot' | 'RebootIfNeeded');

/** " Did you mean reboot=never?" for `never`, `reboot=nevr` and the like. */
function rebootHint(word: string): string {
  const meant = REBOOT_WORDS.find((w) => w === `reboot=${word.toLowerCase()}`) ?? closest(word, REBOOT_WORDS);
  return meant ? ` Did you mean ${meant}?` : '';
}

/**
 * `/patch install <group>`: builds the plan (targets, patches from the latest scan, reboot option,
 * promotion evidence) and posts it in the group's channel. On a group whose policy requires
 * approval the card waits for an approver; otherwise the install starts at once.
 */
export const installCommand: CommandModule = {
  name: 'install',
  usage,
  summary: 'install the approved missing patches on a group (protected groups wait for an approval)',
  visibility: 'group-channel',
  operatorsOnly: true,
  async run(ctx, args) {
    const group = resolveGroup(ctx.config, args[0], usage);
    let rebootOption: 'NoReboot' | 'RebootIfNeeded' | undefined;
    if (args[1] !== undefined) {
      const parsed = RebootWordSchema.safeParse(args[1].toLowerCase());
      if (!parsed.success) {
        throw new InputError(`bad reboot option ${typed(args[1])}`, {
          userMessage: `${typed(args[1])} is not a reboot option.${rebootHint(args[1])} Use reboot=if-needed or reboot=never. Usage: ${usage}`,
        });
      }
      rebootOption = parsed.data;
    }
    noExtraArgs(args, 2, usage);
    const op = await ctx.services.requestInstall({
      group,
      requestedBy: ctx.userId,
      channel: group.channel,
      ...(rebootOption ? { rebootOption } : {}),
    });
    const what = op.status === 'pending' ? 'waits for approval' : 'started';
    if (ctx.channelId === group.channel) return { kind: 'none' };
    return {
      kind: 'none',
      note: note(said`Install on ${group.name} (${op.id}) ${what}; the card is in ${channel(group.channel)}.`),
    };
  },
};
