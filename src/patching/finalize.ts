/**
 * The end of an operation: read the targeted instances' compliance, tell what is newly missing
 * against the snapshot, and decide succeeded or failed. The result is computed once and stored on
 * the operation (with the snapshot update, in one transaction) before anything is published, so a
 * restart republishes the same result instead of recomputing it against an already-updated snapshot.
 */
import type { InstancePatchState, ManagedInstance } from './fleet-types';
import type { Logger } from '../logger';
import { SYSTEM_ACTOR, type NewSnapshotEntry, type Operation } from './ports';
import type { OperationStatus } from './lifecycle';
import { readPlan, readResult, resultJson } from './records';
import { hasProblems } from './verdict';
import { failureDetailOf } from './failure-detail';
import { fanOut, gatewayFor, type PatchGateway } from './group-fleet';
import { type PreviousPatches, type PreviousRow, refreshMissing, summarizeNewlyMissing } from './missing';
import { fetchGroupCompliance, type ScopeCompliance } from './status';
import { finalStatus, resultCounts, summaryLine, withCompliance, type CommandInvocations } from './report';
import type { PatchGroup } from '../config/schema';
import type { Store } from './ports';
import type { PatchingDeps } from './deps';
import type { InstanceLine, ScopeFailure } from './record-schemas';
import type { OperationReport } from './report-record';

/** What the end of an operation reads and writes, and the operation's group (undefined once unconfigured). */
export type FinalDeps = Pick<PatchingDeps, 'store' | 'gateways' | 'clock' | 'recent'> & {
  group: PatchGroup | undefined;
};

/**
 * Computes the final report and stores it on the operation together with the snapshot rows, in one
 * transaction: after a crash either both are there (republish as is) or neither (compute again).
 */
export async function storeFinal(
  deps: FinalDeps,
  op: Operation,
  report: OperationReport,
  commands: readonly CommandInvocations[],
  instances: ReadonlyMap<string, ManagedInstance>,
  logger: Logger,
): Promise<OperationReport> {
  const { store } = deps;
  const final = await computeFinal(deps, op, report, commands, instances, logger);
  await store.transaction(async (tx) => {
    const current = (await tx.operations.get(op.id)) ?? op;
    await tx.operations.update(op.id, {
      result: resultJson({ ...readResult(current), final: storedFinal(final.report) }),
    });
    await tx.snapshots.upsert(final.entries);
  });
  // The change moved the group's compliance: a status read from before it must not be shown as now.
  if (deps.group) deps.recent?.forget(deps.group.name);
  return final.report;
}

/**
 * running → succeeded | failed, with the compact result and an audit entry, in one transaction.
 * The final report is dropped once published (history needs only the summary) and kept while it is
 * not, so that it is what reaches Slack later. The record is read afresh inside the transaction, so
 * nothing written while the result was published (the post journal) is lost. Returns the status reached.
 */
export async function closeOperation(
  store: Store,
  op: Operation,
  report: OperationReport,
  publication: { published: boolean; messageTs: string | null },
): Promise<OperationStatus> {
  const status = report.status === 'succeeded' ? 'succeeded' : 'failed';
  await store.transaction(async (tx) => {
    const current = (await tx.operations.get(op.id)) ?? op;
    const compact = resultJson({
      ...readResult(current),
      final: publication.published ? undefined : storedFinal(report),
      problems: hasProblems(report),
      summary: summaryLine(report),
      counts: resultCounts(report),
      missingBySeverity: report.missingBySeverity,
      newlyMissing: report.newlyMissing.length,
      failures: report.failures,
      published: publication.published,
      // Failed instances: their output is read and posted after the result (failure-detail.ts); kept if already under way.
      failureDetail: readResult(current).failureDetail ?? failureDetailOf(report),
    });
    const messageTs = current.messageTs ?? publication.messageTs;
    const moved = await tx.operations.transition(op.id, {
      from: 'running',
      to: status,
      patch: { result: compact, ...(messageTs !== current.messageTs ? { messageTs } : {}) },
    });
    if (moved) {
      await tx.audit.append({
        actor: SYSTEM_ACTOR,
        action: 'operation.finished',
        operationId: op.id,
        group: op.group,
        detail: { status, summary: compact.summary },
      });
    }
  });
  return status;
}

/**
 * The final report as kept on the operation: without the plan and the approval state, which the
 * operation's plan column and its votes already hold and every publish adds back
 * (`withChangeContext`). An install's plan lists every target: stored twice, it was a fifth of a
 * 10,000-instance result, read back on every tracker pass until the result is published.
 */
function storedFinal(report: OperationReport): OperationReport {
  return { ...report, plan: undefined, approval: undefined };
}

/** The final report and the snapshot rows to write with it. */
export interface FinalResult {
  report: OperationReport;
  entries: NewSnapshotEntry[];
}

