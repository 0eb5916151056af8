import { Worker } from 'node:worker_threads';
import { ManualClock } from '../../src/clock';
import type { Store } from '../../src/store';
import { describeBackends, type StorePlace } from '../support/backends';

/** The work lease as a row: take, renew, lose on expiry, give up, and a compare-and-set that one process wins. */
describeBackends('SqliteLease', ({ place, openAt }) => {
  const TTL = 15_000;

  async function twoOnOneFile(): Promise<{ a: Store; b: Store; clock: ManualClock }> {
    const clock = new ManualClock('2026-03-01T10:00:00.000Z');
    const at = place();
    return { a: await openAt(at, { clock }), b: await openAt(at, { clock }), clock };
  }

  it('takes a free lease, renews it, and refuses it to another holder until it expires', async () => {
    const { a, b, clock } = await twoOnOneFile();
    expect(await a.lease.current()).toBeUndefined();
    const first = await a.lease.acquire('A', TTL);
    expect(first).toEqual({
      held: true,
      lease: { holder: 'A', expiresAt: new Date('2026-03-01T10:00:15.000Z'), epoch: 1 },
    });

    clock.advance(5_000);
    expect(await b.lease.acquire('B', TTL)).toEqual({ held: false, lease: first.lease });
    const renewed = await a.lease.acquire('A', TTL);
    expect(renewed).toEqual({
      held: true,
      lease: { holder: 'A', expiresAt: new Date('2026-03-01T10:00:20.000Z'), epoch: 1 },
    });

    clock.advance(TTL - 1);
    expect((await b.lease.acquire('B', TTL)).held).toBe(false);
    await a.close();
    await b.close();
  });

  it('is lost on expiry: another holder takes it (a new epoch) and the old holder cannot renew', async () => {
    const { a, b, clock } = await twoOnOneFile();
    await a.lease.acquire('A', TTL);
    clock.advance(TTL);
    const taken = await b.lease.acquire('B', TTL);
    expect(taken).toEqual({
      held: true,
      lease: { holder: 'B', expiresAt: new Date('2026-03-01T10:00:30.000Z'), epoch: 2 },
    });
    expect(await a.lease.acquire('A', TTL)).toEqual({ held: false, lease: taken.lease });
    expect(await a.lease.current()).toEqual(taken.lease);
    await a.close();
    await b.close();
  });

  it('is given up on release, so another holder takes it at once; a release by a non-holder changes nothing', async () => {
    const { a, b, clock } = await twoOnOneFile();
    await a.lease.acquire('A', TTL);
    await b.lease.release('B');
    expect((await b.lease.acquire('B', TTL)).held).toBe(false);
    await a.lease.release('A');
    clock.advance(1);
    expect(await b.lease.acquire('B', TTL)).toMatchObject({ held: true, lease: { holder: 'B', epoch: 2 } });
    await a.close();
    await b.close();
  });

  it('threads racing for an expired lease on one file: exactly one wins each file', async () => {
    // Workers use the wall clock; leases set up on a clock far in the past are expired for them.
    const past = new ManualClock('2020-01-01T00:00:00.000Z');
    const places = Array.from({ length: 10 }, () => place());
    for (const at of places) {
      const s = await openAt(at, { clock: past });
      await s.lease.acquire('old-leader', TTL);
      await s.close();
    }
    const holders = await raceForLeases(places, 6);
    for (const [i, at] of places.entries()) {
      const winners = holders.filter((h) => h.place === i && h.held);
      expect(winners).toHaveLength(1);
      const s = await openAt(at);
      expect(await s.lease.current()).toMatchObject({ holder: winners[0]?.holder, epoch: 2 });
      await s.close();
    }
    expect(holders.filter((h) => h.error)).toEqual([]);
  });
});

const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
require(workerData.tsxApi).register();
const { openStore } = require(workerData.storeModule);
const { silentLogger } = require(workerData.loggerModule);
(async () => {
  const stores = [];
  for (const at of workerData.places) stores.push(await openStore({ ...at, logger: silentLogger() }));
  const go = new Int32Array(workerData.go);
  parentPort.postMessage({ type: 'ready' });
  Atomics.wait(go, 0, 0);
  const out = [];
  for (const [i, store] of stores.entries()) {
    try {
      const attempt = await store.lease.acquire(workerData.holder, 60000);
      out.push({ place: workerData.indexes[i], holder: workerData.holder, held: attempt.held });
    } catch (err) {
      out.push({ place: workerData.indexes[i], holder: workerData.holder, held: false, error: String(err && err.message) });
    }
  }
  for (const store of stores) await store.close();
  parentPort.postMessage({ type: 'done', out });
})();
`;

interface Outcome {
  /** The index of the place in the list raced over. */
  place: number;
  holder: string;
  held: boolean;
  error?: string;
}

/** `n` threads, each with its own connection to every database, released at once to take each lease. */
async function raceForLeases(places: StorePlace[], n: number): Promise<Outcome[]> {
  const go = new SharedArrayBuffer(4);
  const handles = Array.from({ length: n }, (_, i) => {
    // Each thread visits the files in its own order, so the races interleave differently.
    const indexes = places.map((_, k) => k);
    const order = i % 2 === 0 ? indexes : indexes.reverse();
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        places: order.map((k) => places[k]),
        indexes: order,
        go,
        holder: `worker-${i}`,
        tsxApi: require.resolve('tsx/cjs/api'),
        storeModule: require.resolve('../../src/store'),
        loggerModule: require.resolve('../../src/logger'),
      },
    });
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    const done = new Promise<Outcome[]>((resolve, reject) => {
      worker.on('message', (msg: { type: string; out: Outcome[] }) =>
        msg.type === 'ready' ? ready() : resolve(msg.out),
      );
      worker.on('error', reject);
    });
    return { isReady, done };
  });
  await Promise.all(handles.map((h) => h.isReady));
  const flag = new Int32Array(go);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  return (await Promise.all(handles.map((h) => h.done))).flat();
}
