import { mkdirSync, statSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely } from 'kysely';
import { StoreError } from '../errors';
import type { Logger } from '../logger';
import { storeFailure } from './failure';
import { migrate, type Migration } from './migrations';
import type { PatchbotDatabase } from './schema';
import { PatientSqliteDialect } from './sqlite-dialect';

/** The page cache as SQLite's `cache_size` takes it: negative is KiB (SQLite's own default). */
const SQLITE_CACHE_KIB = -2000;

/** The SQLite backend as opened: the driver's handle, Kysely over it, and the file check. */
export interface OpenedSqlite {
  sqlite: Database.Database;
  kysely: Kysely<PatchbotDatabase>;
  checkFile(): void;
}

/** What opening the file needs (see SqliteStoreOptions). */
export interface SqliteOpenOptions {
  path: string;
  logger: Logger;
  busyTimeoutMs: number;
  migrations?: readonly Migration[];
}

/**
 * Opens (creating if needed) and migrates the SQLite file through the driver, before Kysely starts:
 * WAL, foreign keys, the busy timeout, the migrations in `PRAGMA user_version`, and one write so
 * a file that cannot be written fails here. Every failure is a StoreError naming the file and the fix.
 */
export function openSqlite(options: SqliteOpenOptions): OpenedSqlite {
  const { path, logger } = options;
  const inMemory = path === ':memory:';
  if (!path)
    throw new StoreError('state database: no path given (set PATCHBOT_DB, or leave it unset for ./data/patchbot.db)');
  if (!inMemory) createParentDirectory(path);

  let db: Database.Database;
  try {
    // The busy timeout from the first statement on: another process may be writing as this one starts.
    db = new Database(path, { timeout: options.busyTimeoutMs });
  } catch (err) {
    throw storeFailure(path, 'opening the file', err);
  }
  let identity: Stats | undefined;
  try {
    // WAL lets readers run beside the one writer; NORMAL is durable across app crashes in WAL mode
    // (only an OS crash can lose the last commits), which is the usual trade for a bot's state.
    const journal = db.pragma('journal_mode = WAL', { simple: true });
    if (!inMemory && journal !== 'wal')
      logger.warn({ path, journal }, 'store: WAL is unavailable here; concurrent readers will block');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
    db.pragma('synchronous = NORMAL');
    // SQLite's own default page cache (2 MB) rather than better-sqlite3's build default (16 MB): the
    // bot's queries are short, the OS keeps the file's pages anyway, and writing a large result
    // filled the cache's 16 MB of native memory, held from then on (docs/benchmarks.md, org scale).
    if (!inMemory) db.pragma(`cache_size = ${SQLITE_CACHE_KIB}`);
    const outcome = migrate(db, { path, logger, ...(options.migrations ? { migrations: options.migrations } : {}) });
    if (!inMemory) {
      // A file that opens but cannot be written (read-only, immutable, a read-only mount) opens without
      // complaint and migrates nothing when already current: write once now, so it fails at start.
      db.pragma(`user_version = ${outcome.to}`);
      identity = statSync(path);
    }
    logger.debug({ path, schemaVersion: outcome.to, applied: outcome.applied }, 'store: opened');
  } catch (err) {
    db.close();
    throw storeFailure(path, 'preparing the database', err);
  }
  // From here on the busy wait is the dialect's, asynchronous (see sqlite-dialect.ts); the driver's own would hold the process.
  db.pragma('busy_timeout = 0');
  const kysely = new Kysely<PatchbotDatabase>({ dialect: new PatientSqliteDialect(db, options.busyTimeoutMs) });
  return { sqlite: db, kysely, checkFile: fileCheck(path, identity, logger) };
}

/** `checkFile`: throws a StoreError (problem `deleted`) once the file at `path` is not the one opened, and from then on. */
function fileCheck(path: string, identity: Stats | undefined, logger: Logger): () => void {
  let gone: StoreError | undefined;
  return () => {
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
