/**
 * The work lease on PostgreSQL (src/store/pg-lease.ts), on the test server: a session advisory lock
 * decides who leads, the server's release of a dead session's lock hands the work over, and the
 * leader whose session dies stops at once.
 */
import { Client } from 'pg';
import { systemClock } from '../../src/clock';
import { Leadership } from '../../src/jobs/leadership';
import { silentLogger } from '../../src/logger';
import { openStore } from '../../src/store';
import { LOCK_SPACE, PgAdvisoryLease } from '../../src/store/pg-lease';
import { freshDatabase } from '../support/postgres';
import { until } from './helpers';

const TTL = 15_000;
const RENEW = 5_000;

/** Lets the queued start/stop of the leader work run. */
const settle = () => new Promise((r) => setImmediate(r));

describe('PgAdvisoryLease', () => {
  let db: { url: string; drop: () => Promise<void> };
  let admin: Client;
  const leases: PgAdvisoryLease[] = [];
  const leaderships: Leadership[] = [];

  beforeAll(async () => {
    db = await freshDatabase();
    // Migrated as the bot does before any lease runs: opening the store creates leader_epochs (v6).
    await (await openStore({ backend: 'postgres', url: db.url, logger: silentLogger() })).close();
    admin = new Client({ connectionString: db.url });
    await admin.connect();
  });
  afterEach(async () => {
    for (const l of leaderships.splice(0)) await l.stop();
    for (const l of leases.splice(0)) await l.close();
  });
  afterAll(async () => {
    await admin.end();
    await db.drop();
  });

  function lease(): PgAdvisoryLease {
    const l = new PgAdvisoryLease({ connection: { url: db.url }, clock: systemClock, logger: silentLogger() });
    leases.push(l);
    return l;
  }

  /** A Leadership on a lease of its own, whose leader work is a log of 'gained' and 'lost'. */
  function member(holder: string, timing = { ttlMs: TTL, renewEveryMs: RENEW }) {
    const events: string[] = [];
    const leadership = new Leadership({
      lease: lease(),
      clock: systemClock,
      logger: silentLogger(),
      holder,
      ...timing,
      onGained: async () => void events.push('gained'),
      onLost: async () => void events.push('lost'),
    });
    leaderships.push(leadership);
    return { leadership, events };
  }

  /** The backend pids holding patchbot's advisory locks on this file's database (other files' run beside it). */
  async function lockHolders(client = admin): Promise<number[]> {
    const { rows } = await client.query<{ pid: number }>(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1::int4::oid
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [LOCK_SPACE],
    );
    return rows.map((r) => r.pid);
  }

  it('of two processes on one database exactly one leads, and current() names it', async () => {
    const A = member('A');
    const B = member('B');
    await A.leadership.start();
    await B.leadership.start();
    expect([A.leadership.role, B.leadership.role]).toEqual(['leader', 'follower']);
    await B.leadership.check();
    await A.leadership.check();
    expect([A.leadership.role, B.leadership.role]).toEqual(['leader', 'follower']);
    expect(A.events).toEqual(['gained']);
    expect(B.events).toEqual([]);
    expect(await lockHolders()).toHaveLength(1);
    expect(await lease().current()).toMatchObject({ holder: 'A' });
  });

  it('when the leader’s session dies, it stops at once and the other leads within 15 s, under a new epoch', async () => {
    // A's own checks are minutes apart: like a killed process, it does not come back to contend for the lock.
    const A = member('A', { ttlMs: 600_000, renewEveryMs: 200_000 });
    const B = member('B');
    await A.leadership.start();
    await B.leadership.start();
    const before = await lease().current();
    const [pid] = await lockHolders();
    // What a SIGKILL of the leader's process (or its host vanishing) looks like to the server.
    const killedAt = Date.now();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await until('the old leader to stop', () => A.leadership.role !== 'leader', 2_000);
    const stoppedMs = Date.now() - killedAt;
    await settle();
    expect(A.events).toEqual(['gained', 'lost']);
    await until('the other to lead', () => B.leadership.role === 'leader', 15_000);
    const tookOverMs = Date.now() - killedAt;
    process.stdout.write(
      `PostgreSQL lease: the killed leader stopped after ${stoppedMs} ms; the other led after ${tookOverMs} ms\n`,
    );
    expect(stoppedMs).toBeLessThan(1_000);
    expect(tookOverMs).toBeLessThan(15_000);
    await settle();
    expect(B.events).toEqual(['gained']);
    const after = await lease().current();
    expect(after?.holder).toBe('B');
    expect(after?.epoch).toBeGreaterThan(before?.epoch ?? 0);
    // A reconnects and finds the lock taken: it follows.
    await A.leadership.check();
    expect(A.leadership.role).toBe('follower');
  }, 30_000);

  it('renewals never stack the lock: one release frees it for another session', async () => {
    const a = lease();
    const b = lease();
    for (let i = 0; i < 5; i++) expect((await a.acquire('A', TTL)).held).toBe(true);
    expect((await b.acquire('B', TTL)).held).toBe(false);
    await a.release('A');
    expect(await lockHolders()).toEqual([]);
    const taken = await b.acquire('B', TTL);
    expect(taken).toMatchObject({ held: true, lease: { holder: 'B' } });
  });

  it('a leader that stops gives the lock up, so the follower takes over at its next check', async () => {
    const A = member('A');
    const B = member('B');
    await A.leadership.start();
    await B.leadership.start();
    await A.leadership.stop();
    expect(A.events).toEqual(['gained', 'lost']);
    expect((await lease().current())?.expiresAt.getTime()).toBeLessThanOrEqual(Date.now());
    await B.leadership.check();
    await settle();
    expect(B.leadership.role).toBe('leader');
  });

  it('takes its table from the migrations: on a database never migrated it fails plainly and creates nothing', async () => {
    const bare = await freshDatabase();
    const l = new PgAdvisoryLease({ connection: { url: bare.url }, clock: systemClock, logger: silentLogger() });
    leases.push(l);
    const c = new Client({ connectionString: bare.url });
    await c.connect();
    try {
      await expect(l.acquire('A', TTL)).rejects.toMatchObject({
        code: 'STORE_ERROR',
        message: expect.stringMatching(
          /renewing or taking the work lock failed: relation "leader_epochs" does not exist/,
        ),
      });
      const { rows } = await c.query("SELECT to_regclass('leader_epochs') AS t");
      expect(rows[0]?.t).toBeNull();
      // The failed session was dropped, and with it the lock it had taken.
      await until('the failed session’s lock to go', async () => (await lockHolders(c)).length === 0, 2_000);
    } finally {
      await c.end();
      await l.close();
      await bare.drop();
    }
  });

  it('an unreachable database is a StoreError, retried after a backoff', async () => {
    const url = new URL(db.url);
    url.pathname = '/patchbot_no_such_database';
    const l = new PgAdvisoryLease({ connection: { url: url.toString() }, clock: systemClock, logger: silentLogger() });
    leases.push(l);
    await expect(l.acquire('A', TTL)).rejects.toMatchObject({ code: 'STORE_ERROR' });
    await expect(l.acquire('A', TTL)).rejects.toThrow(/retrying in \d+ ms/);
  });
});
