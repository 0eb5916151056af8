/**
 * The compliance diff poller: per group, read SSM's patch states and the managed instances (the
 * same read as /patch status, FleetPort.readGroup), compare with the compliance snapshot a scope at
 * a time and say what changed. Patch lists (DescribeInstancePatches) are fetched only for instances whose
 * OperationEndTime moved, through refreshMissing, so a poll's cost grows with change, not fleet
 * size. The first poll of a group in a scope records the snapshot there and reports nothing.
 * The job then records the group's day in the compliance history (history-day.ts) when the poll
 * changed a row or the day is not recorded yet.
 */
import type { ManagedInstance } from '../fleet-types';
import type { Clock } from '../../clock';
import type { PatchGroup } from '../../config/schema';
import type { Logger } from '../../logger';
import type { NewSnapshotEntry, ScopeSummary, SnapshotEntry, SnapshotPatch, Store } from '../ports';
import type { PatchGateway } from '../group-fleet';
import { type InstanceChange, type PreviousPatches, refreshMissing } from '../missing';
import { byName, computeGroupStatusInTurns, fetchGroupCompliance, isCompliant, type ScopeCompliance } from '../status';
import { mapLimit } from '../../shared/concurrency';
import type { RecentReads } from '../recent-reads';
import type { InstanceLine, ScopeFailure } from '../record-schemas';
import type { ComplianceDiff, NonCompliantChange } from './poll-results';
import { scopeReadHash } from './read-hash';

/** What the pollers need. */
export interface PollDeps {
  store: Store;
  gateways: readonly PatchGateway[];
  groups: readonly PatchGroup[];
  clock: Clock;
  logger: Logger;
  /** Where the poll leaves the group's status for the digest and `/patch status` to reuse within the minute. */
  recent?: RecentReads;
}

/** EC2 states of instances that have left the group's picture (as in status). */
const GONE_STATES = new Set(['terminated', 'shutting-down']);

function line(e: Pick<SnapshotEntry, 'instanceId' | 'name' | 'scope' | 'region'>): InstanceLine {
  return { instanceId: e.instanceId, name: e.name ?? undefined, scope: e.scope, region: e.region };
}

function compliant(e: Pick<SnapshotEntry, 'missing' | 'failed' | 'pendingReboot'>): boolean {
  return isCompliant({ missingCount: e.missing, failedCount: e.failed, installedPendingRebootCount: e.pendingReboot });
}

/**
 * Polls one group. Returns undefined when no scope of the group had a snapshot yet (the first run:
 * it is recorded, nothing is reported); otherwise the diff, which may be empty (see isEmpty).
 * Scopes polled for the first time alongside known ones are recorded silently too.
 */
export async function pollCompliance(deps: PollDeps, group: PatchGroup): Promise<ComplianceDiff | undefined> {
  return (await pollComplianceResult(deps, group)).diff;
}

/** What one compliance poll of a group found: the diff (see pollCompliance) and every scope that failed, first poll included. */
export interface CompliancePollResult {
  diff: ComplianceDiff | undefined;
  failures: ScopeFailure[];
  /** Whether any snapshot row was written or removed: only then can the group's history day differ. */
  changed: boolean;
}

