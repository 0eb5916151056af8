/**
 * What one person's App Home shows, read from the store only (no AWS call on a Home open): the
 * changes waiting for their approval (and their own requests waiting for others), the operations
 * running now, one tile per group they operate or approve, and the estate's total. A viewer sees
 * only the groups they operate or approve; nothing else is read into their Home.
 */
import type { PatchGroup } from '../config';
import type { Clock } from '../clock';
import type { Authorizer } from './decision';
import type { Operation, SnapshotSummary, Store } from './ports';

/** What building a Home reads. */
export interface HomeDeps {
  store: Pick<Store, 'operations' | 'approvals' | 'snapshots' | 'pollState'>;
  groups: readonly PatchGroup[];
  authorizer: Authorizer;
  clock: Clock;
}

/** A pending change on the Home: `canDecide` when the viewer may click Approve/Reject on it. */
export interface HomePending {
  op: Operation;
  /** The viewer's own request (waiting for someone else), one they already approved, or one they may decide. */
  role: 'decide' | 'own' | 'voted';
  approvals: number;
  minApprovals: number;
}

/** One group's figures from its compliance snapshot and the window poll's last result. */
export interface GroupTile {
  group: string;
  instances: number;
  compliant: number;
  /** Instances missing (or failed) at least one patch per SSM bucket; pending reboots left out. */
  critical: number;
  security: number;
  other: number;
  pendingReboot: number;
  unreachable: number;
  /** The newest scan or install end time among the group's instances; null when none was scanned. */
  lastScanAt: Date | null;
  /** The group's last maintenance window execution the window poll saw end. */
  lastWindow: { name: string; status: string; endedAt: Date } | null;
}

/** The estate across every group, account and region (each instance counted once). */
export interface EstateTotal {
  instances: number;
  compliant: number;
  /** Per scope and region: instances and compliant ones, sorted by scope then region. */
  places: Array<{ scope: string; region: string; instances: number; compliant: number }>;
}

/** One viewer's Home data. */
export interface HomeData {
  viewer: string;
  at: Date;
  /** Groups the viewer operates or approves (what they may see), by name. */
  visibleGroups: string[];
  pending: HomePending[];
  running: Operation[];
  /** Worst first: lowest compliance, then most critical, then name. */
  tiles: GroupTile[];
  /** Undefined for a viewer who sees no group. */
  estate: EstateTotal | undefined;
}

/** Statuses of an operation under way (approved ones are about to be sent). */
const UNDER_WAY = ['approved', 'sending', 'running'] as const;
/** The most operations a Home reads per list: more than any Home shows (the view caps its lists). */
const READ_LIMIT = 500;
/** How far back the window poll's results are read for each group's last window. */
const WINDOW_LOOKBACK_MS = 31 * 24 * 3_600_000;

/** Builds the viewer's Home from the store, the groups' config and the authorizer. */
export async function buildHome(deps: HomeDeps, viewer: string): Promise<HomeData> {
  const at = deps.clock.now();
  const roles = await Promise.all(
    deps.groups.map(async (g) => ({
      group: g,
      operates: await deps.authorizer.isAnyOf(viewer, g.operators),
      approves: g.approval.required && (await deps.authorizer.isAnyOf(viewer, g.approval.approvers)),
    })),
  );
  const visible = roles.filter((r) => r.operates || r.approves);
  const byName = new Map(visible.map((r) => [r.group.name, r]));
  if (visible.length === 0)
    return { viewer, at, visibleGroups: [], pending: [], running: [], tiles: [], estate: undefined };

  const [pendingOps, runningOps] = await Promise.all([
    deps.store.operations.listRecent({ statuses: ['pending'], limit: READ_LIMIT }),
    deps.store.operations.listRecent({ statuses: [...UNDER_WAY], limit: READ_LIMIT }),
  ]);
  const pending: HomePending[] = [];
  for (const op of pendingOps.reverse()) {
    const role = byName.get(op.group);
    if (!role) continue;
    const own = op.requestedBy === viewer;
    if (!own && !role.approves) continue;
    const votes = await deps.store.approvals.list(op.id);
    const voted = votes.some((v) => v.userId === viewer);
    pending.push({
      op,
      role: own ? 'own' : voted ? 'voted' : 'decide',
      approvals: votes.length,
      minApprovals: role.group.approval.minApprovals,
    });
  }
  const running = runningOps.filter((op) => byName.has(op.group)).reverse();
  const windows = await lastWindows(deps, at);
  // Summaries, not rows: a tile counts instances and never needs their patch lists.
  const snapshots = await Promise.all(deps.groups.map((g) => deps.store.snapshots.summaries(g.name)));
  const tiles = visible
    .map((r) => tileOf(r.group.name, snapshots[deps.groups.indexOf(r.group)] ?? [], windows.get(r.group.name)))
    .sort(worstFirst);
  return {
    viewer,
    at,
    visibleGroups: visible.map((r) => r.group.name),
    pending,
    running,
    tiles,
    estate: estateOf(snapshots.flat()),
  };
}

