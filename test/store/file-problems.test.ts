/**
 * What goes wrong with the state file, on real files: each failure names the file, the cause in
 * words and the fix (for the operator: the log and main's start-up line), never the path to a
 * Slack user; a lock held by another connection is waited out or retried, never a crash.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, openSync, closeSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ManualClock } from '../../src/clock';
import { StoreError } from '../../src/errors';
import { Leadership } from '../../src/jobs/leadership';
import { silentLogger } from '../../src/logger';
import { openStore } from '../../src/store';
import { harness, testConfig } from '../patching/helpers';
import { eventually } from '../support/aws';
import { capturingLogger } from '../support/log-capture';
import { pendingInstall, tempDir } from './helpers';

async function openError(path: string): Promise<StoreError> {
  try {
    await (await openStore({ path, logger: silentLogger() })).close();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    return err as StoreError;
  }
  throw new Error(`opening ${path} did not fail`);
}

/** The operator's line names the file, the cause and a fix; the user's does not name the file. */
function expectNamed(err: StoreError, path: string, cause: RegExp, fix: RegExp): void {
  expect(err.file).toBe(path);
  expect(err.operatorMessage).toContain(path);
  expect(err.operatorMessage).toMatch(cause);
  expect(err.operatorMessage).toMatch(fix);
  expect(err.userMessage).not.toContain(path);
}

/**
 * Makes `path` unwritable in a way that holds for this user: root ignores permission bits, so as
 * root the immutable attribute (chattr +i, ext4 and most Linux file systems) does it. Returns the
 * undo, or undefined where neither works (then there is nothing real to test).
 */
function makeUnwritable(path: string): (() => void) | undefined {
  if (process.getuid?.() === 0) {
    try {
      execFileSync('chattr', ['+i', path], { stdio: 'ignore' });
    } catch {
      return undefined;
    }
    return () => execFileSync('chattr', ['-i', path], { stdio: 'ignore' });
  }
  chmodSync(path, 0o555);
  return () => chmodSync(path, 0o755);
}

function writable(path: string): boolean {
  try {
    closeSync(openSync(path, 'r+'));
    return true;
  } catch {
    return false;
  }
}

describe('state file problems', () => {
  const tmp = tempDir();
  afterAll(async () => tmp.cleanup());

  it('corrupt: names the file, says it is corrupt, and how to recover', async () => {
    const path = join(tmp.dir, 'corrupt.db');
    writeFileSync(path, 'not an SQLite file at all, but long enough to be read as a header. '.repeat(80));
    const err = await openError(path);
    expect(err.problem).toBe('corrupt');
    expectNamed(err, path, /is corrupt or not an SQLite database/, /move .* aside \(or restore a backup\)/);
  });

  it('read-only: a file that opens but cannot be written fails at start, not at the first change', async () => {
    const path = join(tmp.dir, 'readonly.db');
    await (await openStore({ path, logger: silentLogger() })).close();
    const undo = makeUnwritable(path);
    if (!undo || writable(path))
      return void console.warn('no way to make a file read-only for this user here; skipped');
    try {
      const err = await openError(path);
      expect(err.problem).toBe('read-only');
      expectNamed(err, path, /is read-only/, /writable by the bot's user, or set PATCHBOT_DB/);
    } finally {
      undo();
    }
  });

  it('read-only directory: the file cannot be created there', async () => {
    const dir = join(tmp.dir, 'locked-dir');
    mkdirSync(dir);
    const undo = makeUnwritable(dir);
    if (!undo) return void console.warn('no way to make a directory read-only for this user here; skipped');
    const path = join(dir, 'patchbot.db');
    try {
      const err = await openError(path);
      expect(err.problem).toBe('read-only');
      expectNamed(
        err,
        path,
        /is read-only \(the file, its -wal\/-shm files or its directory cannot be written\)/,
        /writable/,
      );
    } finally {
      undo();
    }
  });

  it('missing directory that cannot be created: says so', async () => {
    const blocker = join(tmp.dir, 'a-file');
    writeFileSync(blocker, 'x');
    const path = join(blocker, 'data', 'patchbot.db');
    const err = await openError(path);
    expect(err.problem).toBe('missing-directory');
    expectNamed(err, path, /in a directory that does not exist and cannot be created/, /Make sure the directory/);
  });

  it('deleted while running: noticed on the next check, and from then on', async () => {
    const path = join(tmp.dir, 'deleted.db');
    const { logger, lines } = capturingLogger();
    const store = await openStore({ path, logger });
    expect(() => store.checkFile()).not.toThrow();
    execFileSync('rm', ['-f', path, `${path}-wal`, `${path}-shm`]);
    let err: unknown;
    try {
      store.checkFile();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).problem).toBe('deleted');
    expectNamed(
      err as StoreError,
      path,
      /was deleted or replaced while patchbot was running/,
      /Restore .* from a backup .* then restart patchbot/,
    );
    expect((err as StoreError).userMessage).toMatch(/takes no new changes until an operator restarts it/);
    expect(() => store.checkFile()).toThrow(StoreError);
    expect(lines().filter((l) => l.level === 50 && /deleted or replaced/.test(String(l.msg)))).toHaveLength(1);
    // The lease refuses too: a lease in a deleted file is a lease on nothing.
    return expect(store.lease.acquire('A', 1000)).rejects.toMatchObject({ problem: 'deleted' });
  });

  it('replaced while running (another file at the path): noticed too', async () => {
    const path = join(tmp.dir, 'replaced.db');
    const store = await openStore({ path, logger: silentLogger() });
    execFileSync('rm', ['-f', path]);
    await (await openStore({ path, logger: silentLogger() })).close();
    expect(() => store.checkFile()).toThrow(/another file is at that path now/);
    await store.close();
  });
});