/** As pollCompliance, and also the scopes that could not be read when there is no diff (a first poll). */
export async function pollComplianceResult(deps: PollDeps, group: PatchGroup): Promise<CompliancePollResult> {
  const { store, logger } = deps;
  const now = deps.clock.now();
  const fetched = await fetchGroupCompliance(group, deps.gateways, logger);
  if (deps.recent)
    deps.recent.keep(
      await computeGroupStatusInTurns({ group, now, scopes: fetched.scopes, failures: fetched.failures }),
    );

  // The group is what its tag finds, without instances that are going away; patch states of
  // other instances (the other tag spelling) are left out, as in status.
  const scopes = fetched.scopes.map((sc) => {
    const instances = sc.instances.filter((i) => i.ec2State === undefined || !GONE_STATES.has(i.ec2State));
    const members = new Set(instances.map((i) => i.instanceId));
    return { ...sc, instances, states: sc.states.filter((s) => members.has(s.instanceId)) };
  });
  const known = new Set<PolledScope>();
  for (const sc of scopes)
    if ((await store.pollState.compliancePolledAt(group.name, sc.scope, sc.region)) !== undefined) known.add(sc);

  const diff: ComplianceDiff = {
    group: group.name,
    generatedAt: now,
    scopes: scopes.map((sc) => ({ scope: sc.scope, region: sc.region })),
    becameNonCompliant: [],
    becameCompliant: [],
    appeared: [],
    disappeared: [],
    becameUnreachable: [],
    lastOperationFailed: [],
    failures: [...fetched.failures],
    cost: {
      scopes: scopes.length,
      instances: scopes.reduce((n, sc) => n + sc.instances.length, 0),
      patchStates: fetched.scopes.reduce((n, sc) => n + sc.states.length, 0),
      patchListsFetched: 0,
      scopesUnchanged: 0,
    },
  };
  let changed = false;
  // One scope at a time (a few at once): only that scope's stored rows and patch lists are in memory,
  // never the whole group's, which at 100,000 instances would be most of the process.
  // A scope polled before is compared on its rows' summaries: only the changed instances' stored patch
  // lists are read (to say what is newly missing), not the unchanged thousands of a quiet poll.
  const storedLists: PreviousPatches = (scope, region, ids) =>
    store.snapshots.patchLists(group.name, scope, region, ids);
  await mapLimit(scopes, SCOPES_AT_ONCE, async (sc) => {
    const hash = scopeReadHash(sc);
    if (!known.has(sc)) {
      const rows = await store.snapshots.forScope(group.name, sc.scope, sc.region);
      const refresh = await refreshMissing(deps.gateways, group, rows, [sc], logger);
      diff.failures.push(...refresh.failures);
      diff.cost.patchListsFetched += refresh.fetched;
      // A scope whose patch lists could not be fetched is left as it was and tried again next poll.
      if (refresh.failures.length > 0) return;
      await recordFirstSnapshot(store, group, sc, rows, refresh.changes, hash);
      changed = true;
      return;
    }
    // The rows already say what this read says (nothing written to them since): nothing to compare or write.
    if ((await store.snapshots.readHash(group.name, sc.scope, sc.region)) === hash) {
      diff.cost.scopesUnchanged += 1;
      return;
    }
    const rows = await store.snapshots.scopeSummaries(group.name, sc.scope, sc.region);
    const refresh = await refreshMissing(deps.gateways, group, rows, [sc], logger, storedLists);
    diff.failures.push(...refresh.failures);
    diff.cost.patchListsFetched += refresh.fetched;
    // Instances whose patch list could not be fetched keep their old rows: the rows do not say what the read says yet.
    const matched = refresh.failures.length === 0 ? hash : undefined;
    if (await pollKnownScope(store, group, sc, rows, refresh.changes, diff, matched)) changed = true;
  });
  const failures = diff.failures;
  if (known.size === 0) {
    logger.info(
      { group: group.name, scopes: scopes.length, fetched: diff.cost.patchListsFetched, failures },
      'compliance poll: first snapshot recorded',
    );
    return { diff: undefined, failures, changed };
  }

  for (const list of [
    diff.becameNonCompliant,
    diff.becameCompliant,
    diff.appeared,
    diff.disappeared,
    diff.becameUnreachable,
    diff.lastOperationFailed,
  ]) {
    (list as InstanceLine[]).sort(byName);
  }
  for (const c of diff.becameNonCompliant as NonCompliantChange[])
    c.newlyMissing.sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
  logger.debug({ group: group.name, cost: diff.cost, failures: failures.length }, 'compliance poll');
  return { diff, failures, changed };
}

/** How many scopes the poll compares at once. */
const SCOPES_AT_ONCE = 4;

/** One scope's fresh read, as the poll compares it. */
type PolledScope = ScopeCompliance;

/** First poll in a scope: make its snapshot exactly what SSM says now. */
async function recordFirstSnapshot(
  store: Store,
  group: PatchGroup,
  sc: PolledScope,
  rows: readonly SnapshotEntry[],
  changes: readonly InstanceChange[],
  hash: string,
): Promise<void> {
  const entries = withPing(
    changes.map((c) => c.entry),
    sc.instances,
  );
  const written = new Set(entries.map((x) => x.instanceId));
  const live = new Set(sc.instances.map((i) => i.instanceId));
  const kept = rows
    .filter((e) => !written.has(e.instanceId) && live.has(e.instanceId))
    .map((e) => refreshed(e, sc.instances));
  await store.transaction(async (tx) => {
    await tx.snapshots.replaceScope(group.name, sc.scope, sc.region, [...entries, ...kept]);
    await tx.snapshots.markRead(group.name, sc.scope, sc.region, hash);
    await tx.pollState.markCompliancePolled(group.name, sc.scope, sc.region);
  });
}

/**
 * A scope polled before: adds what changed to the diff and writes it; whether any row changed. Changed instances whose patch
 * list could not be fetched are not in `changes`: they stay as they were and are tried again next poll. `hash` is the
 * read's (scopeReadHash), recorded with the writes when they leave the rows saying what the read says.
 */
