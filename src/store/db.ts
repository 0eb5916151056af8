import { mkdirSync, statSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { systemClock, type Clock } from '../clock';
import { StoreError } from '../errors';
import type { Logger } from '../logger';
import { ApprovalRepository } from './approvals';
import { AuditRepository } from './audit';
import type { StoreContext } from './context';
import { storeFailure } from './failure';
import { SqliteLease } from './lease';
import { SeenRequests } from './seen-requests';
import { migrate, type Migration } from './migrations';
import { OperationRepository } from './operations';
import { PollStateRepository } from './poll-state';
import { ComplianceSnapshotRepository } from './snapshots';

/** How to open the state database. The caller resolves the path (PATCHBOT_DB, through the config). */
export interface OpenDatabaseOptions {
  /** File path, or ':memory:' for tests. The parent directory is created if missing. */
  path: string;
  logger: Logger;
  clock?: Clock;
  /** How long a write waits for another connection's lock before failing; default 5 s. */
  busyTimeoutMs?: number;
  /** Test seam: a different migration list (e.g. to exercise an upgrade). */
  migrations?: readonly Migration[];
  /** Test seam: the operation id generator (e.g. to force a collision). */
  newOperationId?: () => string;
}

/** The opened store: the connection and its repositories. */
export interface Store {
  readonly path: string;
  readonly db: Database.Database;
  readonly operations: OperationRepository;
  readonly audit: AuditRepository;
  readonly approvals: ApprovalRepository;
  readonly snapshots: ComplianceSnapshotRepository;
  /** What the pollers remember: first polls, window executions seen, digests sent (migration v3). */
  readonly pollState: PollStateRepository;
  /** The work lease (one process runs the tracker and the jobs; see src/jobs/leadership.ts). */
  readonly lease: SqliteLease;
  /** Signed Slack requests already acted on, for the signature window (migration v5). */
  readonly seenRequests: SeenRequests;
  /**
   * Checks the file at `path` is still the one this store opened (a cheap stat): throws a StoreError
   * (problem `deleted`) once it was deleted or replaced, and from then on.
   */
  checkFile(): void;
  /** Runs `fn` in one IMMEDIATE transaction (e.g. a transition and its audit entry), nesting as a savepoint. */
  transaction<T>(fn: () => T): T;
  /** Closes the connection; safe to call twice. */
  close(): void;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** Opens (creating if needed) and migrates the state database; every failure is a StoreError naming the path and the fix. */
export function openDatabase(options: OpenDatabaseOptions): Store {
  const { path } = options;
  const logger = options.logger.child({ subsystem: 'store' });
  const inMemory = path === ':memory:';
  if (!path)
    throw new StoreError('state database: no path given (set PATCHBOT_DB, or leave it unset for ./data/patchbot.db)');
  if (!inMemory) createParentDirectory(path);

  let db: Database.Database;
  try {
    // The busy timeout from the first statement on: another process may be writing as this one starts.
    db = new Database(path, { timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
  } catch (err) {
    throw storeFailure(path, 'opening the file', err);
  }
  const ctx: StoreContext = { db, path, clock: options.clock ?? systemClock, logger };
  let repositories: Pick<Store, 'operations' | 'audit' | 'approvals' | 'snapshots' | 'pollState'>;
  let identity: Stats | undefined;
  try {
    // WAL lets readers run beside the one writer; NORMAL is durable across app crashes in WAL mode
    // (only an OS crash can lose the last commits), which is the usual trade for a bot's state.
    const journal = db.pragma('journal_mode = WAL', { simple: true });
    if (!inMemory && journal !== 'wal')
      logger.warn({ path, journal }, 'store: WAL is unavailable here; concurrent readers will block');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS}`);
    db.pragma('synchronous = NORMAL');
    const outcome = migrate(db, { path, logger, ...(options.migrations ? { migrations: options.migrations } : {}) });
    if (!inMemory) {
      // A file that opens but cannot be written (read-only, immutable, a read-only mount) opens without
      // complaint and migrates nothing when already current: write once now, so it fails at start.
      db.pragma(`user_version = ${outcome.to}`);
      identity = statSync(path);
    }
    repositories = {
      operations: new OperationRepository(ctx, options.newOperationId),
      audit: new AuditRepository(ctx),
      approvals: new ApprovalRepository(ctx),
      snapshots: new ComplianceSnapshotRepository(ctx),
      pollState: new PollStateRepository(ctx),
    };
    logger.debug({ path, schemaVersion: outcome.to, applied: outcome.applied }, 'store: opened');
  } catch (err) {
    db.close();
    throw storeFailure(path, 'preparing the database', err);
  }

  let gone: StoreError | undefined;
  const checkFile = (): void => {
    if (gone) throw gone;
    if (!identity) return;
    const now = statSync(path, { throwIfNoEntry: false });
    if (now && now.ino === identity.ino && now.dev === identity.dev) return;
    gone = new StoreError(
      `state database ${path} was deleted or replaced while patchbot was running (${now ? 'another file is at that path now' : 'no file is at that path now'}): ` +
        'what patchbot writes from here on would be lost at the next start, so it takes no new changes and gives up the work lease. ' +
        `Restore ${path} from a backup if you have one, then restart patchbot.`,
      { file: path, problem: 'deleted' },
    );
    logger.error({ err: gone, path }, 'store: the state file was deleted or replaced while patchbot was running');
    throw gone;
  };

  return {
    path,
    db,
    ...repositories,
    lease: new SqliteLease(ctx, checkFile),
    seenRequests: new SeenRequests(ctx),
    checkFile,
    transaction<T>(fn: () => T): T {
      try {
        return db.transaction(fn).immediate();
      } catch (err) {
        // Only the driver's own errors become StoreErrors; the caller's errors pass through untouched.
        if (err instanceof Database.SqliteError) throw storeFailure(path, 'a transaction', err);
        throw err;
      }
    },
    close() {
      if (db.open) db.close();
    },
  };
}

/** Creates the directory that will hold the file, with a message that says what to fix if it cannot. */
function createParentDirectory(path: string): void {
  const dir = dirname(resolve(path));
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw storeFailure(path, `creating the directory ${dir}`, err);
  }
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    throw new StoreError(
      `state database ${path} is a directory; PATCHBOT_DB must name a file, e.g. ${join(path, 'patchbot.db')}`,
      { file: path, problem: 'other' },
    );
  }
}
