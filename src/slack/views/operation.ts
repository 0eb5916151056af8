/**
 * The one message of a scan (install and reboot later), updated in place: who started it and the
 * progress while it runs; at the end the outcome first, then what failed and what could not be
 * reached by name, what is missing now and what is newly missing. Every instance's line goes to
 * the thread. Kind-specific wording lives in KIND_TEXT so install and reboot only add rows.
 */
import type { OperationKind, OperationStatus } from '../../patching/lifecycle';
import { isTerminal } from '../../patching/lifecycle';
import type { InstanceOutcome, MissingPatchSummary, OperationReport } from '../../patching/types';
import { listWithMore } from '../limits';
import { code, escapeText, formatCount, formatDuration, formatTime, mention, oneLine, plural, truncate } from '../mrkdwn';
import { GLANCE, SHORT, blocks, detailThread, failuresSection, fieldSections, footer, header, instanceLabel, listSection, message, moreInThread, section, severityText, spansScopes } from './blocks';
import type { SlackMessage } from './types';

/** How each kind is named; a new kind must say how it reads before it compiles. */
export const KIND_TEXT: Record<OperationKind, { title: string; missingLabel: string; newlyMissingTitle: string }> = {
  scan: { title: 'Scan', missingLabel: 'Instances missing patches', newlyMissingTitle: 'Newly missing since the previous scan' },
  install: { title: 'Install', missingLabel: 'Still missing after the install', newlyMissingTitle: 'Newly missing since before the install' },
  reboot: { title: 'Reboot', missingLabel: 'Missing after the reboot', newlyMissingTitle: 'Newly missing since before the reboot' },
};

/** Where the instances a capped thread leaves out can be read. */
const RUN_COMMAND_HINT = 'Run Command → Command history in the SSM console has every invocation.';

/** The outcome's emoji and wording, from the final status and what went wrong on the way. */
function outcome(r: OperationReport): { emoji: string; words: string } {
  const problems = r.failed > 0 || r.unreachable.length > 0 || r.failures.length > 0;
  const table: Partial<Record<OperationStatus, { emoji: string; words: string }>> = {
    succeeded: problems ? { emoji: '⚠️', words: 'finished with problems' } : { emoji: '✅', words: 'succeeded' },
    failed: { emoji: '❌', words: 'failed' },
    cancelled: { emoji: '⏹️', words: 'was cancelled' },
    rejected: { emoji: '🚫', words: 'was rejected' },
    expired: { emoji: '⌛', words: 'expired without approval' },
    pending: { emoji: '⏳', words: 'is waiting for approval' },
  };
  return table[r.status] ?? { emoji: '🔄', words: 'is running' };
}

/** Severity rank for sorting patches worst first; unknown severities sort last. */
const SEVERITY_RANK = ['critical', 'important', 'high', 'medium', 'moderate', 'low'];
const rank = (severity: string) => {
  const i = SEVERITY_RANK.indexOf(severity.toLowerCase());
  return i < 0 ? SEVERITY_RANK.length : i;
};

function patchLine(p: MissingPatchSummary, names: number): string {
  const label = [p.severity, p.classification].filter((x) => x && x !== 'Unspecified').map((x) => escapeText(oneLine(x))).join(' · ');
  const who = names > 0 ? `: ${p.instances.slice(0, names).map((i) => escapeText(oneLine(i.name ?? i.instanceId))).join(', ')}${p.instances.length > names ? ', …' : ''}` : '';
  return `• ${label ? `${label} · ` : ''}${code(p.kbId)} ${escapeText(truncate(oneLine(p.title), 120))} — ${plural(p.instances.length, 'instance')}${who}`;
}

/** SSM's status, with its finer detail when it adds something: "Failed (Undeliverable)". */
function ssmStatus(o: InstanceOutcome): string {
  return o.statusDetails && o.statusDetails !== o.status ? `${o.status} (${escapeText(truncate(oneLine(o.statusDetails), 120))})` : o.status;
}

function outcomeLine(o: InstanceOutcome, withScope: boolean): string {
  const after = [
    o.missing !== undefined ? plural(o.missing, 'missing patch', 'missing patches') : '',
    o.pendingReboot ? `${formatCount(o.pendingReboot)} pending reboot` : '',
  ].filter(Boolean);
  return `• ${instanceLabel(o, withScope)} — ${ssmStatus(o)}${after.length > 0 ? ` · ${after.join(' · ')}` : ''}`;
}

/** "Success 9", "Failed (Undeliverable) 2", one a line: how SSM reports the instances, most common first. */
function statusBreakdown(outcomes: readonly InstanceOutcome[]): string {
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(ssmStatus(o), (counts.get(ssmStatus(o)) ?? 0) + 1);
  const parts = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([s, n]) => `${s} ${formatCount(n)}`);
  return listWithMore(parts, { maxChars: 800, maxLines: 6 }).text || 'none yet';
}

/** A 20-cell bar in a code span: progress at a glance, in every client. */
function progressBar(done: number, total: number): string {
  const cells = total > 0 ? Math.round((20 * Math.min(done, total)) / total) : 0;
  return `\`${'▓'.repeat(cells)}${'░'.repeat(20 - cells)}\` ${total > 0 ? Math.floor((100 * Math.min(done, total)) / total) : 0}%`;
}

