/**
 * Pure builders of an operation's report from its command invocations, and the rule that decides
 * how a finished operation ends. No I/O here, so the tracker's judgement is unit-testable.
 */
import type { CommandInvocation, InstancePatchState, InvocationStatus, ManagedInstance } from './fleet-types';
import type { OperationStatus } from './lifecycle';
import type { Operation, OperationCommand } from './ports';
import type { ResultCounts } from './records';
import { countInstance, missingBuckets } from './severity';
import { byName } from './status';
import type { InstanceOutcome, OperationReport } from './report-record';
import type { ScopeFailure, SeverityCounts } from './record-schemas';

/** Invocation statuses that will not change any more. */
export const FINAL_INVOCATION_STATUSES: readonly InvocationStatus[] = ['Success', 'Failed', 'TimedOut', 'Cancelled'];

/** One command's invocations, tagged with where the command ran. */
export interface CommandInvocations {
  command: OperationCommand;
  invocations: CommandInvocation[];
}

/** Whether an invocation has finished. */
export function isFinal(status: InvocationStatus): boolean {
  return FINAL_INVOCATION_STATUSES.includes(status);
}

/** Whether SSM's StatusDetails say the agent was never reached (Undeliverable, Delivery Timed Out). */
export function isUnreachableDetail(details: string | undefined): boolean {
  const d = (details ?? '').replace(/\s+/g, '').toLowerCase();
  return d === 'undeliverable' || d === 'deliverytimedout';
}

/** Whether an outcome counts as a failure of a reachable instance (Failed or TimedOut, not undeliverable). */
export function isReachableFailure(o: Pick<InstanceOutcome, 'status' | 'statusDetails'>): boolean {
  return (o.status === 'Failed' || o.status === 'TimedOut') && !isUnreachableDetail(o.statusDetails);
}

/** Failures first, then unreachable, cancelled, still running, succeeded; by name within each. */
function outcomeRank(o: InstanceOutcome): number {
  if (isReachableFailure(o)) return 0;
  if (isUnreachableDetail(o.statusDetails)) return 1;
  if (o.status === 'Cancelled') return 2;
  if (!isFinal(o.status)) return 3;
  return 4;
}

/**
 * The report while (or once) the invocations are known. Names come from the EC2 Name tag when the
 * instances were listed, else from SSM's InstanceName. Counts: succeeded = Success; failed = Failed
 * or TimedOut on a reachable instance; unreachable = Undeliverable or Delivery Timed Out; Cancelled
 * is finished but neither.
 */
export function buildReport(
  op: Operation,
  commands: readonly CommandInvocations[],
  instances: ReadonlyMap<string, ManagedInstance>,
  failures: readonly ScopeFailure[],
): OperationReport {
  const outcomes: InstanceOutcome[] = commands.flatMap(({ command, invocations }) =>
    invocations.map((inv) => ({
      instanceId: inv.instanceId,
      name: instances.get(inv.instanceId)?.name ?? inv.instanceName,
      scope: command.scope,
      region: command.region,
      commandId: command.commandId,
      status: inv.status,
      statusDetails: inv.statusDetails,
      ...ec2StateOf(instances.get(inv.instanceId)),
    })),
  );
  // Ranked once each, not in every comparison: the tracker rebuilds the report of 10,000 instances every pass.
  const rank = new Map(outcomes.map((o) => [o, outcomeRank(o)]));
  outcomes.sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0) || byName(a, b));
  const unreachable = outcomes.filter((o) => isUnreachableDetail(o.statusDetails));
  return {
    operationId: op.id,
    kind: op.kind,
    group: op.group,
    status: op.status,
    requestedBy: op.requestedBy,
    startedAt: op.createdAt,
    finishedAt: op.finishedAt ?? undefined,
    total: outcomes.length,
    finished: outcomes.filter((o) => isFinal(o.status)).length,
    succeeded: outcomes.filter((o) => o.status === 'Success').length,
    failed: outcomes.filter(isReachableFailure).length,
    unreachable,
    outcomes,
    missingBySeverity: undefined,
    newlyMissing: [],
    failures: [...failures],
  };
}

