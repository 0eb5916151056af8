/**
 * "What is newly missing": compare SSM's patch states with the compliance snapshot and fetch the
 * patch list (DescribeInstancePatches, one paged call per instance) only for instances whose
 * OperationEndTime moved since the snapshot, or that the snapshot does not know. The cost of a
 * refresh therefore grows with change, not with fleet size. The scan's end uses it, and so can the
 * compliance poller.
 */
import type { InstancePatch, InstancePatchState, ManagedInstance } from './fleet-types';
import type { PatchGroup } from '../config/schema';
import type { Logger } from '../logger';
import type { NewSnapshotEntry, SnapshotPatch, SnapshotSummary } from './ports';
import { fanOut, gatewayFor, type PatchGateway } from './group-fleet';
import { byName } from './status';
import type { InstanceLine, ScopeFailure } from './record-schemas';
import type { MissingPatchSummary } from './report-record';
import { severityRank } from './severity';

/** Patch states kept in the snapshot: not installed, whether never tried or failed. */
export const SNAPSHOT_PATCH_STATES = ['Missing', 'Failed'] as const;

/** Fresh SSM data for one scope: patch states, and optionally the instances (for names, ping, and never-scanned ones). */
export interface ScopePatchStates {
  scope: string;
  region: string;
  states: InstancePatchState[];
  instances?: ManagedInstance[];
}

/**
 * A snapshot row refreshMissing compares with: a whole row (with its patch list), or a summary that
 * says whether its list predates CVE ids, whose list is read only if its instance changed.
 */
export type PreviousRow = Omit<SnapshotSummary, 'updatedAt'> & {
  missingPatches?: SnapshotPatch[];
  patchesLackCveIds?: boolean;
};

/** Reads the stored patch lists of some instances of a scope (the snapshot's patchLists). */
export type PreviousPatches = (
  scope: string,
  region: string,
  instanceIds: readonly string[],
) => Promise<Map<string, SnapshotPatch[]>>;

/** One instance whose compliance changed since the snapshot. */
export interface InstanceChange {
  /** The row to write. */
  entry: NewSnapshotEntry;
  /** The snapshot's row before, if it had one. */
  previous: PreviousRow | undefined;
  /** Patches in the new list that the previous row did not list (all of them for an instance new to the snapshot). */
  newlyMissing: SnapshotPatch[];
}

/** What refreshMissing found. */
export interface MissingRefresh {
  changes: InstanceChange[];
  failures: ScopeFailure[];
  /** Instances whose patch list was fetched (the DescribeInstancePatches cost). */
  fetched: number;
}

/** The key a patch is compared by across scans. */
export function patchKey(p: { kbId: string; title: string }): string {
  return p.kbId || p.title;
}

/** The snapshot's index key of an instance. */
function rowKey(scope: string, region: string, instanceId: string): string {
  return `${scope}\u0000${region}\u0000${instanceId}`;
}

/**
 * Finds instances whose scan changed since `snapshot` (or that are new to it), fetches their Missing
 * and Failed patches, and returns the new snapshot rows with what is newly missing. Instances with
 * nothing missing or failed need no call. A scope whose fetch fails becomes a ScopeFailure and its
 * changed instances are left out, so the next refresh tries them again. Rows given without their
 * patch list need `previousPatches`, which is asked only for the changed instances that had some.
 */