/** Computes the final report of `op` from its last invocations (`report`) and SSM's compliance now. */
export async function computeFinal(
  deps: FinalDeps,
  op: Operation,
  report: OperationReport,
  commands: readonly CommandInvocations[],
  instances: ReadonlyMap<string, ManagedInstance>,
  logger: Logger,
): Promise<FinalResult> {
  const { store, gateways, clock, group } = deps;
  // The status is decided on the operation itself; failing to read compliance afterwards is reported, not failed on.
  const status = finalStatus(report);
  const work = commands.flatMap(({ command, invocations }) => {
    const gateway = gatewayFor(gateways, command.scope, command.region);
    const ids = invocations.map((i) => i.instanceId);
    return gateway && ids.length > 0 ? [{ scope: command.scope, region: command.region, gateway, ids }] : [];
  });
  const read = await fanOut(work, (w) => w.gateway.getPatchStates(w.ids), {
    logger,
    what: `compliance after ${op.id}`,
  });
  const states: InstancePatchState[] = read.results.flatMap((r) => r.value);
  const failures: ScopeFailure[] = [...report.failures, ...read.failures.map(afterwards)];
  let final = withCompliance(report, states);
  let entries: NewSnapshotEntry[] = [];
  if (group) {
    const scopes = read.results.map((r) => ({
      scope: r.gateway.scope,
      region: r.gateway.region,
      states: r.value,
      instances: r.gateway.ids.flatMap((id) => (instances.has(id) ? [instances.get(id) as ManagedInstance] : [])),
    }));
    // The snapshot's rows without their patch lists, as the poll compares them: only the changed
    // instances' stored lists are read, never the whole group's (an install of 10,000 changes all).
    // Once per scope and region: a command names at most 50 instances, so one scope may have many commands here.
    const places = new Map(scopes.map((sc) => [`${sc.scope}\u0000${sc.region}`, sc]));
    const snapshot: PreviousRow[] = [];
    for (const sc of places.values())
      snapshot.push(...(await store.snapshots.scopeSummaries(group.name, sc.scope, sc.region)));
    const storedLists: PreviousPatches = (scope, region, ids) =>
      store.snapshots.patchLists(group.name, scope, region, ids);
    const refresh = await refreshMissing(
      gateways as readonly PatchGateway[],
      group,
      snapshot,
      scopes,
      logger,
      storedLists,
    );
    failures.push(...refresh.failures.map(afterwards));
    entries = refresh.changes.map((c) => c.entry);
    final = { ...final, newlyMissing: summarizeNewlyMissing(refresh.changes) };
  }
  if (group && op.kind !== 'scan') {
    // The group's compliance as SSM reports it now (the card's "after"); a failure to read it leaves it out.
    const after = await fetchGroupCompliance(group, gateways, logger);
    if (after.failures.length === 0) final = { ...final, complianceAfter: complianceCounts(after.scopes) };
    else failures.push(...after.failures.map(afterwards));
  }
  const notReached = unreached(op, final);
  return {
    report: {
      ...final,
      status,
      finishedAt: clock.now(),
      failures,
      notice: undefined,
      ...(notReached.length > 0 ? { notReached } : {}),
    },
    entries,
  };
}

/** Compliant, non-compliant and pending-reboot counts of a group's instances (what its tag finds); never-scanned ones count as non-compliant. */
export function complianceCounts(scopes: readonly ScopeCompliance[]): NonNullable<OperationReport['complianceAfter']> {
  const counts = { compliant: 0, nonCompliant: 0, pendingReboot: 0, instances: 0 };
  for (const sc of scopes) {
    const states = new Map(sc.states.map((s) => [s.instanceId, s]));
    for (const i of sc.instances) {
      if (i.ec2State === 'terminated' || i.ec2State === 'shutting-down') continue;
      counts.instances++;
      const s = states.get(i.instanceId);
      if (s && s.installedPendingRebootCount > 0) counts.pendingReboot++;
      if (s && s.missingCount + s.failedCount + s.installedPendingRebootCount === 0) counts.compliant++;
      else counts.nonCompliant++;
    }
  }
  return counts;
}

/** Instances of the change's send set that SSM never ran the command on (no invocation at the end). */
function unreached(op: Operation, report: OperationReport): InstanceLine[] {
  const sendSet = readResult(op).sendSet;
  if (!sendSet) return [];
  const key = (l: { scope: string; region: string; instanceId: string }) => `${l.scope}/${l.region}/${l.instanceId}`;
  const reached = new Set(report.outcomes.map(key));
  const names = new Map((readPlan(op)?.targets ?? []).map((t) => [key(t), t.name]));
  return sendSet.flatMap((s) =>
    s.instanceIds
      .map((instanceId) => ({
        instanceId,
        name: names.get(key({ ...s, instanceId })),
        scope: s.scope,
        region: s.region,
      }))
      .filter((l) => !reached.has(key(l))),
  );
}

/** A failure to read compliance after the operation, worded as such. */
function afterwards(f: ScopeFailure): ScopeFailure {
  return { ...f, message: `Compliance after the operation could not be read: ${f.message}` };
}
