import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { systemClock, type Clock } from '../clock';
import type { Logger } from '../logger';
import { ApprovalRepository } from './approvals';
import { AuditRepository } from './audit';
import type { StoreContext } from './context';
import { isDriverError, storeFailure } from './failure';
import { SqliteLease } from './lease';
import type { Migration } from './migrations';
import { openPostgres } from './pg';
import type { PgMigration } from './pg-migrations';
import { OperationPostRepository } from './operation-posts';
import { OperationRepository } from './operations';
import { PollStateRepository } from './poll-state';
import type { PatchbotDatabase } from './schema';
import { SeenRequests } from './seen-requests';
import { ComplianceSnapshotRepository } from './snapshots';
import { ComplianceHistoryRepository } from './history';
import { openSqlite } from './sqlite';
import { rootContext } from './transactions';
import { TurnBudget } from '../shared/turn-budget';

/*
 * The store: one asynchronous surface over one typed query layer (Kysely), for SQLite and
 * PostgreSQL (issue 16).
 *
 * - `openStore(options)` → `Promise<Store>`. Backend `sqlite` (the default): a file path as ever,
 *   opened through better-sqlite3 with WAL, the busy timeout, the migrations in `PRAGMA
 *   user_version` (raw SQL through the driver, before Kysely starts), the write-once check and
 *   `checkFile`; every failure a StoreError naming the file and the fix. Backend `postgres`: a URL
 *   (`PATCHBOT_DATABASE_URL`), node-postgres's pool under Kysely's PostgresDialect (pg.ts), with its
 *   own migration list equivalent to the SQLite one (pg-migrations.ts) and its own error mapping
 *   (pg-failure.ts); `checkFile` does nothing there.
 * - Every repository method keeps its name, parameters and result, and returns a Promise of it.
 *   Queries are written with Kysely's builder against `PatchbotDatabase` (schema.ts), in SQL both
 *   backends speak: `status IN (...)`, `INSERT ... ON CONFLICT`, `UPDATE ... RETURNING` (SQLite
 *   3.35+, PostgreSQL). Adding PostgreSQL is a dialect, a migration list and the error mapping.
 * - `transaction(fn)` runs `fn(tx)` in one transaction; `tx` holds the same repositories bound to
 *   it. SQLite's is `BEGIN IMMEDIATE` on Kysely's one connection: the write lock is taken first, so
 *   compare-and-set across processes on one file holds, and the process's other queries wait their
 *   turn behind the connection's mutex. `tx.transaction(fn)` nests as a savepoint (as better-sqlite3
 *   did): a nested failure rolls back its own writes and, unless the caller catches it, the whole
 *   transaction. Repository methods that must be atomic on their own (an approval's check and
 *   insert, the lease, a snapshot batch) run the same way: a transaction of their own on the store,
 *   a savepoint on a `tx`. Inside `fn`, only `tx` may be used: a query on the store itself would
 *   wait for the transaction, so it is refused with an error instead.
 * - `close()` → Promise, safe to call twice.
 */

/** What both backends take. */
interface CommonOptions {
  logger: Logger;
  clock?: Clock;
  /** The process's background turns (src/shared/turn-budget.ts); unset, the store has its own. */
  turns?: TurnBudget;
  /** Test seam: the operation id generator (e.g. to force a collision). */
  newOperationId?: () => string;
}

/** The embedded default: one SQLite file. The caller resolves the path (PATCHBOT_DB, through the config). */
export interface SqliteStoreOptions extends CommonOptions {
  backend?: 'sqlite';
  /** File path, or ':memory:' for tests. The parent directory is created if missing. */
  path: string;
  /** How long a write waits for another connection's lock before failing; default 5 s. */
  busyTimeoutMs?: number;
  /** Test seam: a different migration list (e.g. to exercise an upgrade). */
  migrations?: readonly Migration[];
}

/** PostgreSQL (PATCHBOT_DATABASE_URL: `postgres://user:pass@host:5432/db`, TLS options as node-postgres takes them). */
export interface PostgresStoreOptions extends CommonOptions {
  backend: 'postgres';
  url: string;
  /** TLS: the CA bundle (PATCHBOT_DATABASE_CA_FILE); sslmode and the like may also be given in the URL. */
  ssl?: { ca: string };
  /** How long the server lets a statement run (row-lock waits included) before cancelling it; default 10 s. */
  statementTimeoutMs?: number;
  /** Test seam: a different migration list. */
  migrations?: readonly PgMigration[];
}

/** How to open the state database. */
export type OpenStoreOptions = SqliteStoreOptions | PostgresStoreOptions;

/** The repositories, bound to the store or to one transaction. */
export interface StoreTx {
  readonly operations: OperationRepository;
  /** The write-ahead journal of each operation's Slack posts, a row per post (migration v9). */
  readonly posts: OperationPostRepository;
  readonly audit: AuditRepository;
  readonly approvals: ApprovalRepository;
  readonly snapshots: ComplianceSnapshotRepository;
  /** What the pollers remember: first polls, window executions seen, digests sent (migration v3). */
  readonly pollState: PollStateRepository;
  /** Signed Slack requests already acted on, for the signature window (migration v5). */
  readonly seenRequests: SeenRequests;
  /** The daily compliance history: per group and day, and per instance and day for the SLA (migration v7). */
  readonly complianceHistory: ComplianceHistoryRepository;
  /** Runs `fn` in one transaction (IMMEDIATE on SQLite); on a `tx`, as a savepoint of its transaction. */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
}

