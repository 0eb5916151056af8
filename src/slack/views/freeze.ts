/**
 * Change freezes on the card: which calendar is closed (or cannot be read, and what permission is
 * missing), until when (SSM's NextTransitionTime, in the schedule's zone or UTC), what the requester
 * chose should it be closed when the change is due, and the break-glass votes so far.
 */
import {
  blocking,
  DEFAULT_IF_FROZEN,
  type CalendarCheck,
  type FreezeCheck,
  type IfFrozen,
} from '../../patching/freeze';
import type { FreezeOverride } from '../../patching/freeze-override-record';
import type { ChangePlan } from '../../patching/plan-record';
import { formatZoned } from '../../shared/zoned-time';
import { bold, escapeText, formatAge, mention, oneLine, truncate } from '../mrkdwn';

/** The zone a freeze's times are shown in: the change's schedule's, else UTC. */
export function freezeZone(plan: ChangePlan | undefined): string {
  return plan?.schedule?.timeZone ?? 'UTC';
}

/** "*patch-freeze* is CLOSED until Sun 1 Mar 04:00 UTC (in 3h)", or why it cannot be read. */
export function calendarLine(c: CalendarCheck, zone: string, now: Date, withScope: boolean): string {
  const name = `${bold(c.calendar)}${withScope ? ` (${escapeText(c.scope)}, ${escapeText(c.region)})` : ''}`;
  if (c.state === 'UNREADABLE') {
    const grant = c.permission ? ` Missing permission: \`${escapeText(c.permission)}\`.` : '';
    const why =
      c.problem === 'missing'
        ? 'does not exist'
        : c.problem === 'wrong-type'
          ? 'is not a Change Calendar'
          : c.problem === 'denied'
            ? 'cannot be read: AWS denied access'
            : `cannot be read: ${escapeText(oneLine(c.message ?? 'AWS did not answer'))}`;
    return `${name} ${why}, so it counts as closed.${grant}`;
  }
  const until = c.until
    ? ` until ${escapeText(formatZoned(c.until, zone))} (${formatAge(now.getTime() - c.until.getTime())})`
    : ' with no reopening announced';
  return c.state === 'CLOSED' ? `${name} is CLOSED${until}` : `${name} is OPEN`;
}

/** Whether a check spans several scopes or regions (then each line names its own). */
function manyPlaces(check: FreezeCheck): boolean {
  return new Set(check.calendars.map((c) => `${c.scope}/${c.region}`)).size > 1;
}

/** One bullet per calendar that stops the change. */
export function blockingLines(check: FreezeCheck | undefined, zone: string, now: Date): string[] {
  if (!check) return [];
  const many = manyPlaces(check);
  return blocking(check).map((c) => `• ${calendarLine(c, zone, now, many)}`);
}

/** "frozen by *patch-freeze* until …" for one line of text (the fallback and the header's neighbour). */
export function frozenBy(check: FreezeCheck | undefined, zone: string): string {
  const stops = blocking(check);
  const names = [...new Set(stops.map((c) => c.calendar))].map(escapeText).join(', ');
  const until = stops
    .map((c) => c.until)
    .filter((u): u is Date => u !== undefined)
    .sort((a, b) => b.getTime() - a.getTime())[0];
  const unreadable = stops.some((c) => c.state === 'UNREADABLE');
  return `frozen by ${names}${until && !unreadable ? ` until ${escapeText(formatZoned(until, zone))}` : unreadable ? ' (a calendar cannot be read)' : ''}`;
}

/** What happens to a change a calendar freezes when it is due, as the requester chose. */
export function ifFrozenText(choice: IfFrozen | undefined): string {
  return (choice ?? DEFAULT_IF_FROZEN) === 'cancel'
    ? 'If a change calendar is closed when it is due, it is not sent and ends (if-frozen=cancel).'
    : 'If a change calendar is closed when it is due, it waits and is sent once every calendar is open (if-frozen=wait).';
}

/** The pending card's freeze lines: the calendars as read when the change was planned, and the requester's choice. */
export function planFreezeText(plan: ChangePlan, now: Date): string | undefined {
  const check = plan.freeze;
  if (!check) return undefined;
  const zone = freezeZone(plan);
  const stops = blockingLines(check, zone, now);
  // A scheduled change was asked about its start (GetCalendarState's AtTime), not about now.
  const when = check.at ? 'at its time' : 'now';
  const head =
    stops.length > 0
      ? `🧊 *Frozen ${when}:* ${plural(stops.length)} of ${escapeText(plan.group)}'s change calendars ${stops.length === 1 ? 'stops' : 'stop'} this change.`
      : `📅 Change calendars ${check.calendars
          .map((c) => c.calendar)
          .filter((n, i, all) => all.indexOf(n) === i)
          .map(bold)
          .join(', ')} are open ${when}; they are read again right before the send.`;
  return [head, ...stops, ifFrozenText(plan.ifFrozen)].join('\n');
}

/** A reason on one line, escaped. */
function reasonLine(reason: string): string {
  return `“${escapeText(truncate(oneLine(reason), 500))}”`;
}

function plural(n: number): string {
  return n === 1 ? 'one' : String(n);
}

/** The break-glass votes so far, each with its reason. */
export function overrideVotesText(o: FreezeOverride | undefined): string | undefined {
  if (!o || o.votes.length === 0) return undefined;
  const lines = o.votes.map(
    (v) => `• ${mention(v.userId)} at ${escapeText(v.at.slice(0, 16).replace('T', ' '))} UTC: ${reasonLine(v.reason)}`,
  );
  const head = o.grantedAt
    ? '🔓 *Freeze overridden* by two override approvers: it is sent despite closed calendars.'
    : '🔓 *Override requested*: one more override approver must confirm.';
  return [head, ...lines].join('\n');
}
