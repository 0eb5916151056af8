import { type Kysely, sql } from 'kysely';
import { StoreError } from '../errors';
import type { PatchbotDatabase } from './schema';

/*
 * Copies a SQLite store into an empty PostgreSQL one (npm run migrate:sqlite-to-postgres): every
 * table in foreign-key order, in batches, in one PostgreSQL transaction, so a failure leaves the
 * new database as it was. Rows keep their ids and SQLite's insertion order (`rowid`), so the
 * repositories list them as before; the identity sequences are then set past the copied ids.
 */

/** The tables of schema.ts. */
export type TableName = keyof PatchbotDatabase;

/** How one table is copied. */
interface TablePlan {
  /** The identity column PostgreSQL generates, filled from SQLite's rowid (which it equals or aliases). */
  identity?: 'rowid' | 'id';
  /** Why the table's rows are not copied. */
  skip?: string;
  /** Rows per INSERT when not BATCH: for tables of large rows. */
  batch?: number;
  /** Rows to leave behind (SQL on the SQLite side), and why. */
  drop?: { where: (nowMs: number) => ReturnType<typeof sql>; why: string };
}

/**
 * Every table of schema.ts, in foreign-key order (approvals after operations). A Record over the
 * schema's keys, so a table added there without a plan here does not compile; the run also checks
 * the tables the databases really hold (checkTablesHandled).
 */
export const COPY_PLAN: Readonly<Record<TableName, TablePlan>> = {
  operations: { identity: 'rowid' },
  approvals: { identity: 'rowid' },
  audit_log: { identity: 'id' },
  compliance_snapshots: {},
  compliance_polls: {},
  compliance_snapshot_reads: {},
  window_polls: {},
  window_executions_seen: {},
  digests: { identity: 'id' },
  // After operations: each row names its operation.
  operation_posts: {},
  seen_requests: {
    drop: {
      where: (nowMs) => sql`until_ms <= ${nowMs}`,
      why: 'expired: past the signature window, nothing to refuse any more',
    },
  },
  leases: { skip: 'the new leader takes the lease' },
  history_group_days: {},
  history_instances: { identity: 'id' },
  // One packed row per group and day (~130 kB at 10,000 instances): a few per INSERT.
  history_day_instances: { batch: 20 },
};

/** The tables in copy order. */
export const COPY_ORDER = Object.keys(COPY_PLAN) as TableName[];

/**
 * Tables only the PostgreSQL database has (outside schema.ts), and why the copy leaves them alone:
 * nothing is copied into them, and their rows do not count as data when the copy checks that the
 * new database is empty (a replica started on it may already have taken the lease).
 */
export const POSTGRES_OWN_TABLES: Readonly<Record<string, string>> = {
  leader_epochs: "the PostgreSQL lease's own record (who took the lock last, its epoch), written by the leader",
};

/** Rows per INSERT. */
const BATCH = 500;

/** What was done with one table. */
export interface TableCopy {
  table: TableName;
  copied: number;
  /** Rows left behind, and why (expired seen requests, the lease). */
  left?: { rows: number; why: string };
}

/** What copyStore did. */
export interface CopyReport {
  tables: TableCopy[];
  total: number;
}

/**
 * Throws naming any table the copy has no plan for: a table added to the schema must be handled here.
 * `side` says which database `tables` are from: the PostgreSQL one may also hold POSTGRES_OWN_TABLES.
 */
export function checkTablesHandled(tables: readonly string[], where: string, side: 'sqlite' | 'postgres'): void {
  const known = (t: string) =>
    t === 'schema_migrations' || t in COPY_PLAN || (side === 'postgres' && t in POSTGRES_OWN_TABLES);
  const unknown = tables.filter((t) => !known(t));
  if (unknown.length > 0)
    throw new StoreError(
      `${where} has table(s) ${unknown.join(', ')} that the copy to PostgreSQL does not handle: ` +
        'add them to COPY_PLAN in src/store/copy.ts before copying, or nothing of them would reach the new database.',
    );
}

