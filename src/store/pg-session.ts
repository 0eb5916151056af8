import { Client } from 'pg';
import { StoreError } from '../errors';

/**
 * Sessions of their own on PostgreSQL, beside the store's pool: the work lease's lock and the
 * operations listener each need one connection that lives as long as they do (a session lock and a
 * LISTEN belong to a session, and a pool would hand theirs to other queries).
 *
 * Each session asks the server for TCP keepalives of its own (idle 5 s, every 2 s, 3 misses): a
 * replica that vanishes without closing (its host lost, the network cut) is noticed by the server in
 * about 11 s, and its session ends, releasing its advisory lock for a follower to take.
 */

/** Where a session connects: PATCHBOT_DATABASE_URL and the TLS options node-postgres takes beside it. */
export interface PgConnection {
  url: string;
  ssl?: { ca: string };
}

/** How long a session's connect and its queries may take before they count as failed. */
export interface SessionTimeouts {
  connectTimeoutMs?: number;
  queryTimeoutMs?: number;
}

const SERVER_KEEPALIVES = '-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3';

/** A new, unconnected client for one dedicated session. */
export function sessionClient(connection: PgConnection, application: string, timeouts: SessionTimeouts = {}): Client {
  return new Client({
    connectionString: connection.url,
    ...(connection.ssl ? { ssl: connection.ssl } : {}),
    application_name: application,
    options: SERVER_KEEPALIVES,
    keepAlive: true,
    keepAliveInitialDelayMillis: 5_000,
    connectionTimeoutMillis: timeouts.connectTimeoutMs ?? 5_000,
    query_timeout: timeouts.queryTimeoutMs ?? 2_000,
  });
}

/** The database a URL names, without user or password: what log lines and errors may show. */
export function databaseName(url: string): string {
  try {
    const u = new URL(url);
    return `postgres://${u.host}${u.pathname}`;
  } catch {
    return 'the PostgreSQL database';
  }
}

/** A session's failure as a StoreError naming the database and what was being done. */
export function sessionFailure(url: string, what: string, err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new StoreError(`state database ${databaseName(url)}: ${what} failed: ${reason}`, {
    cause: err,
    file: databaseName(url),
    problem: 'other',
  });
}

/** Waits that double after each failure, from `firstMs` up to `maxMs`, and start over after a success. */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly firstMs = 250,
    private readonly maxMs = 5_000,
  ) {}

  /** The wait before the next attempt (0 after a success). */
  get delayMs(): number {
    return this.failures === 0 ? 0 : Math.min(this.maxMs, this.firstMs * 2 ** (this.failures - 1));
  }

  /** Counts a failed attempt. */
  failed(): void {
    this.failures++;
  }

  /** Forgets the failures. */
  succeeded(): void {
    this.failures = 0;
  }
}
