/**
 * The compliance history's day for one group, computed from the compliance snapshot the poll has
 * just written (the store, never AWS again): the group's summary (compliant, missing Critical /
 * Important, pending reboot, unreachable, the oldest scan) and one row per instance. Critical and
 * Important come from the severity of the instance's missing (or failed) patches; the store carries
 * "missing since" over from the day before. Recorded for today (UTC) after every poll, the first,
 * silent one included; a later poll the same day replaces the day.
 */
import type { Clock } from '../../clock';
import type { Logger } from '../../logger';
import { addDays, utcDay } from '../../shared/utc-day';
import type { HistoryPruned, NewHistoryDay, NewInstanceDay, SnapshotEntry, Store } from '../ports';
import { isCompliant } from '../status';

/** Whether any of the instance's missing or failed patches has this severity (SSM's names, any case). */
function misses(e: Pick<SnapshotEntry, 'missingPatches'>, severity: 'critical' | 'important'): boolean {
  return e.missingPatches.some((p) => p.severity.toLowerCase() === severity);
}

/** One group's history day from its snapshot rows (every scope and region). */
export function historyDay(group: string, day: string, entries: readonly SnapshotEntry[]): NewHistoryDay {
  const rows: NewInstanceDay[] = entries.map((e) => ({
    scope: e.scope,
    region: e.region,
    instanceId: e.instanceId,
    name: e.name,
    critical: misses(e, 'critical'),
    important: misses(e, 'important'),
    pendingReboot: e.pendingReboot > 0,
    unreachable: e.pingStatus !== 'Online',
  }));
  let oldest: Date | null = null;
  for (const e of entries)
    if (e.operationEndTime && (oldest === null || e.operationEndTime < oldest)) oldest = e.operationEndTime;
  // Never scanned is not compliant: there is nothing to say it is (as the poll's diff counts it).
  const compliant = entries.filter(
    (e) =>
      e.operationEndTime !== null &&
      isCompliant({ missingCount: e.missing, failedCount: e.failed, installedPendingRebootCount: e.pendingReboot }),
  ).length;
  return {
    group,
    day,
    instances: entries.length,
    compliant,
    critical: rows.filter((r) => r.critical).length,
    important: rows.filter((r) => r.important).length,
    pendingReboot: rows.filter((r) => r.pendingReboot).length,
    unreachable: rows.filter((r) => r.unreachable).length,
    oldestScanAt: oldest,
    rows,
  };
}

/** What recording a day takes. */
export interface HistoryDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
}

/**
 * Records today's (UTC) day of the group from its stored snapshot; nothing when the group has no
 * snapshot yet. A failure is logged, not thrown: the poll's diff is still posted.
 */
export async function recordHistoryDay(
  deps: HistoryDeps,
  group: string,
  options: { unlessRecordedToday?: boolean } = {},
): Promise<void> {
  try {
    const today = utcDay(deps.clock.now());
    // A poll that changed no row would record the same day again: once the day exists, skip it.
    if (options.unlessRecordedToday) {
      const [latest] = await deps.store.complianceHistory.latestGroupDays([group]);
      if (latest?.day === today) return;
    }
    // Scope by scope, so one scope's patch lists are in memory at a time, never the group's.
    let day: NewHistoryDay | undefined;
    for (const { scope, region } of await deps.store.snapshots.scopesOf(group)) {
      const part = historyDay(group, today, await deps.store.snapshots.forScope(group, scope, region));
      day = day ? mergeDays(day, part) : part;
    }
    if (day) await deps.store.complianceHistory.recordDay(day);
  } catch (err) {
    deps.logger.error({ err, group }, 'compliance history: could not record the day; the next poll tries again');
  }
}

/** One day from two parts of the same group and day (scopes read one at a time). */
export function mergeDays(a: NewHistoryDay, b: NewHistoryDay): NewHistoryDay {
  const oldest =
    a.oldestScanAt === null
      ? b.oldestScanAt
      : b.oldestScanAt === null || a.oldestScanAt < b.oldestScanAt
        ? a.oldestScanAt
        : b.oldestScanAt;
  return {
    group: a.group,
    day: a.day,
    instances: a.instances + b.instances,
    compliant: a.compliant + b.compliant,
    critical: a.critical + b.critical,
    important: a.important + b.important,
    pendingReboot: a.pendingReboot + b.pendingReboot,
    unreachable: a.unreachable + b.unreachable,
    oldestScanAt: oldest,
    rows: [...a.rows, ...b.rows],
  };
}

/** The first day kept when `retentionDays` are kept, today (UTC) included. */
export function firstKeptDay(now: Date, retentionDays: number): string {
  return addDays(utcDay(now), -(retentionDays - 1));
}

/** Deletes history days past the retention; a failure is logged (the next poll prunes again). */
export async function pruneHistory(deps: HistoryDeps, retentionDays: number): Promise<HistoryPruned | undefined> {
  try {
    const pruned = await deps.store.complianceHistory.prune(firstKeptDay(deps.clock.now(), retentionDays));
    if (pruned.groupDays > 0) deps.logger.info({ pruned, retentionDays }, 'compliance history: old days deleted');
    return pruned;
  } catch (err) {
    deps.logger.error({ err }, 'compliance history: could not delete old days; the next poll tries again');
    return undefined;
  }
}