/** Whether a snapshot row counts as compliant: nothing missing or failed, no reboot pending. */
function isCompliant(e: SnapshotSummary): boolean {
  return e.missing === 0 && e.failed === 0 && e.pendingReboot === 0;
}

/** A group's tile from its snapshot rows and its last window result. */
export function tileOf(
  group: string,
  rows: readonly SnapshotSummary[],
  lastWindow?: GroupTile['lastWindow'],
): GroupTile {
  const tile: GroupTile = {
    group,
    instances: rows.length,
    compliant: 0,
    critical: 0,
    security: 0,
    other: 0,
    pendingReboot: 0,
    unreachable: 0,
    lastScanAt: null,
    lastWindow: lastWindow ?? null,
  };
  for (const e of rows) {
    if (isCompliant(e)) tile.compliant++;
    // As severity.ts counts: SSM's buckets include patches waiting for a reboot, so only rows with something missing count.
    if (e.missing + e.failed > 0) {
      if (e.critical > 0) tile.critical++;
      if (e.security > 0) tile.security++;
      if (e.other > 0) tile.other++;
    }
    if (e.pendingReboot > 0) tile.pendingReboot++;
    if (e.pingStatus !== 'Online') tile.unreachable++;
    if (e.operationEndTime && (!tile.lastScanAt || e.operationEndTime > tile.lastScanAt))
      tile.lastScanAt = e.operationEndTime;
  }
  return tile;
}

/** A tile's compliance as a fraction (1 for an empty group: nothing is missing there). */
export function complianceOf(t: { instances: number; compliant: number }): number {
  return t.instances === 0 ? 1 : t.compliant / t.instances;
}

function worstFirst(a: GroupTile, b: GroupTile): number {
  return complianceOf(a) - complianceOf(b) || b.critical - a.critical || a.group.localeCompare(b.group);
}

/** The estate: each instance once (a group can share instances with another), per scope and region. */
function estateOf(rows: readonly SnapshotSummary[]): EstateTotal {
  const seen = new Map<string, SnapshotSummary>();
  for (const e of rows) seen.set(`${e.scope}\u0000${e.region}\u0000${e.instanceId}`, e);
  const places = new Map<string, EstateTotal['places'][number]>();
  let compliant = 0;
  for (const e of seen.values()) {
    const key = `${e.scope}\u0000${e.region}`;
    const place = places.get(key) ?? { scope: e.scope, region: e.region, instances: 0, compliant: 0 };
    place.instances++;
    if (isCompliant(e)) {
      place.compliant++;
      compliant++;
    }
    places.set(key, place);
  }
  return {
    instances: seen.size,
    compliant,
    places: [...places.values()].sort((a, b) => a.scope.localeCompare(b.scope) || a.region.localeCompare(b.region)),
  };
}

/** Each group's newest window execution the window poll recorded, over the last month. */
async function lastWindows(deps: HomeDeps, at: Date): Promise<Map<string, NonNullable<GroupTile['lastWindow']>>> {
  const seen = await deps.store.pollState.executionsEndedAfter(new Date(at.getTime() - WINDOW_LOOKBACK_MS));
  const out = new Map<string, NonNullable<GroupTile['lastWindow']>>();
  // Oldest end first: later executions overwrite earlier ones.
  for (const x of seen) {
    if (!x.endTime) continue;
    for (const g of x.groups)
      out.set(g, { name: x.windowName ?? x.windowId, status: x.status ?? 'unknown', endedAt: x.endTime });
  }
  return out;
}
