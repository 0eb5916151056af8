import { PatchbotError, StoreError } from '../errors';

/**
 * Turns a driver error into a StoreError whose message names the database file and the fix, so the
 * operator reading the log knows what to do without looking up SQLite result codes.
 */
export function storeFailure(path: string, what: string, err: unknown): PatchbotError {
  if (err instanceof PatchbotError) return err;
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  const reason = err instanceof Error ? err.message : String(err);
  return new StoreError(`state database ${path}: ${what} failed: ${reason}${code ? ` (${code})` : ''}. ${hintFor(code, path)}`, { cause: err });
}

/** Runs `fn`, turning anything the driver throws into a StoreError (see storeFailure). */
export function guarded<T>(path: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw storeFailure(path, what, err);
  }
}

/** The operator's next step for a SQLite result code (extended codes share the primary's prefix). */
function hintFor(code: string, path: string): string {
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'EACCES' || code === 'ENOTDIR' || code === 'EROFS') {
    return `Make sure the directory of ${path} exists and is writable by the bot's user, or set PATCHBOT_DB to a writable path.`;
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM')) {
    return `Make ${path} (and its -wal and -shm files) writable by the bot's user, or set PATCHBOT_DB to a writable path.`;
  }
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) {
    return `The file is damaged or is not a patchbot database: stop the bot, move ${path} aside (or restore a backup) and start again; patchbot creates a fresh one.`;
  }
  if (code.startsWith('SQLITE_FULL') || code.startsWith('SQLITE_IOERR')) {
    return `Check the disk that holds ${path}: it may be full or failing.`;
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return `Another process held the database lock too long; make sure only one patchbot uses ${path}.`;
  }
  return 'The bot logs have the detail.';
}
