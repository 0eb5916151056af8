import { Worker } from 'node:worker_threads';
import { ManualClock } from '../../src/clock';
import type { OperationStatus } from '../../src/patching/lifecycle';
import { describeBackends, type StorePlace } from '../support/backends';
import { pendingInstall } from './helpers';

/**
 * Exactly-once, proved where it matters: separate connections on one database (a WAL file on SQLite,
 * one PostgreSQL database), as separate processes would have. Node runs better-sqlite3
 * synchronously, so true concurrency needs threads: each worker opens its own store (its own
 * connection, or its own pool), all wait on one shared flag, then race the same compare-and-set transitions.
 */

interface Task {
  id: string;
  from: OperationStatus;
  to: OperationStatus;
}

// The worker loads the TypeScript store through tsx's require hook (jest's transform does not reach workers).
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
  const wins = [];
  const errors = [];
  for (const task of workerData.tasks) {
    try {
      if (await store.operations.transition(task.id, { from: task.from, to: task.to })) wins.push(task.id + ':' + task.to);
    } catch (err) {
      errors.push(String(err && err.message));
    }
  }
  await store.close();
  parentPort.postMessage({ type: 'done', wins, errors });
})();
`;

function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Runs each task list in its own worker, all released at once; returns every worker's wins. */
async function race(place: StorePlace, taskLists: Task[][]): Promise<{ wins: string[]; errors: string[] }> {
  const go = new SharedArrayBuffer(4);
  const flag = new Int32Array(go);
  const workers = taskLists.map(
    (tasks) =>
      new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          place,
          go,
          tasks,
          tsxApi: require.resolve('tsx/cjs/api'),
          storeModule: require.resolve('../../src/store'),
          loggerModule: require.resolve('../../src/logger'),
        },
      }),
  );
  const results = workers.map(
    (worker) =>
      new Promise<{ ready: Promise<void>; done: Promise<{ wins: string[]; errors: string[] }> }>((resolveOuter) => {
        let readyResolve!: () => void;
        const ready = new Promise<void>((r) => (readyResolve = r));
        const done = new Promise<{ wins: string[]; errors: string[] }>((resolve, reject) => {
          worker.on('message', (msg: { type: string; wins: string[]; errors: string[] }) => {
            if (msg.type === 'ready') readyResolve();
            else resolve(msg);
          });
          worker.on('error', reject);
        });
        resolveOuter({ ready, done });
      }),
  );
  const handles = await Promise.all(results);
  await Promise.all(handles.map((h) => h.ready));
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  const outcomes = await Promise.all(handles.map((h) => h.done));
  return { wins: outcomes.flatMap((o) => o.wins), errors: outcomes.flatMap((o) => o.errors) };
}

describeBackends('exactly-once transitions across connections', ({ place, openAt }) => {
  it('two connections on one file: the second approved -> sending loses', async () => {
    const at = place();
    const clock = new ManualClock();
    const a = await openAt(at, { clock });
    const b = await openAt(at, { clock });
    const op = await a.operations.create(pendingInstall(clock, { status: 'approved', expiresAt: undefined }));
    expect((await a.operations.transition(op.id, { from: 'approved', to: 'sending' }))?.status).toBe('sending');
    expect(await b.operations.transition(op.id, { from: 'approved', to: 'sending' })).toBeUndefined();
    expect(await b.operations.get(op.id)).toMatchObject({ status: 'sending', version: 2 });
    await a.close();
    await b.close();
  });

  it('many threads racing approved -> sending on the same operations: exactly one winner each', async () => {
    const at = place();
    const clock = new ManualClock();
    const setup = await openAt(at, { clock });
    const ids: string[] = [];
    for (let i = 0; i < 40; i++)
      ids.push((await setup.operations.create(pendingInstall(clock, { status: 'approved', expiresAt: undefined }))).id);
    await setup.close();

    const tasks: Task[] = ids.map((id) => ({ id, from: 'approved', to: 'sending' }));
    const { wins, errors } = await race(
      at,
      Array.from({ length: 6 }, () => shuffled(tasks)),
    );

    expect(errors).toEqual([]);
    expect(wins.sort()).toEqual(ids.map((id) => `${id}:sending`).sort()); // each id once, no more
    const check = await openAt(at);
    for (const id of ids) expect(await check.operations.get(id)).toMatchObject({ status: 'sending', version: 2 });
    await check.close();
  });

  it('Approve racing Reject racing Cancel on pending operations: exactly one decision each', async () => {
    const at = place();
    const clock = new ManualClock();
    const setup = await openAt(at, { clock });
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push((await setup.operations.create(pendingInstall(clock))).id);
    await setup.close();

    const decisions: OperationStatus[] = ['approved', 'approved', 'rejected', 'cancelled'];
    const lists = decisions.map((to) => shuffled(ids.map((id): Task => ({ id, from: 'pending', to }))));
    const { wins, errors } = await race(at, lists);

    expect(errors).toEqual([]);
    expect(wins).toHaveLength(ids.length);
    expect(new Set(wins.map((w) => w.split(':')[0])).size).toBe(ids.length);
    const check = await openAt(at);
    for (const win of wins) {
      const [id, to] = win.split(':');
      expect(await check.operations.get(id!)).toMatchObject({ status: to, version: 2 });
    }
    await check.close();
  });
});

describeBackends('racing votes, replays and approvals across stores', ({ place, openAt }) => {
  it('two approvers voting at once on two stores: each vote once, and one approval', async () => {
    const clock = new ManualClock();
    const at = place();
    const [a, b] = [await openAt(at, { clock }), await openAt(at, { clock })];
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await a.operations.create(pendingInstall(clock))).id);
    // Each store votes twice per operation (a double click) and then tries to approve; the votes and
    // the approval of the two interleave freely.
    const decide = async (store: typeof a, user: string, id: string) => {
      const votes = await Promise.all([store.approvals.add(id, user), store.approvals.add(id, user)]);
      const moved = await store.operations.transition(id, { from: 'pending', to: 'approved' });
      return { votes, won: moved !== undefined };
    };
    const outcomes = await Promise.all(ids.flatMap((id) => [decide(a, 'U1', id), decide(b, 'U2', id)]));
    expect(outcomes.filter((o) => o.won)).toHaveLength(ids.length);
    for (const o of outcomes) expect(o.votes.filter((v) => v === 'recorded').length).toBeLessThanOrEqual(1);
    for (const id of ids) {
      const voters = (await a.approvals.list(id)).map((v) => v.userId);
      expect(new Set(voters).size).toBe(voters.length);
      expect(await a.operations.get(id)).toMatchObject({ status: 'approved', version: 2 });
    }
    await a.close();
    await b.close();
  });

  it('the same signed request arriving at two stores at once is admitted once', async () => {
    const at = place();
    const [a, b] = [await openAt(at), await openAt(at)];
    const now = Date.parse('2026-03-01T10:00:00.000Z');
    for (let i = 0; i < 20; i++) {
      const keys = [`sig:v0=${i}`, `trigger:${i}`];
      const admitted = await Promise.all([
        a.seenRequests.admit(keys, now + 300_000, now),
        b.seenRequests.admit(keys, now + 300_000, now),
        a.seenRequests.admit([...keys].reverse(), now + 300_000, now),
      ]);
      expect(admitted.filter(Boolean)).toHaveLength(1);
    }
    // A request whose keys left the window is new again; one key still in it refuses the whole request.
    expect(await a.seenRequests.admit(['sig:v0=0'], now + 900_000, now + 300_000)).toBe(true);
    expect(await b.seenRequests.admit(['sig:v0=new', 'sig:v0=0'], now + 900_000, now + 300_000)).toBe(false);
    expect(await b.seenRequests.admit(['sig:v0=new'], now + 900_000, now + 300_000)).toBe(true);
    await a.close();
    await b.close();
  });
});
