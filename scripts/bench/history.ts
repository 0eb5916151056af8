/**
 * The daily compliance history at fleet size: 10,000 instances over 400 days. On SQLite every day is
 * written through `store.complianceHistory.recordDay`, as the compliance poll writes it, and the
 * file's size is taken after the store closes (WAL checkpointed); the time to write one day is the
 * p50 and max over all of them. On PostgreSQL a few days go through recordDay (their time), the rest
 * are filled by one INSERT ... SELECT of the same rows (400 recordDays there would take minutes and
 * measure nothing more), and the size is pg_total_relation_size (heap, indexes, TOAST) of the three tables.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { silentLogger } from '../../src/logger';
import { dayNumber } from '../../src/shared/utc-day';
import { addDays } from '../../src/shared/utc-day';
import { openStore, type NewInstanceDay, type Store } from '../../src/store';
import { onPostgres } from './replicas';
import { latency, type Latency } from './stats';

/** The issue's target for the history's size on disk. */
export const HISTORY_TARGET_MB = 200;

/** One backend's figures. */
export interface HistoryRow {
  backend: 'sqlite' | 'postgres';
  /** Bytes on disk (SQLite file; PostgreSQL's pg_total_relation_size of the history tables). */
  bytes: number;
  /** Days written through recordDay, and the time each took. */
  recorded: number;
  writeDay: Latency;
  /** Days filled in bulk (PostgreSQL) rather than through recordDay. */
  bulk: number;
  /** Reading the SLA's rows (latestInstanceDays) for the group. */
  readLatestMs: number;
  /** Pruning one day off the front. */
  pruneDayMs: number;
}

/** What the history section showed. */
export interface HistoryResult {
  instances: number;
  days: number;
  rows: HistoryRow[];
}

const FIRST_DAY = '2025-01-01';
const GROUP = 'PRD';

/** The fleet on day `d`: about 10% missing a Critical patch and 20% an Important one, in runs of 10-15 days. */
function fleetDay(instances: number, d: number): NewInstanceDay[] {
  return Array.from({ length: instances }, (_, i) => ({
    scope: i % 2 === 0 ? 'prod' : 'shared',
    region: i % 4 < 2 ? 'us-east-1' : 'eu-west-1',
    instanceId: `i-${i.toString(16).padStart(17, '0')}`,
    name: `web-${i}`,
    critical: (i * 7 + Math.floor(d / 10)) % 10 === 0,
    important: (i * 3 + Math.floor(d / 15)) % 5 === 0,
    pendingReboot: i % 50 === 0,
    unreachable: i % 97 === 0,
  }));
}

async function recordDay(store: Store, instances: number, d: number): Promise<number> {
  const rows = fleetDay(instances, d);
  const started = performance.now();
  await store.complianceHistory.recordDay({
    group: GROUP,
    day: addDays(FIRST_DAY, d),
    instances,
    compliant: rows.filter((r) => !r.critical && !r.important && !r.pendingReboot).length,
    critical: rows.filter((r) => r.critical).length,
    important: rows.filter((r) => r.important).length,
    pendingReboot: rows.filter((r) => r.pendingReboot).length,
    unreachable: rows.filter((r) => r.unreachable).length,
    oldestScanAt: new Date(`${addDays(FIRST_DAY, d)}T03:00:00Z`),
    rows,
  });
  return performance.now() - started;
}

async function readAndPrune(store: Store): Promise<{ readLatestMs: number; pruneDayMs: number }> {
  let started = performance.now();
  await store.complianceHistory.latestInstanceDays([GROUP]);
  const readLatestMs = Math.round(performance.now() - started);
  started = performance.now();
  await store.complianceHistory.prune(addDays(FIRST_DAY, 1));
  return { readLatestMs, pruneDayMs: Math.round(performance.now() - started) };
}

