/**
 * How instances fared in an operation, as lines and counts: SSM's status with its detail, the
 * install's own words (installed, pending reboot, failed), the progress bar, the order trouble is
 * listed in, and the group's compliance afterwards.
 */
import type { OperationKind } from '../../shared/lifecycle';
import type { InstanceOutcome, OperationReport } from '../../patching/report-record';
import { listWithMore } from '../limits';
import { escapeText, formatCount, oneLine, plural, truncate } from '../mrkdwn';
import { instanceLabel } from './blocks';

/** SSM's status, with its finer detail when it adds something: "Failed (Undeliverable)". */
export function ssmStatus(o: InstanceOutcome): string {
  return o.statusDetails && o.statusDetails !== o.status
    ? `${o.status} (${escapeText(truncate(oneLine(o.statusDetails), 120))})`
    : o.status;
}

/** Invocation statuses that will not change any more. */
export function isFinishedStatus(o: InstanceOutcome): boolean {
  return !['Pending', 'InProgress', 'Delayed', 'Cancelling'].includes(o.status);
}

/** Where an instance stands after an install: the words a person reads first. */
export type InstallState = 'installed' | 'pendingReboot' | 'failed' | 'unreachable' | 'running';

export function installState(o: InstanceOutcome, unreachable: ReadonlySet<string>): InstallState {
  if (unreachable.has(o.instanceId)) return 'unreachable';
  if (o.status === 'Success') return (o.pendingReboot ?? 0) > 0 ? 'pendingReboot' : 'installed';
  return isFinishedStatus(o) ? 'failed' : 'running';
}

/** One instance's result line; an install says "Installed" / "Installed, pending reboot" for SSM's Success. */
export function outcomeLine(o: InstanceOutcome, withScope: boolean, kind: OperationKind): string {
  const installed = kind === 'install' && o.status === 'Success';
  const status = installed ? ((o.pendingReboot ?? 0) > 0 ? 'Installed, pending reboot' : 'Installed') : ssmStatus(o);
  const after = [
    o.missing !== undefined ? plural(o.missing, 'missing patch', 'missing patches') : '',
    o.pendingReboot
      ? `${formatCount(o.pendingReboot)} ${installed ? 'patches wait for the reboot' : 'pending reboot'}`
      : '',
  ].filter(Boolean);
  return `• ${instanceLabel(o, withScope)} — ${status}${after.length > 0 ? ` · ${after.join(' · ')}` : ''}`;
}

/** "Success 9", "Failed (Undeliverable) 2", one a line: how SSM reports the instances, most common first. */
export function statusBreakdown(outcomes: readonly InstanceOutcome[]): string {
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(ssmStatus(o), (counts.get(ssmStatus(o)) ?? 0) + 1);
  const parts = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([s, n]) => `${s} ${formatCount(n)}`);
  return listWithMore(parts, { maxChars: 800, maxLines: 6 }).text || 'none yet';
}

/** A 20-cell bar in a code span: progress at a glance, in every client. */
export function progressBar(done: number, total: number): string {
  const cells = total > 0 ? Math.round((20 * Math.min(done, total)) / total) : 0;
  return `\`${'▓'.repeat(cells)}${'░'.repeat(20 - cells)}\` ${total > 0 ? Math.floor((100 * Math.min(done, total)) / total) : 0}%`;
}

/** Thread order: failures first, then the unreachable, then the rest, so trouble is on top. */
export function threadOrder(o: InstanceOutcome, unreachable: ReadonlySet<string>): number {
  if (unreachable.has(o.instanceId)) return 1;
  return o.status === 'Success' ? 2 : isFinishedStatus(o) ? 0 : 3;
}

/**
 * "6 compliant · 2 pending reboot of 8": the group as SSM reports it after the change. As in
 * GroupStatus, instances pending reboot are among the non-compliant, so the rest are named apart.
 */
export function complianceAfterText(c: NonNullable<OperationReport['complianceAfter']>): string {
  const others = Math.max(0, c.nonCompliant - c.pendingReboot);
  const parts = [
    `${formatCount(c.compliant)} compliant`,
    c.pendingReboot > 0 ? `${formatCount(c.pendingReboot)} pending reboot` : '',
    others > 0 ? `${formatCount(others)} non-compliant` : '',
  ];
  return `${parts.filter(Boolean).join(', ')} of ${formatCount(c.instances)}`;
}
