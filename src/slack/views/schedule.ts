/**
 * When a scheduled change runs, as its card says it: in the window's time zone (or the zone the
 * requester named for `at`), with a countdown, and the latest moment it may still be sent; and,
 * once missed, why and what to do.
 */
import type { Missed, Schedule } from '../../patching/schedule';
import { formatZoned } from '../../shared/zoned-time';
import { bold, escapeText, formatAge } from '../mrkdwn';

/** "in *patch-prd* at Sun 15 Feb 04:00 Europe/Berlin (GMT+1) (in 5h 12m)", or "at … (in 40m)" for a time; "now" once open. */
export function runsText(s: Schedule, now: Date): string {
  const where = s.window ? `in ${bold(s.window.name)} ` : '';
  const left = s.startsAt.getTime() - now.getTime();
  const when = left > 0 ? formatAge(-left) : 'its time has come: sending';
  return `${where}at ${escapeText(formatZoned(s.startsAt, s.timeZone))} (${when})`;
}

/** The rule the approver agrees to: not before the start, and not once only the window's cutoff remains. */
export function sendRuleText(s: Schedule): string {
  const latest = escapeText(formatZoned(s.latestAt, s.timeZone));
  if (s.window)
    return `Sent when the window opens (SSM's next run of ${escapeText(s.window.name)}), not before, and not after ${latest} (the window's ${s.window.durationHours}h duration less its ${s.window.cutoffHours}h cutoff). Missed otherwise: nothing is sent and this card says so.`;
  return `Sent at that time, not before, and not after ${latest}. Missed otherwise: nothing is sent and this card says so.`;
}

/** Why a change was missed, and what to do, for its card. */
export function missedText(s: Schedule | undefined, missed: Missed): string {
  const window = s?.window ? bold(s.window.name) : '';
  const again = 'Nothing was sent. To patch, request the change again (with the window or time you want).';
  switch (missed.reason) {
    case 'disabled':
      return `The maintenance window ${window} was disabled when it was due to open, so it did not run and neither did this change. ${again}`;
    case 'gone':
      return `The maintenance window ${window} no longer exists (deleted, or its scope is no longer configured), so this change had no window to run in. ${again}`;
    default: {
      const until = s ? ` before ${escapeText(formatZoned(s.latestAt, s.timeZone))}` : '';
      return `patchbot did not get to send it${until}: it was not running (or not leading) or AWS did not answer while the ${window ? 'window' : 'time'} was open, and a change is never sent after its cutoff. ${again}`;
    }
  }
}
