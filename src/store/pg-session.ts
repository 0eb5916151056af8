import { Client } from 'pg';
import { maskDatabaseUrl } from '../config/database';
import type { PatchbotError } from '../errors';
import { pgFailure } from './pg-failure';

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
  // node-postgres lets the URL's parameters replace the options passed beside it: an `options`
  // parameter in the URL (a search_path, say) would silently drop the keepalives, so both are joined.
  const url = new URL(connection.url);
  const fromUrl = url.searchParams.get('options');
  url.searchParams.delete('options');
  return new Client({
    ...pgConnectionOptions({ ...connection, url: url.toString() }),
    application_name: application,
    options: fromUrl ? `${fromUrl} ${SERVER_KEEPALIVES}` : SERVER_KEEPALIVES,
    keepAlive: true,
    keepAliveInitialDelayMillis: 5_000,
    connectionTimeoutMillis: timeouts.connectTimeoutMs ?? 5_000,
    query_timeout: timeouts.queryTimeoutMs ?? 2_000,
  });
}

/** node-postgres's connection options for a database: the URL, and the CA when one is configured. */
export function pgConnectionOptions(connection: PgConnection): { connectionString: string; ssl?: { ca: string } } {
  return { connectionString: connection.url, ...(connection.ssl ? { ssl: { ca: connection.ssl.ca } } : {}) };
}

/** The database's URL with its password masked: what log lines and errors may show. */
export function databaseWhere(url: string): string {
  return maskDatabaseUrl(url) ?? 'postgres://(URL not shown)';
}

/** A session's failure as the store's StoreError for that database (pg-failure.ts: the problem and the fix). */
export function sessionFailure(url: string, what: string, err: unknown): PatchbotError {
  return pgFailure(databaseWhere(url), what, err);
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
