/**
 * The operations listener (src/store/pg-notify.ts) on the test server, with the real store on both
 * sides: an approval stored by one replica's store wakes the leader's tracker for a pass within 2 s
 * (through the store's own trigger, pg_notify on the operations table), and a lost session is
 * reconnected.
 */
import { Client } from 'pg';
import { ManualClock } from '../../src/clock';
import { silentLogger } from '../../src/logger';
import { Ticker } from '../../src/patching/ticker';
import { openStore, type Operation, type Store } from '../../src/store';
import { OperationsListener } from '../../src/store/pg-notify';
import { freshDatabase } from '../support/postgres';
import { pendingInstall, until } from './helpers';

describe('OperationsListener', () => {
  let db: { url: string; drop: () => Promise<void> };
  const clock = new ManualClock();
  /** The replica the click landed on: it stores the approval. */
  let follower: Store;
  /** A plain session, to find and end the listener's. */
  let admin: Client;
  let op: Operation;

  beforeAll(async () => {
    db = await freshDatabase();
    follower = await openStore({ backend: 'postgres', url: db.url, logger: silentLogger(), clock });
    admin = new Client({ connectionString: db.url });
    await admin.connect();
    op = await follower.operations.create(pendingInstall(clock));
  });
  afterAll(async () => {
    await admin.end();
    await follower.close();
    await db.drop();
  });

  it('an approval committed on another session runs a tracker pass within 2 s', async () => {
    const passes: number[] = [];
    const heard: Array<string | undefined> = [];
    // The leader's tracker: its own poll is a minute away, so only a wake-up can run a pass in time.
    const tracker = new Ticker(
      async () => void passes.push(Date.now()),
      60_000,
      () => undefined,
    );
    const listener = new OperationsListener({
      connection: { url: db.url },
      logger: silentLogger(),
      onChange: (id) => {
        heard.push(id);
        tracker.wake();
      },
    });
    tracker.start();
    await listener.start();
    try {
      const approvedAt = Date.now();
      const approved = await follower.operations.transition(op.id, { from: 'pending', to: 'approved' });
      expect(approved?.status).toBe('approved');
      await until('a tracker pass', () => passes.length > 0, 2_000);
      const ms = (passes[0] ?? Number.NaN) - approvedAt;
      process.stdout.write(`PostgreSQL NOTIFY: approval stored → tracker pass in ${ms} ms\n`);
      expect(ms).toBeLessThan(2_000);
      expect(heard).toEqual([op.id]);
    } finally {
      await listener.stop();
      await tracker.stop();
    }
  });

  it('reconnects when its session is lost, catches up with a pass, and hears changes again', async () => {
    const heard: Array<string | undefined> = [];
    const listener = new OperationsListener({
      connection: { url: db.url },
      logger: silentLogger(),
      onChange: (id) => void heard.push(id),
    });
    await listener.start();
    try {
      const listening = async () =>
        (
          await admin.query<{ pid: number }>(
            "SELECT pid FROM pg_stat_activity WHERE application_name = 'patchbot operations listener' AND datname = current_database()",
          )
        ).rows.map((r) => r.pid);
      const [pid] = await listening();
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      // Notifications sent while it was away are lost: the reconnection itself says "look again".
      await until('the catch-up after reconnecting', () => heard.includes(undefined), 5_000);
      expect(await listening()).toHaveLength(1);
      await follower.operations.update(op.id, { messageTs: '1712345678.000100' });
      await until('the next change', () => heard.includes(op.id), 2_000);
    } finally {
      await listener.stop();
    }
  });

  it('stops cleanly while the database cannot be reached, leaving no retry behind', async () => {
    const url = new URL(db.url);
    url.pathname = '/patchbot_no_such_database';
    const listener = new OperationsListener({
      connection: { url: url.toString() },
      logger: silentLogger(),
      onChange: () => undefined,
    });
    await listener.start(); // never throws: it retries in the background
    await listener.stop();
  });
});
