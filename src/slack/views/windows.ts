/**
 * `/patch windows [group]`: each maintenance window with its schedule and time zone, duration,
 * next run (relative and absolute) and last result, soonest first; disabled windows last.
 */
import type { WindowExecution } from '../../patching/fleet-types';
import type { ScopeFailure } from '../../patching/record-schemas';
import type { WindowEntry } from '../../patching/group-reports';
import { bold, code, escapeText, formatAge, formatCount, formatTime, oneLine, plural, truncate } from '../mrkdwn';
import { listWithMore } from '../limits';
import { blocks, detailThread, failuresSection, footer, header, message, section } from './blocks';
import type { SlackMessage } from './message';

/** The domain's window entry; `targets` may be absent (the line is then left out), so older callers still fit. */
export type WindowViewEntry = Omit<WindowEntry, 'targets'> & Partial<Pick<WindowEntry, 'targets'>>;

/** Windows shown in the message; the rest go to the thread. */
const MAX_SHOWN = 12;

/** How a window execution ended, at a glance. */
export const EXECUTION_EMOJI: Record<string, string> = {
  SUCCESS: '✅',
  FAILED: '❌',
  TIMED_OUT: '⏱️',
  CANCELLED: '⏹️',
  CANCELLING: '⏹️',
  IN_PROGRESS: '🔄',
  PENDING: '⏳',
  SKIPPED_OVERLAPPING: '⏭️',
};

/** "in 5h 3m · 2026-01-02 03:00 UTC" */
function when(at: Date, now: Date): string {
  return `${formatAge(now.getTime() - at.getTime())} · ${formatTime(at)}`;
}

/** The last execution: status with its emoji, when, and SSM's detail when something went wrong. */
function lastRun(e: WindowExecution | undefined, now: Date): string {
  if (!e) return 'Last run: _none recorded_';
  const at = e.startTime ? ` ${when(e.startTime, now)}` : '';
  const detail =
    e.statusDetails && e.status !== 'SUCCESS' ? ` — ${escapeText(truncate(oneLine(e.statusDetails), 200))}` : '';
  return `Last run: ${EXECUTION_EMOJI[e.status] ?? '•'} ${escapeText(e.status)}${at}${detail}`;
}

/** One window as a few lines: who it patches, when, and how it last went. */
function windowText(e: WindowViewEntry, now: Date, showScope: boolean): string {
  const w = e.window;
  const groups = e.groups.length > 0 ? ` · ${e.groups.map((g) => bold(g)).join(', ')}` : '';
  const scope = showScope ? ` · ${escapeText(`${e.scope} · ${e.region}`)}` : '';
  const schedule = w.schedule
    ? `${code(w.schedule)}${w.scheduleTimezone ? ` ${escapeText(w.scheduleTimezone)}` : ' UTC'}`
    : '_no schedule_';
  const duration =
    w.durationHours !== undefined
      ? ` · ${plural(w.durationHours, 'hour')}${w.cutoffHours ? ` (no new tasks in the last ${plural(w.cutoffHours, 'hour')})` : ''}`
      : '';
  const next = !w.enabled
    ? '⏸ Disabled: it will not run'
    : w.nextExecutionTime
      ? `Next run ${when(w.nextExecutionTime, now)}`
      : 'Next run: _not scheduled_';
  const targets =
    e.targets && e.targets.length > 0
      ? `Targets ${listWithMore(
          e.targets.map((t) => code(truncate(t, 120))),
          { maxChars: 400, maxLines: 3 },
        ).text.replace(/\n/g, ', ')}`
      : '';
  return [
    `${bold(truncate(w.name, 100))} ${code(w.windowId)}${groups}${scope}`,
    targets,
    `Schedule ${schedule}${duration}`,
    next,
    lastRun(e.lastExecution, now),
  ]
    .filter(Boolean)
    .join('\n');
}

/** Enabled windows by next run, soonest first; then the ones with no next run; disabled last. */
function sortKey(e: WindowViewEntry): number {
  if (!e.window.enabled) return Number.MAX_SAFE_INTEGER;
  return e.window.nextExecutionTime?.getTime() ?? Number.MAX_SAFE_INTEGER - 1;
}

/** The windows of one group (or all), with scopes that could not be read; `now` makes it testable. */
export function windowsView(
  entries: readonly WindowViewEntry[],
  failures: readonly ScopeFailure[],
  now: Date = new Date(),
): SlackMessage {
  const sorted = [...entries].sort((a, b) => sortKey(a) - sortKey(b));
  const showScope = new Set(entries.map((e) => `${e.scope}\u0000${e.region}`)).size > 1;
  const texts = sorted.map((e) => windowText(e, now, showScope));
  const hidden = Math.max(0, texts.length - MAX_SHOWN);
  const next = sorted.find((e) => e.window.enabled && e.window.nextExecutionTime);
  const summary = next?.window.nextExecutionTime
    ? `next: ${next.window.name} ${formatAge(now.getTime() - next.window.nextExecutionTime.getTime())}`
    : 'none scheduled';
  return message(
    escapeText(`${plural(entries.length, 'maintenance window')} · ${summary}`),
    blocks(
      header('Maintenance windows'),
      entries.length === 0 && failures.length === 0
        ? section('No maintenance windows target these groups. Patch Manager only patches on schedule through one.')
        : undefined,
      texts.slice(0, MAX_SHOWN).map((t) => section(t)),
      hidden > 0 ? section(`…and ${formatCount(hidden)} more windows (in the thread)`) : undefined,
      failuresSection(failures),
      footer(`As of ${formatTime(now)}`),
    ),
    hidden > 0 ? detailThread('More maintenance windows', texts.slice(MAX_SHOWN), { maxMessages: 3 }) : undefined,
  );
}