describe('SQLITE_BUSY: another connection holds the write lock', () => {
  const tmp = tempDir();
  afterAll(async () => tmp.cleanup());

  it('the lease says the file is locked, naming it; leadership logs it and carries on, and leads once the lock is gone', async () => {
    const path = join(tmp.dir, 'busy-lease.db');
    const clock = new ManualClock('2026-03-01T10:00:00.000Z');
    const { logger, lines } = capturingLogger();
    const store = await openStore({ path, logger, clock, busyTimeoutMs: 50 });
    const locker = new Database(path);
    locker.exec('BEGIN IMMEDIATE');
    locker.exec('UPDATE leases SET epoch = epoch');
    await expect(store.lease.acquire('A', 1000)).rejects.toMatchObject({
      problem: 'locked',
      file: path,
      message: expect.stringContaining('is locked by another process'),
    });

    const events: string[] = [];
    const leadership = new Leadership({
      lease: store.lease,
      clock,
      logger,
      holder: 'A',
      onGained: async () => void events.push('gained'),
      onLost: async () => void events.push('lost'),
    });
    await leadership.start();
    expect(leadership.role).toBe('follower');
    expect(lines().some((l) => l.subsystem === 'lease' && l.level === 50 && String(l.msg).includes(path))).toBe(true);
    locker.exec('ROLLBACK');
    locker.close();
    await leadership.check();
    await new Promise((r) => setImmediate(r));
    expect(leadership.role).toBe('leader');
    expect(events).toEqual(['gained']);
    await leadership.stop();
    await store.close();
  });

  it('the tracker starts and keeps passing while the lock is held, and catches up once it is released', async () => {
    const path = join(tmp.dir, 'busy-tracker.db');
    const clock = new ManualClock('2026-03-01T10:00:00.000Z');
    const h = await harness({ gateways: [], config: testConfig(), path, clock, busyTimeoutMs: 30 });
    const due = await h.store.operations.create(
      pendingInstall(clock, { expiresAt: new Date(clock.now().getTime() + 1000) }),
    );
    clock.advance(2000);
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown) => unhandled.push(err);
    process.on('unhandledRejection', onUnhandled);
    const locker = new Database(path);
    try {
      locker.exec('BEGIN IMMEDIATE');
      locker.exec('UPDATE leases SET epoch = epoch');
      await expect(h.tracker.start()).resolves.toBeUndefined();
      // Several timer-driven passes, each refused the lock.
      for (let pass = 0; pass < 3; pass++) await h.tracker.nextPass();
      expect((await h.store.operations.get(due.id))?.status).toBe('pending');
      locker.exec('ROLLBACK');
      await eventually(
        async () => ((await h.store.operations.get(due.id))?.status === 'expired' ? true : undefined),
        2000,
      );
      expect((await h.store.operations.get(due.id))?.status).toBe('expired');
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      locker.close();
      await h.close();
    }
  });
});
