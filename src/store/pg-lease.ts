import type { Client } from 'pg';
import type { Clock } from '../clock';
import { StoreError } from '../errors';
import type { LeaseAttempt, LeaseRecord, WorkLease } from '../jobs/lease-port';
import type { Logger } from '../logger';
import { Backoff, type PgConnection, type SessionTimeouts, sessionClient, sessionFailure } from './pg-session';

/**
 * The work lease on PostgreSQL: a session-level advisory lock held on a connection of its own
 * (pg-session.ts). PostgreSQL releases the lock when the holder's session ends for any reason (the
 * process killed, its host or network gone; see the keepalives there), so a follower trying every
 * renewal period takes over as soon as the server has noticed: there is no expiry to wait out.
 *
 * - acquire: when this session holds no lock, `pg_try_advisory_lock` (never twice: session locks
 *   stack, and one unlock would then leave the lock held); on winning, the new holder bumps the
 *   `leader_epochs` row in the same session, so `epoch` changes whenever the holder does and
 *   `current()` can say who leads. A renewal checks, with one query on that session under the query
 *   timeout, that the lock is still granted to it and the row still names it. `expiresAt` is shown
 *   only: now + ttl.
 * - Any failure of the session (an error, its end, a query that timed out) drops it at once: its lock
 *   can no longer be counted on, so the loss is reported through `onLost` (Leadership stops its work
 *   without waiting for the next renewal), and the next attempt reconnects after a backoff.
 * - release: expires the row, `pg_advisory_unlock`, and ends the session.
 *
 * The `leader_epochs` table is the store's migration v6 (pg-migrations.ts): the store is opened, and
 * so migrated, before any lease runs, and creating it in the migration's lock means two replicas
 * never race on it.
 */

/** Patchbot's advisory-lock space ('pbot'), apart from other applications' locks on the same database. */
export const LOCK_SPACE = 0x70626f74;
/** The lock of each lease by name. */
const LOCK_KEYS: Record<string, number> = { work: 1 };

/** What the PostgreSQL lease needs. */
export interface PgLeaseOptions extends SessionTimeouts {
  connection: PgConnection;
  clock: Clock;
  logger: Logger;
  /** The lease's name (default 'work'). */
  name?: string;
}

const TAKE = `INSERT INTO leader_epochs AS l (name, holder, epoch, acquired_at, renewed_at, expires_at)
VALUES ($1, $2, 1, $3, $3, $4)
ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, epoch = l.epoch + 1,
  acquired_at = excluded.acquired_at, renewed_at = excluded.renewed_at, expires_at = excluded.expires_at
RETURNING holder, expires_at, epoch`;

const RENEW = `UPDATE leader_epochs SET renewed_at = $3, expires_at = $4
WHERE name = $1 AND holder = $2 AND EXISTS (
  SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
    AND classid = $5::int4::oid AND objid = $6::int4::oid AND objsubid = 2)
RETURNING holder, expires_at, epoch`;

const READ = 'SELECT holder, expires_at, epoch FROM leader_epochs WHERE name = $1';

interface Row {
  holder: string;
  expires_at: Date;
  epoch: number;
}

/** The work lease as a PostgreSQL session advisory lock; see the file comment. */
export class PgAdvisoryLease implements WorkLease {
  readonly name: string;
  private readonly key: number;
  private readonly log: Logger;
  private readonly backoff = new Backoff();
  private session: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private nextConnectAt = 0;
  /** The holder this session's lock was taken for; undefined while it holds none. */
  private lockedBy: string | undefined;
  private readonly lostListeners: Array<(reason: string) => void> = [];
  private closed = false;

  constructor(private readonly options: PgLeaseOptions) {
    this.name = options.name ?? 'work';
    const key = LOCK_KEYS[this.name];
    if (key === undefined) throw new Error(`no advisory lock is assigned to the lease ${JSON.stringify(this.name)}`);
    this.key = key;
    this.log = options.logger.child({ subsystem: 'lease', backend: 'postgres' });
  }

