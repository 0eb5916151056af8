import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError } from '../../src/errors';
import { silentLogger } from '../../src/logger';
import { openStore } from '../../src/store';
import { describeBackends } from '../support/backends';
import { pendingInstall, tempDir, testStore } from './helpers';
import { ManualClock } from '../../src/clock';

describe('openStore', () => {
  const tmp = tempDir();
  afterAll(async () => tmp.cleanup());

  it('creates the parent directory and sets WAL, foreign keys, busy timeout, synchronous=NORMAL and a 2 MB page cache', async () => {
    const path = join(tmp.dir, 'nested', 'deeper', 'patchbot.db');
    const store = await openStore({ path, logger: silentLogger(), busyTimeoutMs: 1234 });
    expect(existsSync(path)).toBe(true);
    expect(store.path).toBe(path);
    expect(store.sqlite!.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.sqlite!.pragma('foreign_keys', { simple: true })).toBe(1);
    // The wait for another connection's lock is the store's own, asynchronous (see the busy-wait test below).
    expect(store.sqlite!.pragma('busy_timeout', { simple: true })).toBe(0);
    expect(store.sqlite!.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    // SQLite's own default, not better-sqlite3's 16 MB: native memory the process would hold from the first large write on.
    expect(store.sqlite!.pragma('cache_size', { simple: true })).toBe(-2000);
    await store.close();
    await store.close(); // twice is fine
  });

  it("waits for another connection's lock up to the busy timeout without holding the process, then says locked", async () => {
    const path = join(tmp.dir, 'busy.db');
    const clock = new ManualClock();
    const store = await openStore({ path, logger: silentLogger(), clock, busyTimeoutMs: 2000 });
    const op = await store.operations.create(pendingInstall(clock));
    const Database = require('better-sqlite3') as typeof import('better-sqlite3');
    const locker = new Database(path);
    locker.exec('BEGIN IMMEDIATE');
    let settled = false;
    const waiting = store.operations.update(op.id, { messageTs: '1.0' }).finally(() => {
      settled = true;
    });
    // A timer set after the write began runs while the write still waits: a wait that held the
    // process would only let it run once the write had given up (settled).
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    locker.exec('COMMIT');
    await waiting;
    expect((await store.operations.get(op.id))?.messageTs).toBe('1.0');

    locker.exec('BEGIN IMMEDIATE');
    const started = Date.now();
    await expect(store.operations.update(op.id, { messageTs: '2.0' })).rejects.toMatchObject({ problem: 'locked' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1990);
    locker.exec('ROLLBACK');
    locker.close();
    await store.close();
  });

  it('keeps state across a close and reopen (what a restart relies on)', async () => {
    const path = join(tmp.dir, 'restart.db');
    const clock = new ManualClock();
    const first = await openStore({ path, logger: silentLogger(), clock });
    const op = await first.operations.create(pendingInstall(clock, { status: 'approved', expiresAt: undefined }));
    await first.operations.transition(op.id, { from: 'approved', to: 'sending' });
    await first.close();
    const second = await openStore({ path, logger: silentLogger(), clock });
    expect((await second.operations.listUnfinished()).map((o) => [o.id, o.status])).toEqual([[op.id, 'sending']]);
    await second.close();
  });

  it('names the path and the fix when the directory cannot be created', async () => {
    // A path under a regular file fails for every user, root included (chmod would not stop root).
    const blocker = join(tmp.dir, 'a-file');
    writeFileSync(blocker, 'x');
    const path = join(blocker, 'data', 'patchbot.db');
    let thrown: unknown;
    try {
      await openStore({ path, logger: silentLogger() });
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

  it('names the path and the fix when the path is a directory', async () => {
    let thrown: unknown;
    try {
      await openStore({ path: tmp.dir, logger: silentLogger() });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(StoreError);
    expect((thrown as Error).message).toContain(tmp.dir);
    expect((thrown as Error).message).toMatch(/PATCHBOT_DB/);
  });

  it('says a corrupt file is not a database and how to recover', async () => {
    const path = join(tmp.dir, 'corrupt.db');
    writeFileSync(
      path,
      'this is definitely not an SQLite file, just some text that is long enough to look like a header '.repeat(50),
    );
    let thrown: unknown;
    try {
      await openStore({ path, logger: silentLogger() });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(StoreError);
    expect((thrown as Error).message).toContain(path);
    expect((thrown as Error).message).toMatch(/SQLITE_NOTADB/);
    expect((thrown as Error).message).toMatch(/move .* aside/);
  });

  it("refuses another program's SQLite file instead of writing into it", async () => {
    const path = join(tmp.dir, 'foreign.db');
    const Database = require('better-sqlite3') as typeof import('better-sqlite3');
    const other = new Database(path);
    other.exec('CREATE TABLE invoices (id INTEGER)');
    other.close();
    await expect(openStore({ path, logger: silentLogger() })).rejects.toThrow(/not a patchbot database/);
  });

  it('refuses an empty path', async () => {
    await expect(openStore({ path: '', logger: silentLogger() })).rejects.toThrow(StoreError);
  });

  it('serializes transactions of one process on its one connection', async () => {
    const { store, clock } = await testStore();
    const op = await store.operations.create(pendingInstall(clock));
    const order: string[] = [];
    const slow = store.transaction(async (tx) => {
      order.push('a:start');
      await new Promise((r) => setTimeout(r, 20));
      await tx.operations.update(op.id, { messageTs: 'a' });
      order.push('a:end');
    });
    const fast = store.transaction(async (tx) => {
      order.push('b:start');
      await tx.operations.update(op.id, { messageTs: 'b' });
      order.push('b:end');
    });
    await Promise.all([slow, fast]);
    expect(order).toEqual(['a:start', 'a:end', 'b:start', 'b:end']);
    expect((await store.operations.get(op.id))?.messageTs).toBe('b');
    await store.close();
  });
});

describeBackends('transactions', ({ open }) => {
  it('runs a transaction and its audit entry together, rolling both back on error', async () => {
    const { store, clock } = await open();
    const op = await store.operations.create(pendingInstall(clock));
    await expect(
      store.transaction(async (tx) => {
        await tx.operations.transition(op.id, { from: 'pending', to: 'approved' });
        await tx.audit.append({ actor: 'U2', action: 'operation.approved', operationId: op.id });
        throw new Error('card update failed');
      }),
    ).rejects.toThrow('card update failed'); // the caller's own error comes through unchanged
    expect((await store.operations.get(op.id))?.status).toBe('pending');
    expect(await store.audit.list({ operationId: op.id, limit: 10 })).toEqual([]);

    const approved = await store.transaction(async (tx) => {
      const moved = await tx.operations.transition(op.id, { from: 'pending', to: 'approved' });
      await tx.audit.append({ actor: 'U2', action: 'operation.approved', operationId: op.id });
      return moved;
    });
    expect(approved?.status).toBe('approved');
    expect(await store.audit.list({ operationId: op.id, limit: 10 })).toHaveLength(1);
    await store.close();
  });

  it('nests a transaction as a savepoint: a caught inner failure rolls back the inner writes only', async () => {
    const { store, clock } = await open();
    const op = await store.operations.create(pendingInstall(clock));
    await store.transaction(async (tx) => {
      await tx.audit.append({ actor: 'U2', action: 'operation.approval_recorded', operationId: op.id });
      await expect(
        tx.transaction(async (inner) => {
          await inner.operations.transition(op.id, { from: 'pending', to: 'approved' });
          throw new Error('inner failed');
        }),
      ).rejects.toThrow('inner failed');
      expect((await tx.operations.get(op.id))?.status).toBe('pending');
    });
    expect(await store.audit.list({ operationId: op.id, limit: 10 })).toHaveLength(1);
    await store.close();
  });

  it('refuses a query on the store itself inside one of its transactions, which would wait forever', async () => {
    const { store, clock } = await open();
    const op = await store.operations.create(pendingInstall(clock));
    await expect(store.transaction(() => store.operations.get(op.id))).rejects.toThrow(/use the transaction/);
    await expect(store.transaction(() => store.transaction(async () => 1))).rejects.toThrow(/use the transaction/);
    // Outside the transaction the store answers again.
    expect((await store.operations.get(op.id))?.status).toBe('pending');
    await store.close();
  });
});