/** The EC2 state of an instance that is not running (why its agent could not be reached), else nothing. */
function ec2StateOf(i: ManagedInstance | undefined): { ec2State: string } | Record<string, never> {
  return i?.ec2State && i.ec2State !== 'running' ? { ec2State: i.ec2State } : {};
}

/** Adds the instances' compliance after the operation (missing and pending-reboot counts) and the severity buckets. */
export function withCompliance(report: OperationReport, states: readonly InstancePatchState[]): OperationReport {
  const byId = new Map(states.map((s) => [s.instanceId, s]));
  const outcomes = report.outcomes.map((o) => {
    const s = byId.get(o.instanceId);
    return s ? { ...o, missing: s.missingCount, pendingReboot: s.installedPendingRebootCount } : o;
  });
  const ids = new Set(outcomes.map((o) => o.instanceId));
  const missingBySeverity: SeverityCounts = { critical: 0, security: 0, other: 0 };
  for (const s of byId.values()) {
    if (!ids.has(s.instanceId)) continue;
    countInstance(missingBySeverity, missingBuckets(s));
  }
  return {
    ...report,
    outcomes,
    unreachable: outcomes.filter((o) => isUnreachableDetail(o.statusDetails)),
    missingBySeverity,
  };
}

/**
 * How a finished operation ends. `failed` when any reachable instance failed (Failed, or timed
 * out while running), when a scope could not be sent to or read (the group was only partly done),
 * or when no instance succeeded at all (nothing matched the tag, or every agent was unreachable).
 * Otherwise `succeeded`: unreachable instances are reported, not failed on, since `status` already
 * flags them and a stopped instance is often stopped on purpose.
 */
export function finalStatus(
  report: Pick<OperationReport, 'failed' | 'succeeded' | 'failures' | 'outcomes'>,
): OperationStatus {
  if (report.failed > 0 || report.failures.length > 0) return 'failed';
  if (report.succeeded === 0) return 'failed';
  // Instances still unfinished when tracking gave up (deadline) did not succeed.
  if (report.outcomes.some((o) => !isFinal(o.status))) return 'failed';
  return 'succeeded';
}

/** The counts kept in the compact result. */
export function resultCounts(report: OperationReport): ResultCounts {
  return {
    total: report.total,
    succeeded: report.succeeded,
    failed: report.failed,
    unreachable: report.unreachable.length,
  };
}

/** One line for history: "7 of 8 scanned, 1 unreachable; 3 missing critical; 1 patch newly missing". */
export function summaryLine(report: OperationReport): string {
  const verb = report.kind === 'scan' ? 'scanned' : report.kind === 'install' ? 'patched' : 'rebooted';
  if (report.total === 0) {
    const why =
      report.failures.length > 0
        ? report.failures.map((f) => `${f.scope} (${f.region}): ${f.message}`).join(' ')
        : 'no instance received the command';
    return `nothing ${verb}: ${why}`;
  }
  const parts = [`${report.succeeded} of ${report.total} ${verb}`];
  if (report.failed > 0) parts[0] += `, ${report.failed} failed`;
  if (report.unreachable.length > 0) parts[0] += `, ${report.unreachable.length} unreachable`;
  const m = report.missingBySeverity;
  if (m && m.critical + m.security + m.other > 0) {
    parts.push(`missing: ${m.critical} critical, ${m.security} security, ${m.other} other`);
  }
  if (report.newlyMissing.length > 0)
    parts.push(`${report.newlyMissing.length} patch${report.newlyMissing.length === 1 ? '' : 'es'} newly missing`);
  if (report.failures.length > 0)
    parts.push(`${report.failures.length} scope${report.failures.length === 1 ? '' : 's'} failed`);
  return parts.join('; ');
}
