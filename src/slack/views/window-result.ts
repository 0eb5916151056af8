/**
 * The window poller's message: one finished maintenance-window execution. The first line says it
 * all ("🛠 patch-window-am2 · ✅ SUCCESS · started 17:00 UTC · 42m"), then each task (Scan,
 * Install) with its status, the failed and timed-out instances with SSM's status details (capped;
 * the rest in the thread), and the groups the window patched.
 */
import { listWithMore } from '../limits';
import { bold, code, escapeText, formatCount, formatDuration, formatTime, oneLine, plural, truncate } from '../mrkdwn';
import { blocks, detailThread, footer, instanceLabel, listSection, message, moreInThread, section } from './blocks';
import type { WindowResult, WindowTaskResult } from './poll-types';
import type { SlackMessage } from './message';
import type { FailedInstance } from '../../patching/failure-record';
import { failureThreadView } from './failure-thread';
import { EXECUTION_EMOJI } from './windows';

export type { WindowResult };

/** Tasks that get their own failed-instance section; a window rarely has more. */
const MAX_TASK_SECTIONS = 4;
/** Room for all failed-instance sections together, shared between the tasks that have some. */
const FAILED_BUDGET = 5_000;
const TASK_LINES = { maxChars: 1_200, maxLines: 10 };

const HINT = 'Maintenance Windows → History in the SSM console has every invocation.';

const emoji = (status: string) => EXECUTION_EMOJI[status] ?? '•';
const status = (s: string) => `${emoji(s)} ${escapeText(oneLine(s))}`;
const details = (s: string | undefined, max = 200) =>
  s && oneLine(s) !== '' ? escapeText(truncate(oneLine(s), max)) : undefined;

/** "Install", "Scan", or the task's document/ARN when it is not a patch task. */
function taskName(t: WindowTaskResult): string {
  if (t.operation) return t.operation;
  const arn = t.taskArn.split(/[/:]/).pop() ?? t.taskArn;
  return truncate(oneLine(arn), 80) || 'Task';
}

/** "HH:MM UTC", the time of day the window started (the footer has the full dates). */
function clock(d: Date): string {
  return `${d.toISOString().slice(11, 16)} UTC`;
}

function duration(r: WindowResult): string | undefined {
  if (r.durationMs !== undefined) return formatDuration(r.durationMs);
  if (r.startTime && r.endTime) return formatDuration(r.endTime.getTime() - r.startTime.getTime());
  return undefined;
}

/** One failed or timed-out instance with SSM's words for it. */
function failedLine(f: WindowTaskResult['failed'][number]): string {
  const why = details(f.statusDetails);
  const st = escapeText(oneLine(f.status));
  return `• ${instanceLabel({ instanceId: f.instanceId, name: f.name, scope: '', region: '' })} — ${st}${why && why !== st ? ` · ${why}` : ''}`;
}

/** One task as a line: its kind, status, how many instances failed, and SSM's detail. */
function taskLine(t: WindowTaskResult): string {
  const failed = t.failed.length > 0 ? ` · ${plural(t.failed.length, 'instance')} failed or timed out` : '';
  const why = t.status !== 'SUCCESS' ? details(t.statusDetails) : undefined;
  return `• ${bold(taskName(t))} · ${status(t.status)}${failed}${why ? ` — ${why}` : ''}`;
}

/** A finished window execution as one message; failed instances beyond the caps go to the thread. */
export function windowResultView(r: WindowResult): SlackMessage {
  const took = duration(r);
  const failedCount = r.tasks.reduce((n, t) => n + t.failed.length, 0);
  const headline = [
    `🛠 ${bold(truncate(oneLine(r.windowName), 100)) || code(r.windowId)}`,
    status(r.status),
    r.startTime ? `started ${clock(r.startTime)}` : undefined,
    took,
  ]
    .filter(Boolean)
    .join(' · ');
  const why = r.status !== 'SUCCESS' ? details(r.statusDetails, 500) : undefined;
  const groups =
    r.groups.length > 0
      ? `Patched ${listWithMore(
          r.groups.map((g) => bold(g)),
          { maxChars: 400, maxLines: 10 },
        ).text.replace(/\n/g, ', ')}`
      : 'Patched no configured group';
  const where = `${groups} · ${code(r.windowId)} · ${escapeText(`${r.scope} · ${r.region}`)}`;

  const withFailures = r.tasks.filter((t) => t.failed.length > 0);
  const shown = withFailures.slice(0, MAX_TASK_SECTIONS);
  const perTask = {
    maxChars: Math.min(TASK_LINES.maxChars, Math.floor(FAILED_BUDGET / Math.max(1, shown.length))),
    maxLines: TASK_LINES.maxLines,
  };
  const failedSections = shown.map((t) =>
    listSection(
      `*${escapeText(taskName(t))} · failed or timed out (${formatCount(t.failed.length)})*`,
      t.failed.map(failedLine),
      perTask,
      moreInThread,
    ),
  );
  const unshown = withFailures.length - shown.length;
  const thread = withFailures
    .filter((t, i) => i >= MAX_TASK_SECTIONS || listWithMore(t.failed.map(failedLine), perTask).hidden > 0)
    .flatMap((t) =>
      detailThread(`${r.windowName} · ${taskName(t)} · failed or timed out`, t.failed.map(failedLine), {
        maxMessages: 4,
        hint: HINT,
      }),
    );

  // The failed instances whose output was read: their exit code and the end of their output, after the lists.
  const explained = r.tasks.flatMap((t) =>
    t.failed.flatMap((f): FailedInstance[] =>
      f.commandId && (f.read || f.readError)
        ? [
            {
              instanceId: f.instanceId,
              ...(f.name ? { name: f.name } : {}),
              scope: r.scope,
              region: r.region,
              commandId: f.commandId,
              status: f.status,
              ...(f.statusDetails ? { statusDetails: f.statusDetails } : {}),
              ...(f.read ?? {}),
              ...(f.readError ? { readError: f.readError } : {}),
            },
          ]
        : [],
    ),
  );
  if (explained.length > 0)
    thread.push(
      ...failureThreadView(`window ${oneLine(r.windowName) || r.windowId}`, { instances: explained, more: [] }),
    );

  const fallback = [
    `🛠 ${escapeText(oneLine(r.windowName))}`,
    status(r.status),
    took,
    failedCount > 0 ? `${plural(failedCount, 'instance')} failed or timed out` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');

  return message(
    fallback,
    blocks(
      section(`${headline}${why ? `\n${why}` : ''}\n${where}`),
      listSection(`*Tasks (${formatCount(r.tasks.length)})*`, r.tasks.map(taskLine), { maxChars: 1_200, maxLines: 8 }),
      r.tasks.length === 0 ? section('_No tasks ran in this execution._') : undefined,
      failedSections,
      unshown > 0 ? section(`…and failures in ${plural(unshown, 'more task')} (in the thread)`) : undefined,
      footer(
        `Execution ${code(r.executionId)}`,
        r.startTime ? `started ${formatTime(r.startTime)}` : undefined,
        r.endTime ? `ended ${formatTime(r.endTime)}` : undefined,
      ),
    ),
    thread,
  );
}
