import type { Client } from 'pg';
import type { Logger } from '../logger';
import { OPERATIONS_CHANNEL } from './pg-migrations';
import { Backoff, databaseWhere, type PgConnection, type SessionTimeouts, sessionClient } from './pg-session';

/**
 * Hears, on a PostgreSQL session of its own, that an operation was stored or changed on any replica:
 * the operations table's trigger runs `pg_notify('patchbot_operations', <operation id>)` after every
 * INSERT or UPDATE, and this LISTENs on that channel. The leader wakes its tracker with it, so an
 * approval clicked on another replica is acted on at once rather than at the next poll.
 *
 * A lost session is reconnected after a backoff (250 ms, doubling, at most 5 s); after every
 * reconnection `onChange` is called without an id, since notifications sent meanwhile were missed.
 */

/** What the listener needs. */
export interface OperationsListenerOptions extends SessionTimeouts {
  connection: PgConnection;
  logger: Logger;
  /** An operation changed (its id), or some may have while the session was down (undefined). */
  onChange(operationId: string | undefined): void;
}

/** LISTENs on the operations channel while started; see the file comment. */
export class OperationsListener {
  private readonly log: Logger;
  private readonly backoff = new Backoff();
  private session: Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private active = false;
  /** Whether a session was ever up: a reconnection (not the first connection) calls onChange. */
  private wasUp = false;

  constructor(private readonly options: OperationsListenerOptions) {
    this.log = options.logger.child({ subsystem: 'operations-listener' });
  }

  /** Connects and listens; a failure to connect is retried in the background, never thrown. */
  async start(): Promise<void> {
    if (this.active) return;
    this.active = true;
    this.wasUp = false;
    await this.connect();
  }

  /** Stops listening and ends the session; no timer is left behind. */
  async stop(): Promise<void> {
    this.active = false;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    const client = this.session;
    this.session = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    this.retry = undefined;
    if (!this.active) return;
    const { connection, onChange } = this.options;
    const client = sessionClient(connection, 'patchbot operations listener', this.options);
    client.on('notification', (msg) => {
      if (msg.channel === OPERATIONS_CHANNEL) onChange(msg.payload || undefined);
    });
    client.on('error', (err) => this.lost(client, err.message));
    client.on('end', () => this.lost(client, 'the session ended'));
    try {
      await client.connect();
      await client.query(`LISTEN ${OPERATIONS_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      this.again(err instanceof Error ? err.message : String(err));
      return;
    }
    if (!this.active) {
      await client.end().catch(() => undefined);
      return;
    }
    this.session = client;
    this.backoff.succeeded();
    if (this.wasUp) {
      this.log.info({ database: databaseWhere(connection.url) }, 'listening for operation changes again');
      onChange(undefined);
    }
    this.wasUp = true;
  }

  private lost(client: Client, reason: string): void {
    if (this.session !== client) return;
    this.session = undefined;
    client.end().catch(() => undefined);
    this.again(reason);
  }

  /** Schedules the next connection attempt after the backoff. */
  private again(reason: string): void {
    if (!this.active || this.retry) return;
    this.backoff.failed();
    const delayMs = this.backoff.delayMs;
    this.log.warn({ reason, retryInMs: delayMs }, 'not listening for operation changes; reconnecting');
    this.retry = setTimeout(() => void this.connect(), delayMs);
  }
}