async function onSqlite(options: HistoryOptions): Promise<HistoryRow> {
  const dir = mkdtempSync(join(tmpdir(), 'patchbot-bench-history-'));
  try {
    const path = join(dir, 'state.db');
    let store = await openStore({ path, logger: silentLogger() });
    const times: number[] = [];
    for (let d = 0; d < options.days; d++) {
      times.push(await recordDay(store, options.instances, d));
      if ((d + 1) % 50 === 0) options.log(`  history [sqlite]: ${d + 1}/${options.days} days written`);
    }
    await store.close();
    const bytes = statSync(path).size;
    store = await openStore({ path, logger: silentLogger() });
    const after = await readAndPrune(store);
    await store.close();
    return { backend: 'sqlite', bytes, recorded: times.length, writeDay: latency(times), bulk: 0, ...after };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function onPg(options: HistoryOptions & { recorded: number }): Promise<HistoryRow> {
  return onPostgres(options.log, async (url) => {
    const store = await openStore({ backend: 'postgres', url, logger: silentLogger(), statementTimeoutMs: 600_000 });
    try {
      const times: number[] = [];
      for (let d = 0; d < options.recorded; d++) times.push(await recordDay(store, options.instances, d));
      const first = dayNumber(FIRST_DAY);
      // The same rows fleetDay makes, for the remaining days: instance numbers 1..n in fleetDay's order.
      await sql`
        INSERT INTO history_instance_days (day, instance, critical_since, important_since, pending_reboot, unreachable)
        SELECT ${first}::int + d, n,
          CASE WHEN ((n - 1) * 7 + d / 10) % 10 = 0 THEN ${first}::int + d - d % 10 END,
          CASE WHEN ((n - 1) * 3 + d / 15) % 5 = 0 THEN ${first}::int + d - d % 15 END,
          CASE WHEN (n - 1) % 50 = 0 THEN 1 ELSE 0 END,
          CASE WHEN (n - 1) % 97 = 0 THEN 1 ELSE 0 END
        FROM generate_series(${options.recorded}::int, ${options.days - 1}::int) AS d,
             generate_series(1, ${options.instances}::int) AS n
        ORDER BY 1, 2`.execute(store.kysely);
      await sql`
        INSERT INTO history_group_days (group_name, day, instances, compliant, critical, important, pending_reboot,
          unreachable, oldest_scan_at, recorded_at)
        SELECT ${GROUP}, ${first}::int + d, ${options.instances}::int, 0, 0, 0, 0, 0, NULL, '2025-01-01T00:00:00.000Z'
        FROM generate_series(${options.recorded}::int, ${options.days - 1}::int) AS d`.execute(store.kysely);
      await sql`VACUUM ANALYZE history_instance_days`.execute(store.kysely);
      const { rows } = await sql<{ bytes: string }>`
        SELECT pg_total_relation_size('history_instance_days') + pg_total_relation_size('history_instances')
          + pg_total_relation_size('history_group_days') AS bytes`.execute(store.kysely);
      const after = await readAndPrune(store);
      return {
        backend: 'postgres' as const,
        bytes: Number(rows[0]?.bytes),
        recorded: times.length,
        writeDay: latency(times),
        bulk: options.days - options.recorded,
        ...after,
      };
    } finally {
      await store.close();
    }
  });
}

/** What the section takes. */
export interface HistoryOptions {
  instances: number;
  days: number;
  log: (line: string) => void;
}

/** Writes the history at fleet size on SQLite (all days through recordDay) and PostgreSQL, and measures it. */
export async function benchHistory(options: HistoryOptions): Promise<HistoryResult> {
  const rows: HistoryRow[] = [];
  rows.push(await onSqlite(options));
  options.log(describe(rows[0]!, options));
  rows.push(await onPg({ ...options, recorded: 5 }));
  options.log(describe(rows[1]!, options));
  return { instances: options.instances, days: options.days, rows };
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

function describe(row: HistoryRow, options: HistoryOptions): string {
  return `history [${row.backend}]: ${mb(row.bytes)} MB for ${options.instances} instances x ${options.days} days; one day written in ${row.writeDay.p50} ms (p50 of ${row.recorded}, max ${row.writeDay.max})`;
}

/** The section of docs/benchmarks.md (and of `--only history`'s output). */
export function renderHistory(result: HistoryResult): string[] {
  const perRow = (row: HistoryRow) => (row.bytes / (result.instances * result.days)).toFixed(1);
  return [
    '## Compliance history',
    '',
    `${result.instances.toLocaleString('en-US')} instances x ${result.days} days in one group (about 10% missing a Critical patch, 20% an Important one). Target: under ${HISTORY_TARGET_MB} MB on disk.`,
    '',
    '| backend | on disk | bytes per instance-day | target | one day written (p50 / max) | days through recordDay | latest day read (SLA) | one day pruned |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...result.rows.map(
      (r) =>
        `| ${r.backend === 'sqlite' ? 'SQLite (file, WAL checkpointed)' : 'PostgreSQL (pg_total_relation_size)'} | ${mb(r.bytes)} MB | ${perRow(r)} | ${r.backend === 'sqlite' ? (r.bytes / 1e6 < HISTORY_TARGET_MB ? 'met' : '**missed**') : 'not a target'} | ${r.writeDay.p50} / ${r.writeDay.max} ms | ${r.recorded}${r.bulk ? ` (+${r.bulk} filled in bulk)` : ''} | ${r.readLatestMs} ms | ${r.pruneDayMs} ms |`,
    ),
    '',
  ];
}
