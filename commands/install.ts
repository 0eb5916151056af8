import { z } from 'zod';
import { InputError } from '../src/errors';
import { SCHEDULE_FORMS } from '../src/patching/schedule-resolve';
import { channel, said } from '../src/sentence';
import { note } from './reply';
import { resolveGroup, typed } from './args';
import type { ScheduleRequest } from '../src/patching/schedule';
import { timeWords, windowWord } from './schedule-args';
import { closest } from './suggest';
import type { CommandModule } from './command';

const usage = '/patch install <group> [reboot=if-needed|never] [in <window> | at <time>]';

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

/** The words after the group: a reboot option and a schedule (`in <window>` or `at <time>`), each at most once, in any order. */
function installWords(
  words: readonly string[],
  now: Date,
): { rebootOption: 'NoReboot' | 'RebootIfNeeded' | undefined; schedule: ScheduleRequest | undefined } {
  let rebootOption: 'NoReboot' | 'RebootIfNeeded' | undefined;
  let schedule: ScheduleRequest | undefined;
  let scheduleWord: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const lower = word.toLowerCase();
    if (lower === 'in' || lower === 'at') {
      if (scheduleWord !== undefined) {
        throw new InputError('two schedules', {
          userMessage: `Give one schedule: ${scheduleWord} and ${lower} cannot both apply. Schedule with ${SCHEDULE_FORMS}. Usage: ${usage}`,
        });
      }
      scheduleWord = lower;
      if (lower === 'in') {
        schedule = windowWord(words[i + 1], usage);
        i += 1;
      } else {
        const time = timeWords(words.slice(i + 1, i + 3), now, usage);
        schedule = time.request;
        i += time.used;
      }
      continue;
    }
    const parsed = RebootWordSchema.safeParse(lower);
    if (parsed.success && rebootOption === undefined) {
      rebootOption = parsed.data;
      continue;
    }
    if (parsed.success) {
      throw new InputError('two reboot options', {
        userMessage: `Give one reboot option, not ${typed(word)} again. Usage: ${usage}`,
      });
    }
    throw new InputError(`bad reboot option ${typed(word)}`, {
      userMessage: `${typed(word)} is not a reboot option.${rebootHint(word)} Use reboot=if-needed or reboot=never; schedule with ${SCHEDULE_FORMS}. Usage: ${usage}`,
    });
  }
  return { rebootOption, schedule };
}

/**
 * `/patch install <group>`: builds the plan (targets, patches from the latest scan, reboot option,
 * promotion evidence) and posts it in the group's channel. On a group whose policy requires
 * approval the card waits for an approver; otherwise the install starts at once. With `in <window>`
 * or `at <time>` (or the group's install.runIn) the approved install waits and is sent then.
 */
export const installCommand: CommandModule = {
  name: 'install',
  usage,
  summary:
    'install the approved missing patches on a group (protected groups wait for an approval); `in patch-prd` waits for that maintenance window, `at 02:00 Asia/Tokyo` or `at 2026-03-01T02:00+09:00` for that time',
  visibility: 'group-channel',
  operatorsOnly: true,
  async run(ctx, args) {
    const group = resolveGroup(ctx.config, args[0], usage);
    const { rebootOption, schedule } = installWords(args.slice(1), ctx.services.now());
    const op = await ctx.services.requestInstall({
      group,
      requestedBy: ctx.userId,
      channel: group.channel,
      ...(rebootOption ? { rebootOption } : {}),
      ...(schedule ? { schedule } : {}),
    });
    const what = op.status === 'pending' ? 'waits for approval' : op.status === 'approved' ? 'is scheduled' : 'started';
    if (ctx.channelId === group.channel) return { kind: 'none' };
    return {
      kind: 'none',
      note: note(said`Install on ${group.name} (${op.id}) ${what}; the card is in ${channel(group.channel)}.`),
    };
  },
};