async function pollKnownScope(
  store: Store,
  group: PatchGroup,
  sc: PolledScope,
  rows: readonly ScopeSummary[],
  changes: readonly InstanceChange[],
  diff: ComplianceDiff,
  hash: string | undefined,
): Promise<boolean> {
  const writes: NewSnapshotEntry[] = [];
  const changedIds = new Set(changes.map((c) => c.entry.instanceId));
  const instances = new Map(sc.instances.map((i) => [i.instanceId, i]));

  for (const c of changes) {
    const before = c.previous;
    const entry = c.entry;
    writes.push(entry);
    if (!before) {
      diff.appeared.push(line(entry));
      continue;
    }
    const unreachable = before.pingStatus === 'Online' && entry.pingStatus !== 'Online';
    // The same scan fetched again only to fill in CVE ids (a row older than them): its compliance did not change.
    if (before.operationEndTime !== null && before.operationEndTime.getTime() === entry.operationEndTime?.getTime()) {
      if (unreachable) diff.becameUnreachable.push(line(entry));
      continue;
    }
    const scanned = entry.operationEndTime !== null;
    const wasCompliant = before.operationEndTime !== null && compliant(before);
    const nowCompliant = scanned && compliant(entry);
    if (scanned && !nowCompliant && (wasCompliant || c.newlyMissing.length > 0)) {
      diff.becameNonCompliant.push({
        ...line(entry),
        newlyMissing: c.newlyMissing.map((p) => ({
          title: p.title,
          severity: p.severity,
          classification: p.classification,
        })),
      });
    } else if (nowCompliant && before.operationEndTime !== null && !compliant(before)) {
      diff.becameCompliant.push(line(entry));
    }
    if (scanned && entry.failed > 0 && (before.failed === 0 || entry.operation === 'Install'))
      diff.lastOperationFailed.push(line(entry));
    if (unreachable) diff.becameUnreachable.push(line(entry));
  }

  // Instances whose scan did not move: only the agent (and the name) may have changed.
  const gone: string[] = [];
  const moved: ScopeSummary[] = [];
  for (const before of rows) {
    if (changedIds.has(before.instanceId)) continue;
    const instance = instances.get(before.instanceId);
    if (!instance) {
      // A scope whose patch-list fetch failed still lists its instances, so absence means gone.
      gone.push(before.instanceId);
      diff.disappeared.push(line(before));
      continue;
    }
    const ping = instance.pingStatus ?? null;
    const name = instance.name ?? null;
    if (ping === before.pingStatus && name === before.name) continue;
    moved.push(before);
    if (before.pingStatus === 'Online' && ping !== 'Online') diff.becameUnreachable.push(line({ ...before, name }));
  }
  // Their rows are written again whole, with the patch lists they keep (a row deleted meanwhile is left out).
  const lists =
    moved.length > 0
      ? await store.snapshots.patchLists(
          group.name,
          sc.scope,
          sc.region,
          moved.map((m) => m.instanceId),
        )
      : new Map<string, SnapshotPatch[]>();
  for (const before of moved) {
    const missingPatches = lists.get(before.instanceId);
    if (missingPatches) writes.push(refreshed({ ...before, missingPatches }, sc.instances));
  }
  await store.transaction(async (tx) => {
    await tx.snapshots.upsert(writes);
    if (gone.length > 0) await tx.snapshots.remove(group.name, sc.scope, sc.region, gone);
    if (hash !== undefined) await tx.snapshots.markRead(group.name, sc.scope, sc.region, hash);
    await tx.pollState.markCompliancePolled(group.name, sc.scope, sc.region);
  });
  return writes.length > 0 || gone.length > 0;
}

/** Entries with ping status and name from the live instance list. */
function withPing(entries: readonly NewSnapshotEntry[], instances: readonly ManagedInstance[]): NewSnapshotEntry[] {
  const byId = new Map(instances.map((i) => [i.instanceId, i]));
  return entries.map((e) => {
    const i = byId.get(e.instanceId);
    return i ? { ...e, name: i.name ?? null, pingStatus: i.pingStatus ?? null } : e;
  });
}

/** A stored row with the live ping status and name. */
function refreshed(
  before: NewSnapshotEntry & { updatedAt?: Date; patchesLackCveIds?: boolean },
  instances: readonly ManagedInstance[],
): NewSnapshotEntry {
  const { updatedAt: _updatedAt, patchesLackCveIds: _lack, ...entry } = before;
  const [withLive] = withPing([entry], instances);
  return withLive ?? entry;
}