  /** Takes the lock if free, or checks that this session still holds it (a renewal); the lease as it is afterwards. */
  async acquire(holder: string, ttlMs: number): Promise<LeaseAttempt> {
    const client = await this.connect();
    const now = this.options.clock.now();
    const expires = new Date(now.getTime() + ttlMs);
    try {
      if (this.lockedBy === holder) {
        const renewed = await client.query<Row>(RENEW, [this.name, holder, now, expires, LOCK_SPACE, this.key]);
        const row = renewed.rows[0];
        if (row) return { held: true, lease: record(row) };
        throw new StoreError(`the ${this.name} lock or its leader_epochs row is no longer this session's`);
      }
      if (this.lockedBy !== undefined) return { held: false, lease: await this.read(client, now) };
      const taken = await client.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS got', [
        LOCK_SPACE,
        this.key,
      ]);
      if (!taken.rows[0]?.got) return { held: false, lease: await this.read(client, now) };
      this.lockedBy = holder;
      const row = (await client.query<Row>(TAKE, [this.name, holder, now, expires])).rows[0];
      if (!row) throw new StoreError('the leader_epochs row was not written');
      return { held: true, lease: record(row) };
    } catch (err) {
      // The session's state is unknown now (a timed-out query may still run): drop it, which releases any lock it has.
      const failure = sessionFailure(this.options.connection.url, `renewing or taking the ${this.name} lock`, err);
      this.drop(client, failure.message);
      throw failure;
    }
  }

  /** Gives the lock up if `holder` holds it: the row expires now, the lock is released and the session ended. */
  async release(holder: string): Promise<void> {
    const client = this.session;
    if (!client || this.lockedBy !== holder) return;
    const now = this.options.clock.now();
    this.lockedBy = undefined;
    this.session = undefined;
    try {
      await client.query('UPDATE leader_epochs SET expires_at = $3, renewed_at = $3 WHERE name = $1 AND holder = $2', [
        this.name,
        holder,
        now,
      ]);
      await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_SPACE, this.key]);
    } catch (err) {
      throw sessionFailure(this.options.connection.url, `giving up the ${this.name} lock`, err);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** The lease as the leader_epochs row says, if anyone ever took it. */
  async current(): Promise<LeaseRecord | undefined> {
    const client = await this.connect();
    try {
      const row = (await client.query<Row>(READ, [this.name])).rows[0];
      return row ? record(row) : undefined;
    } catch (err) {
      throw sessionFailure(this.options.connection.url, `reading the ${this.name} lease`, err);
    }
  }

  /** Calls `cb` the moment the session holding the lock fails or ends. */
  onLost(cb: (reason: string) => void): void {
    this.lostListeners.push(cb);
  }

  /** Ends the session (and so releases any lock); no reconnecting afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    const client = this.session;
    this.session = undefined;
    this.lockedBy = undefined;
    await client?.end().catch(() => undefined);
  }

  /** The connected session, connecting (after the backoff since the last failed attempt) when there is none. */
  private async connect(): Promise<Client> {
    if (this.session) return this.session;
    if (this.closed) throw new StoreError(`the ${this.name} lease is closed`);
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<Client> {
    const { connection, clock } = this.options;
    const waitMs = this.nextConnectAt - clock.now().getTime();
    if (waitMs > 0)
      throw sessionFailure(connection.url, `connecting for the ${this.name} lock`, `retrying in ${waitMs} ms`);
    const client = sessionClient(connection, `patchbot ${this.name} lease`, this.options);
    client.on('error', (err) => this.drop(client, `the lock's session failed: ${err.message}`));
    client.on('end', () => this.drop(client, "the lock's session ended"));
    try {
      await client.connect();
    } catch (err) {
      this.backoff.failed();
      this.nextConnectAt = clock.now().getTime() + this.backoff.delayMs;
      await client.end().catch(() => undefined);
      throw sessionFailure(connection.url, `connecting for the ${this.name} lock`, err);
    }
    this.backoff.succeeded();
    if (this.closed) {
      await client.end().catch(() => undefined);
      throw new StoreError(`the ${this.name} lease is closed`);
    }
    this.session = client;
    return client;
  }

  /** Forgets a failed or ended session; if it held the lock, every onLost listener hears of it now. */
  private drop(client: Client, reason: string): void {
    if (this.session !== client) return;
    this.session = undefined;
    const held = this.lockedBy !== undefined;
    this.lockedBy = undefined;
    client.end().catch(() => undefined);
    if (!held) return;
    this.log.error({ reason }, `the ${this.name} lock is lost`);
    for (const cb of this.lostListeners) cb(reason);
  }

  /** The row as it is, or a stand-in when nobody wrote one yet (the holder took the lock a moment ago). */
  private async read(client: Client, now: Date): Promise<LeaseRecord> {
    const row = (await client.query<Row>(READ, [this.name])).rows[0];
    return row ? record(row) : { holder: 'another process', expiresAt: now, epoch: 0 };
  }
}

function record(row: Row): LeaseRecord {
  return { holder: row.holder, expiresAt: new Date(row.expires_at), epoch: Number(row.epoch) };
}