/** The opened store: its repositories, the work lease, transactions and the connection's life. */
export interface Store extends StoreTx {
  readonly backend: 'sqlite' | 'postgres';
  /** The SQLite file (or the PostgreSQL database, without its password): what errors name. */
  readonly path: string;
  /** The query layer itself (tests, tools). */
  readonly kysely: Kysely<PatchbotDatabase>;
  /** The SQLite driver's handle (tests that check pragmas or write raw rows); undefined on PostgreSQL. */
  readonly sqlite: Database.Database | undefined;
  /** The work lease (one process runs the tracker and the jobs; see src/jobs/leadership.ts). */
  readonly lease: SqliteLease;
  /**
   * Checks the file at `path` is still the one this store opened (a cheap stat): throws a StoreError
   * (problem `deleted`) once it was deleted or replaced, and from then on. Nothing to check on PostgreSQL.
   */
  checkFile(): void;
  /** Closes the connection; safe to call twice. */
  close(): Promise<void>;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** Opens (creating if needed) and migrates the state database; every failure is a StoreError naming where and the fix. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const logger = options.logger.child({ subsystem: 'store' });
  const backend = await openBackend(options, logger);
  const root = rootContext(backend.kysely, {
    backend: backend.backend,
    path: backend.path,
    clock: options.clock ?? systemClock,
    logger,
    turns: options.turns ?? new TurnBudget(),
    // PostgreSQL's default READ COMMITTED is enough: every compare-and-set is one conditional
    // UPDATE, which waits for a concurrent writer's row lock and then re-checks its WHERE on the
    // row as committed, so of two racing writers exactly one matches (see operations.ts).
    begin: backend.backend === 'sqlite' ? 'begin immediate' : 'begin',
  });
  const seen = { admitted: 0 };
  const bind = (ctx: StoreContext, sqlite?: Database.Database): StoreTx => ({
    operations: new OperationRepository(ctx, options.newOperationId),
    posts: new OperationPostRepository(ctx),
    audit: new AuditRepository(ctx),
    approvals: new ApprovalRepository(ctx),
    snapshots: new ComplianceSnapshotRepository(ctx),
    pollState: new PollStateRepository(ctx),
    seenRequests: new SeenRequests(ctx, seen, sqlite),
    complianceHistory: new ComplianceHistoryRepository(ctx),
    transaction: <T>(fn: (tx: StoreTx) => Promise<T>) => inTransaction(ctx, fn),
  });
  const inTransaction = async <T>(ctx: StoreContext, fn: (tx: StoreTx) => Promise<T>): Promise<T> => {
    try {
      return await ctx.atomic((txCtx) => fn(bind(txCtx)));
    } catch (err) {
      // Only the driver's own errors become StoreErrors; the caller's errors pass through untouched.
      if (isDriverError(err)) throw storeFailure(backend.path, 'a transaction', err);
      throw err;
    }
  };

  let closed = false;
  return {
    backend: backend.backend,
    path: backend.path,
    kysely: backend.kysely,
    sqlite: backend.sqlite,
    ...bind(root, backend.sqlite),
    // The row lease is portable as it is: one INSERT ... ON CONFLICT DO UPDATE ... WHERE, atomic on both.
    lease: new SqliteLease(root, backend.checkFile),
    checkFile: backend.checkFile,
    async close() {
      if (closed) return;
      closed = true;
      await backend.close();
    },
  };
}

/** One opened backend, as openStore uses it. */
interface OpenedBackend {
  backend: 'sqlite' | 'postgres';
  path: string;
  kysely: Kysely<PatchbotDatabase>;
  sqlite: Database.Database | undefined;
  checkFile(): void;
  close(): Promise<void>;
}

async function openBackend(options: OpenStoreOptions, logger: Logger): Promise<OpenedBackend> {
  if (options.backend === 'postgres') {
    const opened = await openPostgres({
      url: options.url,
      logger,
      ...(options.ssl ? { ssl: options.ssl } : {}),
      ...(options.statementTimeoutMs !== undefined ? { statementTimeoutMs: options.statementTimeoutMs } : {}),
      ...(options.migrations ? { migrations: options.migrations } : {}),
    });
    return {
      backend: 'postgres',
      path: opened.where,
      kysely: opened.kysely,
      sqlite: undefined,
      checkFile: () => undefined,
      // Kysely's destroy ends the pool it was given.
      close: () => opened.kysely.destroy(),
    };
  }
  const opened = openSqlite({
    path: options.path,
    logger,
    busyTimeoutMs: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
    ...(options.migrations ? { migrations: options.migrations } : {}),
  });
  return {
    backend: 'sqlite',
    path: options.path,
    kysely: opened.kysely,
    sqlite: opened.sqlite,
    checkFile: opened.checkFile,
    async close() {
      await opened.kysely.destroy();
      // Kysely closes the driver only if it ever ran a query.
      if (opened.sqlite.open) opened.sqlite.close();
    },
  };
}
