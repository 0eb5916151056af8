/**
 * The operations listener (src/store/pg-notify.ts) on the test server: a change committed on one
 * session wakes the leader's tracker for a pass within 2 s, and a lost session is reconnected.
 *
 * The operations table here is a stand-in with the store's trigger (after INSERT or UPDATE,
 * pg_notify('patchbot_operations', id)): the listener depends on that contract only.
 */
import { Client } from 'pg';
import { silentLogger } from '../../src/logger';
import { Ticker } from '../../src/patching/ticker';
import { OPERATIONS_CHANNEL, OperationsListener } from '../../src/store/pg-notify';
import { freshDatabase } from '../support/postgres';

async function until(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('OperationsListener', () => {
  let db: { url: string; drop: () => Promise<void> };
  let follower: Client;

  beforeAll(async () => {
    db = await freshDatabase();
    follower = new Client({ connectionString: db.url });
    await follower.connect();
    await follower.query(`
      CREATE TABLE operations (id text PRIMARY KEY, status text NOT NULL);
      CREATE FUNCTION operations_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('${OPERATIONS_CHANNEL}', NEW.id); RETURN NULL; END $$;
      CREATE TRIGGER operations_notify AFTER INSERT OR UPDATE ON operations
        FOR EACH ROW EXECUTE FUNCTION operations_notify();
      INSERT INTO operations VALUES ('op-1', 'pending');`);
  });
  afterAll(async () => {
    await follower.end();
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
      await follower.query("BEGIN; UPDATE operations SET status = 'approved' WHERE id = 'op-1'; COMMIT;");
      await until('a tracker pass', () => passes.length > 0, 2_000);
      const ms = (passes[0] ?? Number.NaN) - approvedAt;
      process.stdout.write(`PostgreSQL NOTIFY: approval stored → tracker pass in ${ms} ms\n`);
      expect(ms).toBeLessThan(2_000);
      expect(heard).toEqual(['op-1']);
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
          await follower.query<{ pid: number }>(
            "SELECT pid FROM pg_stat_activity WHERE application_name = 'patchbot operations listener' AND datname = current_database()",
          )
        ).rows.map((r) => r.pid);
      const [pid] = await listening();
      await follower.query('SELECT pg_terminate_backend($1)', [pid]);
      // Notifications sent while it was away are lost: the reconnection itself says "look again".
      await until('the catch-up after reconnecting', () => heard.includes(undefined), 5_000);
      expect(await listening()).toHaveLength(1);
      await follower.query("UPDATE operations SET status = 'running' WHERE id = 'op-1'");
      await until('the next change', () => heard.includes('op-1'), 2_000);
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
