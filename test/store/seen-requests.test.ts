/**
 * SeenRequests on SQLite: the synchronous admission (no transaction open on the connection) and
 * the Kysely path it falls back to, which must keep the same answers: an admission never joins a
 * transaction the store has open, and one made while another connection holds the write lock waits
 * for it instead of failing.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { silentLogger } from '../../src/logger';
import { openStore } from '../../src/store';
import { tempDir } from './helpers';

const NOW = Date.parse('2026-03-01T10:00:00.000Z');
const UNTIL = NOW + 300_000;

async function settledYet(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => {
    done = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('SeenRequests on SQLite', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  let n = 0;
  const openFresh = async () => {
    const path = join(tmp.dir, `seen-${++n}.db`);
    return { path, store: await openStore({ path, logger: silentLogger() }) };
  };

  it('admits a request once, refuses its copy, and forgets it once its window has passed', async () => {
    const { store } = await openFresh();
    // Answered at the end of this turn of the event loop, not after the Kysely path's turns.
    const first = store.seenRequests.admit(['sig:a', 'trigger:a'], UNTIL, NOW);
    expect(await settledYet(first)).toBe(true);
    expect(await first).toBe(true);
    expect(await store.seenRequests.admit(['trigger:a'], UNTIL, NOW + 1000)).toBe(false);
    // A refused request writes none of its keys.
    expect(await store.seenRequests.admit(['sig:b', 'sig:a'], UNTIL, NOW + 1000)).toBe(false);
    expect(await store.seenRequests.admit(['sig:b'], UNTIL, NOW + 1000)).toBe(true);
    expect(await store.seenRequests.admit(['sig:a'], UNTIL + 300_000, UNTIL)).toBe(true);
    await store.close();
  });

  it('answers the admissions asked for in one turn together: a copy within the turn is refused, and a refused request writes none of its keys', async () => {
    const { path, store } = await openFresh();
    const answers = Promise.all([
      store.seenRequests.admit(['sig:x', 'trigger:x'], UNTIL, NOW),
      store.seenRequests.admit(['sig:x', 'trigger:x'], UNTIL, NOW),
      store.seenRequests.admit(['sig:y'], UNTIL, NOW),
      store.seenRequests.admit(['sig:z', 'trigger:x'], UNTIL, NOW),
    ]);
    expect(await answers).toEqual([true, false, true, false]);
    const raw = new Database(path, { readonly: true });
    try {
      const keys = raw.prepare('select key from seen_requests order by key').pluck().all();
      expect(keys).toEqual(['sig:x', 'sig:y', 'trigger:x']);
    } finally {
      raw.close();
    }
    await store.close();
  });

  it('commits the admissions of one turn once, not once each', async () => {
    const { path, store } = await openFresh();
    const raw = new Database(path);
    // The write-ahead log grows by a frame for each page of each commit (after its 32-byte header):
    // emptied first, it shows how many commits a set of admissions made.
    const frameBytes = (raw.pragma('page_size', { simple: true }) as number) + 24;
    const walAfter = async (admit: () => Promise<unknown>) => {
      raw.pragma('wal_checkpoint(TRUNCATE)');
      expect(statSync(`${path}-wal`).size).toBe(0);
      await admit();
      return (statSync(`${path}-wal`).size - 32) / frameBytes;
    };
    try {
      const oneTurn = await walAfter(() =>
        Promise.all([1, 2, 3, 4].map((i) => store.seenRequests.admit([`sig:together-${i}`], UNTIL, NOW))),
      );
      const oneCommit = await walAfter(() => store.seenRequests.admit(['sig:alone-0'], UNTIL, NOW));
      const turnByTurn = await walAfter(async () => {
        for (const i of [1, 2, 3, 4]) await store.seenRequests.admit([`sig:alone-${i}`], UNTIL, NOW);
      });
      expect(oneCommit).toBeGreaterThan(0);
      expect(oneTurn).toBe(oneCommit);
      expect(turnByTurn).toBe(4 * oneCommit);
    } finally {
      raw.close();
    }
    await store.close();
  });

  it('clears the keys whose window has passed on every 256th admission, and keeps the others', async () => {
    const { path, store } = await openFresh();
    // 255 short-lived keys, then the 256th admission when they have left their window.
    for (let i = 0; i < 255; i++) expect(await store.seenRequests.admit([`old:${i}`], NOW + 10, NOW)).toBe(true);
    expect(await store.seenRequests.admit(['kept'], UNTIL, NOW + 20)).toBe(true);
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.prepare('select key, until_ms from seen_requests').all()).toEqual([{ key: 'kept', until_ms: UNTIL }]);
    } finally {
      raw.close();
    }
    await store.close();
  });

  it('does not join a transaction the store has open: the admission stays when that transaction rolls back', async () => {
    const { store } = await openFresh();
    let opened!: () => void;
    let finish!: () => void;
    const isOpen = new Promise<void>((resolve) => {
      opened = resolve;
    });
    const transaction = store.transaction(async () => {
      opened();
      await new Promise<void>((resolve) => {
        finish = resolve;
      });
      throw new Error('the transaction fails');
    });
    await isOpen;
    // From outside the transaction, as a Slack request arrives while a poll writes.
    const admission = store.seenRequests.admit(['sig:during'], UNTIL, NOW);
    expect(await settledYet(admission)).toBe(false);
    finish();
    await expect(transaction).rejects.toThrow('the transaction fails');
    expect(await admission).toBe(true);
    expect(await store.seenRequests.admit(['sig:during'], UNTIL, NOW + 1000)).toBe(false);
    await store.close();
  });

  it('waits while another connection holds the write lock, then admits', async () => {
    const { path, store } = await openFresh();
    const other = new Database(path);
    other.prepare('begin immediate').run();
    const admission = store.seenRequests.admit(['sig:locked'], UNTIL, NOW);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await settledYet(admission)).toBe(false);
    other.prepare('commit').run();
    other.close();
    expect(await admission).toBe(true);
    expect(await store.seenRequests.admit(['sig:locked'], UNTIL, NOW + 1000)).toBe(false);
    await store.close();
  });
});