export async function refreshMissing(
  gateways: readonly PatchGateway[],
  group: Pick<PatchGroup, 'name'>,
  snapshot: readonly PreviousRow[],
  scopes: readonly ScopePatchStates[],
  logger?: Logger,
  previousPatches?: PreviousPatches,
): Promise<MissingRefresh> {
  const previous = new Map(
    snapshot.filter((e) => e.group === group.name).map((e) => [rowKey(e.scope, e.region, e.instanceId), e]),
  );
  const plans = scopes.map((sc) => ({ sc, changed: changedInstances(group.name, sc, previous) }));
  let fetched = 0;
  const failures: ScopeFailure[] = [];
  const changes: InstanceChange[] = [];

  const work: Array<{
    scope: string;
    region: string;
    sc: ScopePatchStates;
    changed: ReturnType<typeof changedInstances>;
    gateway: PatchGateway;
  }> = [];
  for (const p of plans) {
    if (p.changed.length === 0) continue;
    const gateway = gatewayFor(gateways, p.sc.scope, p.sc.region);
    if (gateway) work.push({ ...p, scope: p.sc.scope, region: p.sc.region, gateway });
    else
      failures.push({
        scope: p.sc.scope,
        region: p.sc.region,
        message: `Scope ${p.sc.scope} (${p.sc.region}) is no longer configured.`,
      });
  }
  const lists = await fanOut(
    work,
    async (w) => {
      const ids = w.changed.filter((c) => c.needsFetch).map((c) => c.entry.instanceId);
      fetched += ids.length;
      return ids.length > 0
        ? await w.gateway.listInstancePatches(ids, [...SNAPSHOT_PATCH_STATES])
        : new Map<string, InstancePatch[]>();
    },
    { ...(logger ? { logger } : {}), what: `missing patches of ${group.name}` },
  );
  failures.push(...lists.failures);
  for (const { gateway: w, value } of lists.results) {
    const stored = await storedLists(w.sc, w.changed, previous, previousPatches);
    for (const c of w.changed) {
      const patches = c.needsFetch ? toSnapshotPatches(value.get(c.entry.instanceId) ?? []) : [];
      const before = previous.get(rowKey(w.sc.scope, w.sc.region, c.entry.instanceId));
      const known = new Set((before?.missingPatches ?? stored.get(c.entry.instanceId) ?? []).map(patchKey));
      changes.push({
        entry: { ...c.entry, missingPatches: patches },
        previous: before,
        newlyMissing: patches.filter((p) => !known.has(patchKey(p))),
      });
    }
  }
  // A scope whose fetch failed still records the rows that needed no fetch.
  const failed = work.filter((w) => !lists.results.some((r) => r.gateway === w));
  for (const w of failed) {
    for (const c of w.changed.filter((x) => !x.needsFetch)) {
      const before = previous.get(rowKey(w.sc.scope, w.sc.region, c.entry.instanceId));
      changes.push({ entry: c.entry, previous: before, newlyMissing: [] });
    }
  }
  return { changes, failures, fetched };
}

/**
 * The stored patch lists that "newly missing" compares with, for changed instances whose previous row
 * came without its list and had some patches: read once per scope, not for the unchanged rest.
 */
async function storedLists(
  sc: ScopePatchStates,
  changed: ReadonlyArray<{ entry: NewSnapshotEntry; needsFetch: boolean }>,
  previous: Map<string, PreviousRow>,
  previousPatches: PreviousPatches | undefined,
): Promise<Map<string, SnapshotPatch[]>> {
  const ids = changed
    .filter((c) => c.needsFetch)
    .map((c) => previous.get(rowKey(sc.scope, sc.region, c.entry.instanceId)))
    .filter((before): before is PreviousRow => !!before && !before.missingPatches && before.missing + before.failed > 0)
    .map((before) => before.instanceId);
  if (ids.length === 0) return new Map();
  if (!previousPatches) throw new Error('refreshMissing: rows without their patch lists need previousPatches');
  return previousPatches(sc.scope, sc.region, ids);
}

