import { Worker } from 'node:worker_threads';
import type { ManualClock } from '../../src/clock';
import {
  AUDIT_GENESIS,
  auditHash,
  MIGRATIONS,
  PG_MIGRATIONS,
  type Store,
  verifyAuditChain,
  formatChainReport,
} from '../../src/store';
import { describeBackends, type StorePlace, type TestBackend } from '../support/backends';

/**
 * The audit log's hash chain (migration v8): every append links to the entry before it, appends
 * from separate connections never fork it, and an entry edited or deleted behind the append-only
 * triggers' back is named by the verifier.
 */

// Each worker is a process of its own for the database: its own store (connection or pool), released at once.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
require(workerData.tsxApi).register();
const { openStore } = require(workerData.storeModule);
const { silentLogger } = require(workerData.loggerModule);
(async () => {
  const store = await openStore({ ...workerData.place, logger: silentLogger() });
  const go = new Int32Array(workerData.go);
  parentPort.postMessage({ type: 'ready' });
  Atomics.wait(go, 0, 0);
  const errors = [];
  await Promise.all(Array.from({ length: workerData.count }, async (_, i) => {
    try {
      if (i % 2 === 0) await store.audit.append({ actor: workerData.actor, action: 'operation.requested', group: 'PRD', detail: { i } });
      else await store.transaction(async (tx) => {
        await tx.audit.append({ actor: workerData.actor, action: 'operation.approval_recorded', group: 'PRD', detail: { i } });
        await tx.audit.append({ actor: workerData.actor, action: 'operation.approved', group: 'PRD', detail: { i } });
      });
    } catch (err) {
      errors.push(String(err && err.message));
    }
  }));
  await store.close();
  parentPort.postMessage({ type: 'done', errors });
})();
`;

/** `count` appends from each of `actors`' workers, all released at once; the errors they met. */
async function appendFromWorkers(place: StorePlace, actors: string[], count: number): Promise<string[]> {
  const go = new SharedArrayBuffer(4);
  const runs = actors.map((actor) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        place,
        go,
        actor,
        count,
        tsxApi: require.resolve('tsx/cjs/api'),
        storeModule: require.resolve('../../src/store'),
        loggerModule: require.resolve('../../src/logger'),
      },
    });
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    const done = new Promise<string[]>((resolve, reject) => {
      worker.on('message', (msg: { type: string; errors: string[] }) => {
        if (msg.type === 'ready') ready();
        else resolve(msg.errors);
      });
      worker.on('error', reject);
    });
    return { isReady, done };
  });
  await Promise.all(runs.map((r) => r.isReady));
  const flag = new Int32Array(go);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  return (await Promise.all(runs.map((r) => r.done))).flat();
}

/** Writes to the audit log behind the append-only triggers' back, as someone tampering would. */
async function tamper(backend: TestBackend, store: Store, statement: string): Promise<void> {
  if (backend.name === 'sqlite') {
    store.sqlite!.exec(`
      DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
      ${statement};
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;`);
    return;
  }
  await backend.exec(store, 'ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change');
  await backend.exec(store, statement);
  await backend.exec(store, 'ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change');
}

async function fiveEntries(store: Store, clock: ManualClock): Promise<number[]> {
  const ids: number[] = [];
  for (const action of ['operation.requested', 'operation.approval_recorded', 'operation.approved'] as const) {
    ids.push((await store.audit.append({ actor: 'U1', action, operationId: 'op-aaaaaa', group: 'PRD' })).id);
    clock.advance(1000);
  }
  ids.push(
    (
      await store.audit.append({
        actor: 'patchbot',
        action: 'operation.sent',
        operationId: 'op-aaaaaa',
        group: 'PRD',
        detail: { commands: ['c-1'] },
      })
    ).id,
  );
  ids.push(
    (
      await store.audit.append({
        actor: 'patchbot',
        action: 'operation.finished',
        operationId: 'op-aaaaaa',
        group: 'PRD',
      })
    ).id,
  );
  return ids;
}

describeBackends('audit log hash chain', (backend) => {
  const { open, place, openAt, exec } = backend;

  it('links every entry to the one before it, from the genesis, by the documented serialization', async () => {
    const { store, clock } = await open();
    await fiveEntries(store, clock);
    const rows = await store.kysely.selectFrom('audit_log').selectAll().orderBy('id').execute();
    expect(rows[0]!.prev_hash).toBe(AUDIT_GENESIS);
    const first = rows[0]!;
    // The serialization spelled out, so a change to it cannot pass unnoticed.
    const text = JSON.stringify([AUDIT_GENESIS, first.at, 'U1', 'operation.requested', 'op-aaaaaa', 'PRD', null]);
    expect(first.hash).toBe(require('node:crypto').createHash('sha256').update(text).digest('hex'));
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
      expect(rows[i]!.hash).toBe(auditHash({ ...rows[i]!, prev_hash: rows[i]!.prev_hash! }));
    }
    expect(await verifyAuditChain(store.kysely, store.path)).toEqual({ checked: 5, head: rows[4]!.hash });
    await store.close();
  });

  it('an empty log verifies with nothing checked', async () => {
    const { store } = await open();
    expect(await verifyAuditChain(store.kysely, store.path)).toEqual({ checked: 0, head: AUDIT_GENESIS });
    await store.close();
  });

  it('never forks under appends from two processes and concurrent transactions at once', async () => {
    const at = place();
    const check = await openAt(at);
    const errors = await appendFromWorkers(at, ['U1', 'U2', 'U3'], 30);
    expect(errors).toEqual([]);
    // Each worker: 15 single appends and 15 transactions of two.
    expect(await verifyAuditChain(check.kysely, check.path)).toMatchObject({ checked: 3 * 45 });
    await check.close();
  }, 60_000);

  it('a database-level unique link refuses a second entry after the same one', async () => {
    const { store } = await open();
    await store.audit.append({ actor: 'U1', action: 'operation.requested' });
    const forked = exec(
      store,
      `INSERT INTO audit_log (at, actor, action, prev_hash, hash) VALUES ('2026-03-01T10:00:00.000Z', 'U9', 'operation.approved', '${AUDIT_GENESIS}', 'x')`,
    );
    await expect(forked).rejects.toHaveProperty('message', expect.stringMatching(/unique|duplicate/i));
    await store.close();
  });

  it('an edited entry is named by its id, time and action: its hash does not fit', async () => {
    const { store, clock } = await open();
    const ids = await fiveEntries(store, clock);
    await tamper(backend, store, `UPDATE audit_log SET actor = 'U666' WHERE id = ${ids[2]}`);
    const report = await verifyAuditChain(store.kysely, store.path);
    expect(report).toEqual({
      checked: 2,
      broken: {
        id: ids[2],
        at: '2026-03-01T10:00:02.000Z',
        action: 'operation.approved',
        problem: 'hash',
        previousId: ids[1],
      },
    });
    expect(formatChainReport(report)).toMatch(
      new RegExp(
        `2 entries checked, then entry ${ids[2]} \\(2026-03-01T10:00:02.000Z, operation.approved\\) does not fit: its hash`,
      ),
    );
    await store.close();
  });

  it('a deleted entry breaks the link of the entry after it, which is named', async () => {
    const { store, clock } = await open();
    const ids = await fiveEntries(store, clock);
    await tamper(backend, store, `DELETE FROM audit_log WHERE id = ${ids[1]}`);
    const report = await verifyAuditChain(store.kysely, store.path);
    expect(report).toMatchObject({ checked: 1, broken: { id: ids[2], problem: 'link', previousId: ids[0] } });
    expect(formatChainReport(report)).toMatch(`entry ${ids[2]}`);
    await store.close();
  });

  it('migration v8 chains the entries written before it, in id order', async () => {
    const at = place();
    const before =
      backend.name === 'sqlite' ? { migrations: MIGRATIONS.slice(0, 7) } : { migrations: PG_MIGRATIONS.slice(0, 7) };
    const old = await openAt(at, before as object);
    for (const actor of ['U1', 'U2', 'U3'])
      await exec(
        old,
        `INSERT INTO audit_log (at, actor, action, group_name, detail) VALUES ('2026-03-01T10:00:00.000Z', '${actor}', 'operation.requested', 'PRD', '{"a":1}')`,
      );
    await old.close();
    const store = await openAt(at);
    expect(await verifyAuditChain(store.kysely, store.path)).toMatchObject({ checked: 3 });
    await store.audit.append({ actor: 'U4', action: 'operation.approved' });
    expect(await verifyAuditChain(store.kysely, store.path)).toMatchObject({ checked: 4 });
    // The append-only triggers came back after the chaining.
    await expect(exec(store, `UPDATE audit_log SET actor = 'U666'`)).rejects.toHaveProperty(
      'message',
      expect.stringMatching(/append-only/),
    );
    await store.close();
  });
});
