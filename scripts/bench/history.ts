/**
 * The daily compliance history at fleet size: 10,000 instances over 400 days. On both backends every
 * day is written through `store.complianceHistory.recordDay`, as the compliance poll writes it (one
 * packed row per group and day makes that fast on PostgreSQL too); the time to write one day is the
 * p50 and max over all of them. SQLite's size is the file's after the store closes (WAL
 * checkpointed); PostgreSQL's is pg_total_relation_size (heap, indexes, TOAST) of the three tables
 * after VACUUM ANALYZE.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { silentLogger } from '../../src/logger';
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
    return { backend: 'sqlite', bytes, recorded: times.length, writeDay: latency(times), ...after };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function onPg(options: HistoryOptions): Promise<HistoryRow> {
  return onPostgres(options.log, async (url) => {
    const store = await openStore({ backend: 'postgres', url, logger: silentLogger(), statementTimeoutMs: 600_000 });
    try {
      const times: number[] = [];
      for (let d = 0; d < options.days; d++) {
        times.push(await recordDay(store, options.instances, d));
        if ((d + 1) % 50 === 0) options.log(`  history [postgres]: ${d + 1}/${options.days} days written`);
      }
      await sql`VACUUM ANALYZE history_day_instances`.execute(store.kysely);
      const { rows } = await sql<{ bytes: string }>`
        SELECT pg_total_relation_size('history_day_instances') + pg_total_relation_size('history_instances')
          + pg_total_relation_size('history_group_days') AS bytes`.execute(store.kysely);
      const tables = await sql<{ name: string; bytes: string }>`
        SELECT t AS name, pg_total_relation_size(t) AS bytes
        FROM unnest(ARRAY['history_day_instances', 'history_instances', 'history_group_days']) AS t`.execute(
        store.kysely,
      );
      options.log(`  history [postgres]: ${tables.rows.map((t) => `${t.name} ${mb(Number(t.bytes))} MB`).join(', ')}`);
      const after = await readAndPrune(store);
      return {
        backend: 'postgres' as const,
        bytes: Number(rows[0]?.bytes),
        recorded: times.length,
        writeDay: latency(times),
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
  rows.push(await onPg(options));
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
        `| ${r.backend === 'sqlite' ? 'SQLite (file, WAL checkpointed)' : 'PostgreSQL (pg_total_relation_size)'} | ${mb(r.bytes)} MB | ${perRow(r)} | ${r.bytes / 1e6 < HISTORY_TARGET_MB ? 'met' : '**missed**'} | ${r.writeDay.p50} / ${r.writeDay.max} ms | ${r.recorded} | ${r.readLatestMs} ms | ${r.pruneDayMs} ms |`,
    ),
    '',
  ];
}