/** Instances of a scope that differ from the snapshot, as rows still missing their patch list. */
function changedInstances(
  group: string,
  sc: ScopePatchStates,
  previous: Map<string, PreviousRow>,
): Array<{ entry: NewSnapshotEntry; needsFetch: boolean }> {
  const instances = new Map((sc.instances ?? []).map((i) => [i.instanceId, i]));
  const out: Array<{ entry: NewSnapshotEntry; needsFetch: boolean }> = [];
  const seen = new Set<string>();
  for (const state of sc.states) {
    seen.add(state.instanceId);
    const before = previous.get(rowKey(sc.scope, sc.region, state.instanceId));
    if (
      before?.operationEndTime &&
      before.operationEndTime.getTime() === state.operationEndTime.getTime() &&
      !withoutCveIds(before)
    )
      continue;
    const entry = snapshotEntry(
      group,
      sc.scope,
      sc.region,
      state.instanceId,
      instances.get(state.instanceId),
      state,
      before,
    );
    out.push({ entry, needsFetch: state.missingCount + state.failedCount > 0 });
  }
  // Instances SSM has never scanned get a row too, so "appeared" and "newly missing later" have a baseline.
  for (const instance of instances.values()) {
    if (seen.has(instance.instanceId) || previous.has(rowKey(sc.scope, sc.region, instance.instanceId))) continue;
    out.push({
      entry: snapshotEntry(group, sc.scope, sc.region, instance.instanceId, instance, undefined, undefined),
      needsFetch: false,
    });
  }
  return out;
}

/**
 * Whether a row was written before patchbot kept CVE ids: its patches are fetched once more, so a
 * plan never shows "no CVE" for a patch only because the snapshot is older than the field.
 */
function withoutCveIds(row: PreviousRow): boolean {
  return row.missingPatches ? row.missingPatches.some((p) => p.cveIds === undefined) : row.patchesLackCveIds === true;
}

/** A snapshot row from SSM data; name and ping come from the instance, else from the previous row. */
export function snapshotEntry(
  group: string,
  scope: string,
  region: string,
  instanceId: string,
  instance: ManagedInstance | undefined,
  state: InstancePatchState | undefined,
  before: PreviousRow | undefined,
): NewSnapshotEntry {
  return {
    group,
    scope,
    region,
    instanceId,
    name: instance ? (instance.name ?? null) : (before?.name ?? null),
    pingStatus: instance ? (instance.pingStatus ?? null) : (before?.pingStatus ?? null),
    operation: state?.operation ?? null,
    operationEndTime: state?.operationEndTime ?? null,
    missing: state?.missingCount ?? 0,
    failed: state?.failedCount ?? 0,
    pendingReboot: state?.installedPendingRebootCount ?? 0,
    critical: state?.criticalNonCompliantCount ?? 0,
    security: state?.securityNonCompliantCount ?? 0,
    other: state?.otherNonCompliantCount ?? 0,
    missingPatches: [],
  };
}

function toSnapshotPatches(patches: readonly InstancePatch[]): SnapshotPatch[] {
  return patches
    .filter(
      (p): p is InstancePatch & { state: SnapshotPatch['state'] } => p.state === 'Missing' || p.state === 'Failed',
    )
    .map((p) => ({
      title: p.title,
      kbId: p.kbId,
      severity: p.severity,
      classification: p.classification,
      state: p.state,
      cveIds: p.cveIds,
    }));
}

/** Newly missing patches across instances, one line per patch: most severe first, then most instances. */
export function summarizeNewlyMissing(changes: readonly InstanceChange[]): MissingPatchSummary[] {
  const byPatch = new Map<string, MissingPatchSummary>();
  for (const change of changes) {
    const line: InstanceLine = {
      instanceId: change.entry.instanceId,
      name: change.entry.name ?? undefined,
      scope: change.entry.scope,
      region: change.entry.region,
    };
    for (const p of change.newlyMissing) {
      const key = patchKey(p);
      let summary = byPatch.get(key);
      if (!summary) {
        summary = {
          title: p.title,
          kbId: p.kbId,
          severity: p.severity,
          classification: p.classification,
          instances: [],
        };
        byPatch.set(key, summary);
      }
      summary.instances.push(line);
    }
  }
  const list = [...byPatch.values()];
  for (const s of list) s.instances.sort(byName);
  return list.sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      b.instances.length - a.instances.length ||
      (a.title < b.title ? -1 : 1),
  );
}