/** Copies every table from `from` (a migrated SQLite store) into `to` (a migrated, empty PostgreSQL store). */
export async function copyStore(
  from: Kysely<PatchbotDatabase>,
  to: Kysely<PatchbotDatabase>,
  options: { fromName: string; toName: string; nowMs: number },
): Promise<CopyReport> {
  const sqliteTables = await sql<{ name: string }>`
    SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`.execute(from);
  checkTablesHandled(
    sqliteTables.rows.map((r) => r.name),
    options.fromName,
    'sqlite',
  );
  const pgTables = await sql<{ name: string }>`
    SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()`.execute(to);
  checkTablesHandled(
    pgTables.rows.map((r) => r.name),
    options.toName,
    'postgres',
  );
  return to.transaction().execute(async (trx) => {
    await refuseNonEmpty(trx, options.toName);
    const tables: TableCopy[] = [];
    for (const table of COPY_ORDER) tables.push(await copyTable(from, trx, table, options.nowMs));
    return { tables, total: tables.reduce((n, t) => n + t.copied, 0) };
  });
}

/**
 * The copy goes into an empty database only: merging two histories is not something it can do right.
 * Only the copied tables count, so POSTGRES_OWN_TABLES (the lease's record) never make it non-empty.
 */
async function refuseNonEmpty(db: Kysely<PatchbotDatabase>, where: string): Promise<void> {
  const held: string[] = [];
  for (const table of COPY_ORDER) {
    const n = await countRows(db, table);
    if (n > 0) held.push(`${table} (${n} row${n === 1 ? '' : 's'})`);
  }
  if (held.length > 0)
    throw new StoreError(
      `${where} already holds data: ${held.join(', ')}. Nothing was copied. ` +
        'Copy into a new, empty database (one no patchbot has run on), or drop and recreate this one if its data is not wanted.',
      { file: where, problem: 'other' },
    );
}

async function countRows(db: Kysely<PatchbotDatabase>, table: TableName): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

type Row = Record<string, unknown> & { __rowid: number };

async function copyTable(
  from: Kysely<PatchbotDatabase>,
  to: Kysely<PatchbotDatabase>,
  table: TableName,
  nowMs: number,
): Promise<TableCopy> {
  const plan = COPY_PLAN[table];
  const all = await countRows(from, table);
  if (plan.skip) return { table, copied: 0, ...(all > 0 ? { left: { rows: all, why: plan.skip } } : {}) };
  const keep = plan.drop ? sql`NOT (${plan.drop.where(nowMs)})` : sql`1 = 1`;
  let after = 0;
  let copied = 0;
  for (;;) {
    // Keyset batches in SQLite's insertion order, which the identity values below preserve.
    const { rows } = await sql<Row>`
      SELECT rowid AS __rowid, * FROM ${sql.table(table)}
      WHERE rowid > ${after} AND ${keep} ORDER BY rowid LIMIT ${plan.batch ?? BATCH}`.execute(from);
    if (rows.length === 0) break;
    await insertBatch(to, table, rows, plan.identity);
    copied += rows.length;
    after = rows[rows.length - 1]!.__rowid;
  }
  if (plan.identity) await setSequence(to, table, plan.identity);
  const left = all - copied;
  return { table, copied, ...(left > 0 && plan.drop ? { left: { rows: left, why: plan.drop.why } } : {}) };
}

async function insertBatch(
  to: Kysely<PatchbotDatabase>,
  table: TableName,
  rows: readonly Row[],
  identity: 'rowid' | 'id' | undefined,
): Promise<void> {
  const columns = Object.keys(rows[0]!).filter((c) => c !== '__rowid' && c !== identity);
  const values = (row: Row) => [...(identity ? [row.__rowid] : []), ...columns.map((c) => row[c])];
  const names = [...(identity ? [identity] : []), ...columns];
  // The identity columns are GENERATED ALWAYS: the copied ids go in only with OVERRIDING SYSTEM VALUE.
  await sql`
    INSERT INTO ${sql.table(table)} (${sql.join(names.map((c) => sql.ref(c)))})
    ${identity ? sql`OVERRIDING SYSTEM VALUE` : sql``}
    VALUES ${sql.join(rows.map((row) => sql`(${sql.join(values(row))})`))}`.execute(to);
}

/** The next generated id comes after the largest copied one (or is 1 when none was copied). */
async function setSequence(to: Kysely<PatchbotDatabase>, table: TableName, column: string): Promise<void> {
  await sql`
    SELECT setval(pg_get_serial_sequence(${table}, ${column}),
      COALESCE((SELECT max(${sql.ref(column)}) FROM ${sql.table(table)}), 1),
      (SELECT max(${sql.ref(column)}) FROM ${sql.table(table)}) IS NOT NULL)`.execute(to);
}
