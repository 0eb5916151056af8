import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PatchbotError, StoreError, type StoreProblem } from '../errors';
import { isPgDriverError, isPostgresTarget, pgFailure } from './pg-failure';

/**
 * Turns a driver error into a StoreError whose message names the database file (or PostgreSQL
 * database, see pg-failure.ts), the cause in
 * words (corrupt, read-only, locked, missing directory, disk) and the fix, so the operator reading
 * the log or the start-up line knows what to do without looking up SQLite result codes.
 */
export function storeFailure(path: string, what: string, err: unknown): PatchbotError {
  if (err instanceof PatchbotError) return err;
  // On PostgreSQL the store's `path` is its masked URL (see pg-failure.ts).
  if (isPostgresTarget(path)) return pgFailure(path, what, err);
  const code = errorCode(err);
  const reason = err instanceof Error ? err.message : String(err);
  const problem = problemOf(code, path);
  return new StoreError(
    `state database ${path} ${DESCRIBED[problem]}: ${what} failed: ${reason}${code ? ` (${code})` : ''}. ${hintFor(problem, path)}`,
    { cause: err, file: path, problem },
  );
}

/** Runs `fn`, turning anything the driver throws into a StoreError (see storeFailure). */
export async function guarded<T>(path: string, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw storeFailure(path, what, err);
  }
}

/** Whether `err` came from a database driver (a SQLite result code, node-postgres), not from a caller's own code. */
export function isDriverError(err: unknown): boolean {
  return errorCode(err).startsWith('SQLITE_') || isPgDriverError(err);
}

function errorCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
}

/** The cause in the operator's words, after the path: "state database /data/patchbot.db is read-only: …". */
const DESCRIBED: Record<StoreProblem, string> = {
  unreachable: 'cannot be reached',
  'access-denied': 'refused access',
  'missing-database': 'does not exist',
  corrupt: 'is corrupt or not an SQLite database',
  'read-only': 'is read-only (the file, its -wal/-shm files or its directory cannot be written)',
  locked: 'is locked by another process',
  'missing-directory': 'is in a directory that does not exist and cannot be created',
  disk: 'could not be written to disk',
  deleted: 'was deleted or replaced while patchbot was running',
  'not-patchbot': 'is not a patchbot database',
  other: 'could not be used',
};

/** Which problem a SQLite result code (extended codes share the primary's prefix) or errno means. */
function problemOf(code: string, path: string): StoreProblem {
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) return 'corrupt';
  if (
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_PERM') ||
    code === 'EACCES' ||
    code === 'EROFS' ||
    code === 'EPERM'
  )
    return 'read-only';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'locked';
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EEXIST') return 'missing-directory';
  if (code.startsWith('SQLITE_CANTOPEN')) return existsSync(dirname(resolve(path))) ? 'read-only' : 'missing-directory';
  if (code.startsWith('SQLITE_FULL') || code.startsWith('SQLITE_IOERR')) return 'disk';
  return 'other';
}

/** The operator's next step. */
function hintFor(problem: StoreProblem, path: string): string {
  switch (problem) {
    case 'missing-directory':
      return `Make sure the directory of ${path} exists and is writable by the bot's user, or set PATCHBOT_DB to a writable path.`;
    case 'read-only':
      return `Make ${path} (and its -wal and -shm files, and its directory) writable by the bot's user, or set PATCHBOT_DB to a writable path.`;
    case 'corrupt':
      return `The file is damaged or is not a patchbot database: stop the bot, move ${path} aside (or restore a backup) and start again; patchbot creates a fresh one.`;
    case 'disk':
      return `Check the disk that holds ${path}: it may be full or failing.`;
    case 'locked':
      return `Another process held the database lock too long; patchbot retries on its next pass. If it goes on, find what else has ${path} open (a backup, an sqlite3 shell).`;
    case 'deleted':
      return `Restore ${path} from a backup if you have one, then restart patchbot; until then it takes no new changes.`;
    default:
      return 'The bot logs have the detail.';
  }
}