/** A scan (install, reboot) as its single, updated message; the thread is filled once it finishes. */
export function operationView(r: OperationReport): SlackMessage {
  const kind = KIND_TEXT[r.kind];
  const g = escapeText(r.group);
  const done = isTerminal(r.status);
  const { emoji, words } = outcome(r);
  const unreachableIds = new Set(r.unreachable.map((u) => u.instanceId));
  const multi = spansScopes(r.outcomes);
  const failed = r.outcomes.filter((o) => !unreachableIds.has(o.instanceId) && o.status !== 'Success' && isFinishedStatus(o));
  const failedLines = failed.map((o) => `• ${instanceLabel(o, multi)} — ${ssmStatus(o)}`);
  const unreachableLines = r.unreachable.map((o) => `• ${instanceLabel(o, multi)} — ${ssmStatus(o)}`);
  const started = `${kind.title} of ${g} ${r.status === 'pending' ? 'requested' : 'started'} by ${mention(r.requestedBy)}`;
  const took = r.finishedAt ? formatDuration(r.finishedAt.getTime() - r.startedAt.getTime()) : undefined;
  // The tracker's note while something is wrong but the operation goes on (AWS unreachable, say).
  const notice = r.notice ? section(`⚠️ ${escapeText(truncate(r.notice, 1_000))}`) : undefined;
  const footerLine = footer(`Operation ${code(r.operationId)}`, `started ${formatTime(r.startedAt)}`, r.finishedAt ? `finished ${formatTime(r.finishedAt)} (${took})` : undefined);

  if (!done) {
    return message(
      `${emoji} ${kind.title} of ${g} ${words} · ${formatCount(r.finished)}/${formatCount(r.total)} finished`,
      blocks(
        section(`${emoji} *${started}* · ${r.total > 0 ? plural(r.total, 'instance') : 'finding instances…'}`),
        r.total > 0 ? section(`${progressBar(r.finished, r.total)} · ${formatCount(r.finished)} of ${formatCount(r.total)} finished · ${formatCount(r.succeeded)} succeeded · ${formatCount(r.failed)} failed`) : undefined,
        notice,
        listSection(`*Failed so far (${formatCount(failedLines.length)})*`, failedLines, SHORT),
        listSection(`*Unreachable so far (${formatCount(unreachableLines.length)})*`, unreachableLines, SHORT),
        failuresSection(r.failures),
        footerLine,
      ),
    );
  }

  const byWorst = [...r.newlyMissing].sort((a, b) => rank(a.severity) - rank(b.severity) || b.instances.length - a.instances.length);
  const everyInstance = [...r.outcomes].sort((a, b) => order(a, unreachableIds) - order(b, unreachableIds)).map((o) => outcomeLine(o, multi));
  const capped = (lines: string[], o = GLANCE) => listWithMore(lines, o).hidden > 0;
  const thread = [
    ...detailThread(`${r.group} · ${kind.title.toLowerCase()} result per instance`, everyInstance, { hint: RUN_COMMAND_HINT }),
    ...(capped(byWorst.map((p) => patchLine(p, 0))) ? detailThread(`${r.group} · ${kind.newlyMissingTitle.toLowerCase()}`, byWorst.map((p) => patchLine(p, 5))) : []),
  ];
  // Failed here excludes the unreachable, which get their own count and list.
  const summary = `${plural(r.total, 'instance')} · ${formatCount(r.succeeded)} succeeded · ${formatCount(failed.length)} failed · ${formatCount(r.unreachable.length)} unreachable`;
  const nothingNew = r.kind === 'scan' && r.missingBySeverity !== undefined && byWorst.length === 0 ? `\n${kind.newlyMissingTitle}: nothing.` : '';

  return message(
    `${emoji} ${kind.title} of ${g} ${words}: ${summary}`,
    blocks(
      header(`${emoji} ${kind.title} of ${r.group} ${words}`),
      section(`Started by ${mention(r.requestedBy)} · ${summary}${took ? ` · took ${took}` : ''}${nothingNew}`),
      fieldSections([
        ['SSM status', statusBreakdown(r.outcomes)],
        ...(r.missingBySeverity ? ([[kind.missingLabel, severityText(r.missingBySeverity)]] as Array<[string, string]>) : []),
      ]),
      listSection(`*Failed (${formatCount(failedLines.length)})*`, failedLines, GLANCE, moreInThread),
      listSection(`*Unreachable (${formatCount(unreachableLines.length)})* — the SSM agent could not be reached:`, unreachableLines, SHORT, moreInThread),
      listSection(`*🆕 ${kind.newlyMissingTitle} (${plural(byWorst.length, 'patch', 'patches')})*`, byWorst.map((p) => patchLine(p, 0)), { maxChars: 1_800, maxLines: 10 }, moreInThread),
      failuresSection(r.failures),
      notice,
      footerLine,
    ),
    thread,
  );
}

/** Invocation statuses that will not change any more. */
function isFinishedStatus(o: InstanceOutcome): boolean {
  return !['Pending', 'InProgress', 'Delayed', 'Cancelling'].includes(o.status);
}

/** Thread order: failures first, then the unreachable, then the rest, so trouble is on top. */
function order(o: InstanceOutcome, unreachable: ReadonlySet<string>): number {
  if (unreachable.has(o.instanceId)) return 1;
  return o.status === 'Success' ? 2 : isFinishedStatus(o) ? 0 : 3;
}
