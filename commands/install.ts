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

const usage = '/patch install <group> [reboot=if-needed|never] [in <window> | at <time>] [if-frozen=wait|cancel]';

/** The optional freeze word: what to do should a change calendar be closed when the change is due (default: wait). */
const IF_FROZEN_WORDS = ['if-frozen=wait', 'if-frozen=cancel'] as const;

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
): {
  rebootOption: 'NoReboot' | 'RebootIfNeeded' | undefined;
  schedule: ScheduleRequest | undefined;
  ifFrozen: 'wait' | 'cancel' | undefined;
} {
  let rebootOption: 'NoReboot' | 'RebootIfNeeded' | undefined;
  let ifFrozen: 'wait' | 'cancel' | undefined;
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
    if (lower.startsWith('if-frozen')) {
      const chosen = IF_FROZEN_WORDS.find((w) => w === lower);
      if (!chosen || ifFrozen !== undefined) {
        throw new InputError(`bad if-frozen option ${typed(word)}`, {
          userMessage: `${ifFrozen !== undefined && chosen ? `Give one if-frozen option, not ${typed(word)} again.` : `${typed(word)} is not an if-frozen option.`} Use if-frozen=wait (the default: a change a change calendar freezes waits until every calendar is open) or if-frozen=cancel (it is not sent and ends). Usage: ${usage}`,
        });
      }
      ifFrozen = chosen === 'if-frozen=cancel' ? 'cancel' : 'wait';
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
      userMessage: `${typed(word)} is not a reboot option.${rebootHint(word)} Use reboot=if-needed or reboot=never; schedule with ${SCHEDULE_FORMS}; if-frozen=wait or if-frozen=cancel. Usage: ${usage}`,
    });
  }
  return { rebootOption, schedule, ifFrozen };
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
    'install the approved missing patches on a group (protected groups wait for an approval); `in patch-prd` waits for that maintenance window, `at 02:00 Asia/Tokyo` or `at 2026-03-01T02:00+09:00` for that time; on a group with changeCalendars a CLOSED calendar holds it until every calendar is open (`if-frozen=wait`, the default) or ends it unsent (`if-frozen=cancel`)',
  visibility: 'group-channel',
  operatorsOnly: true,
  async run(ctx, args) {
    const group = resolveGroup(ctx.config, args[0], usage);
    const { rebootOption, schedule, ifFrozen } = installWords(args.slice(1), ctx.services.now());
    const op = await ctx.services.requestInstall({
      group,
      requestedBy: ctx.userId,
      channel: group.channel,
      ...(rebootOption ? { rebootOption } : {}),
      ...(schedule ? { schedule } : {}),
      ...(ifFrozen ? { ifFrozen } : {}),
    });
    // Approved but unsent: its time has not come, or a change calendar holds it; the card says which.
    const what =
      op.status === 'pending' ? 'waits for approval' : op.status === 'approved' ? 'waits to be sent' : 'started';
    if (ctx.channelId === group.channel) return { kind: 'none' };
    return {
      kind: 'none',
      note: note(said`Install on ${group.name} (${op.id}) ${what}; the card is in ${channel(group.channel)}.`),
    };
  },
};
