import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError } from '../../src/errors';
import { silentLogger } from '../../src/logger';
import { openDatabase } from '../../src/store';
import { pendingInstall, tempDir, testStore } from './helpers';
import { ManualClock } from '../../src/clock';

describe('openDatabase', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('creates the parent directory and sets WAL, foreign keys, busy timeout and synchronous=NORMAL', () => {
    const path = join(tmp.dir, 'nested', 'deeper', 'patchbot.db');
    const store = openDatabase({ path, logger: silentLogger(), busyTimeoutMs: 1234 });
    expect(existsSync(path)).toBe(true);
    expect(store.path).toBe(path);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('busy_timeout', { simple: true })).toBe(1234);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    store.close();
    store.close(); // twice is fine
  });

  it('keeps state across a close and reopen (what a restart relies on)', () => {
    const path = join(tmp.dir, 'restart.db');
    const clock = new ManualClock();
    const first = openDatabase({ path, logger: silentLogger(), clock });
    const op = first.operations.create(pendingInstall(clock, { status: 'approved', expiresAt: undefined }));
    first.operations.transition(op.id, { from: 'approved', to: 'sending' });
    first.close();
    const second = openDatabase({ path, logger: silentLogger(), clock });
    expect(second.operations.listUnfinished().map((o) => [o.id, o.status])).toEqual([[op.id, 'sending']]);
    second.close();
  });

  it('names the path and the fix when the directory cannot be created', () => {
    // A path under a regular file fails for every user, root included (chmod would not stop root).
    const blocker = join(tmp.dir, 'a-file');
    writeFileSync(blocker, 'x');
    const path = join(blocker, 'data', 'patchbot.db');
    let thrown: unknown;
    try {
      openDatabase({ path, logger: silentLogger() });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(StoreError);
    const message = (thrown as StoreError).message;
    expect(message).toContain(path);
    expect(message).toMatch(/writable/);
    expect(message).toContain('PATCHBOT_DB');
    expect((thrown as StoreError).code).toBe('STORE_ERROR');
    expect((thrown as StoreError).cause).toBeDefined();
    expect((thrown as StoreError).userMessage).not.toContain(path); // users are not shown server paths
  });

  it('names the path and the fix when the path is a directory', () => {
    let thrown: unknown;
    try {
      openDatabase({ path: tmp.dir, logger: silentLogger() });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(StoreError);
    expect((thrown as Error).message).toContain(tmp.dir);
    expect((thrown as Error).message).toMatch(/PATCHBOT_DB/);
  });

  it('says a corrupt file is not a database and how to recover', () => {
    const path = join(tmp.dir, 'corrupt.db');
    writeFileSync(
      path,
      'this is definitely not an SQLite file, just some text that is long enough to look like a header '.repeat(50),
    );
    let thrown: unknown;
    try {
      openDatabase({ path, logger: silentLogger() });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(StoreError);
    expect((thrown as Error).message).toContain(path);
    expect((thrown as Error).message).toMatch(/SQLITE_NOTADB/);
    expect((thrown as Error).message).toMatch(/move .* aside/);
  });

  it("refuses another program's SQLite file instead of writing into it", () => {
    const path = join(tmp.dir, 'foreign.db');
    const Database = require('better-sqlite3') as typeof import('better-sqlite3');
    const other = new Database(path);
    other.exec('CREATE TABLE invoices (id INTEGER)');
    other.close();
    expect(() => openDatabase({ path, logger: silentLogger() })).toThrow(/not a patchbot database/);
  });

  it('refuses an empty path', () => {
    expect(() => openDatabase({ path: '', logger: silentLogger() })).toThrow(StoreError);
  });

  it('runs a transaction and its audit entry together, rolling both back on error', () => {
    const { store, clock } = testStore();
    const op = store.operations.create(pendingInstall(clock));
    expect(() =>
      store.transaction(() => {
        store.operations.transition(op.id, { from: 'pending', to: 'approved' });
        store.audit.append({ actor: 'U2', action: 'operation.approved', operationId: op.id });
        throw new Error('card update failed');
      }),
    ).toThrow('card update failed'); // the caller's own error comes through unchanged
    expect(store.operations.get(op.id)?.status).toBe('pending');
    expect(store.audit.list({ operationId: op.id, limit: 10 })).toEqual([]);

    const approved = store.transaction(() => {
      const moved = store.operations.transition(op.id, { from: 'pending', to: 'approved' });
      store.audit.append({ actor: 'U2', action: 'operation.approved', operationId: op.id });
      return moved;
    });
    expect(approved?.status).toBe('approved');
    expect(store.audit.list({ operationId: op.id, limit: 10 })).toHaveLength(1);
    store.close();
  });
});
