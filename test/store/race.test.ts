import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ManualClock } from '../../src/clock';
import { silentLogger } from '../../src/logger';
import type { OperationStatus } from '../../src/patching/lifecycle';
import { openStore } from '../../src/store';
import { pendingInstall, tempDir } from './helpers';

/**
 * Exactly-once, proved where it matters: separate SQLite connections on one WAL file. Node runs
 * better-sqlite3 synchronously, so true concurrency needs threads: each worker opens its own
 * connection, all wait on one shared flag, then race the same compare-and-set transitions.
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
  const store = await openStore({ path: workerData.path, logger: silentLogger() });
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
async function race(path: string, taskLists: Task[][]): Promise<{ wins: string[]; errors: string[] }> {
  const go = new SharedArrayBuffer(4);
  const flag = new Int32Array(go);
  const workers = taskLists.map(
    (tasks) =>
      new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          path,
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

describe('exactly-once transitions across connections', () => {
  const tmp = tempDir();
  afterAll(async () => tmp.cleanup());

  it('two connections on one file: the second approved -> sending loses', async () => {
    const path = join(tmp.dir, 'two.db');
    const clock = new ManualClock();
    const a = await openStore({ path, logger: silentLogger(), clock });
    const b = await openStore({ path, logger: silentLogger(), clock });
    const op = await a.operations.create(pendingInstall(clock, { status: 'approved', expiresAt: undefined }));
    expect((await a.operations.transition(op.id, { from: 'approved', to: 'sending' }))?.status).toBe('sending');
    expect(await b.operations.transition(op.id, { from: 'approved', to: 'sending' })).toBeUndefined();
    expect(await b.operations.get(op.id)).toMatchObject({ status: 'sending', version: 2 });
    await a.close();
    await b.close();
  });

  it('many threads racing approved -> sending on the same operations: exactly one winner each', async () => {
    const path = join(tmp.dir, 'race.db');
    const clock = new ManualClock();
    const setup = await openStore({ path, logger: silentLogger(), clock });
    const ids: string[] = [];
    for (let i = 0; i < 40; i++)
      ids.push((await setup.operations.create(pendingInstall(clock, { status: 'approved', expiresAt: undefined }))).id);
    await setup.close();

    const tasks: Task[] = ids.map((id) => ({ id, from: 'approved', to: 'sending' }));
    const { wins, errors } = await race(
      path,
      Array.from({ length: 6 }, () => shuffled(tasks)),
    );

    expect(errors).toEqual([]);
    expect(wins.sort()).toEqual(ids.map((id) => `${id}:sending`).sort()); // each id once, no more
    const check = await openStore({ path, logger: silentLogger() });
    for (const id of ids) expect(await check.operations.get(id)).toMatchObject({ status: 'sending', version: 2 });
    await check.close();
  });

  it('Approve racing Reject racing Cancel on pending operations: exactly one decision each', async () => {
    const path = join(tmp.dir, 'decide.db');
    const clock = new ManualClock();
    const setup = await openStore({ path, logger: silentLogger(), clock });
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push((await setup.operations.create(pendingInstall(clock))).id);
    await setup.close();

    const decisions: OperationStatus[] = ['approved', 'approved', 'rejected', 'cancelled'];
    const lists = decisions.map((to) => shuffled(ids.map((id): Task => ({ id, from: 'pending', to }))));
    const { wins, errors } = await race(path, lists);

    expect(errors).toEqual([]);
    expect(wins).toHaveLength(ids.length);
    expect(new Set(wins.map((w) => w.split(':')[0])).size).toBe(ids.length);
    const check = await openStore({ path, logger: silentLogger() });
    for (const win of wins) {
      const [id, to] = win.split(':');
      expect(await check.operations.get(id!)).toMatchObject({ status: to, version: 2 });
    }
    await check.close();
  });
});
