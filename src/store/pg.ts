import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from '../logger';
import { storeFailure } from './failure';
import { databaseWhere, pgConnectionOptions } from './pg-session';
import { migratePostgres, type PgMigration } from './pg-migrations';
import type { PatchbotDatabase } from './schema';

/**
 * The PostgreSQL backend as opened: node-postgres's pool under Kysely's PostgresDialect, migrated.
 *
 * Limits, so a database that hangs never holds a Slack acknowledgement forever: a connection
 * must come within 5 s (`connectionTimeoutMillis`), a statement is cancelled by the server after
 * 10 s (`statement_timeout`, which includes waiting for a row lock), and a session left idle
 * inside a transaction is ended after 60 s. Ten connections per process: the bot's queries are
 * short, and ten replicas then stay below PostgreSQL's default max_connections of 100.
 *
 * Types: BIGINT (identity columns, `until_ms`) and count(*) come back as numbers, not strings, as
 * the repositories expect (they stay below 2^53); every other column is text or INTEGER, which the
 * driver returns as the repositories read them from SQLite.
 */

/** What opening PostgreSQL needs (see PostgresStoreOptions). */
export interface PgOpenOptions {
  url: string;
  ssl?: { ca: string };
  logger: Logger;
  /** How long the server lets a statement run, row-lock waits included; default PG_POOL.statementTimeoutMs. */
  statementTimeoutMs?: number;
  /** Test seam: a different migration list. */
  migrations?: readonly PgMigration[];
}

/** The PostgreSQL backend as opened. */
export interface OpenedPostgres {
  pool: pg.Pool;
  kysely: Kysely<PatchbotDatabase>;
  /** The URL without its password: what errors and logs name. */
  where: string;
}

/** Pool limits (see the comment above). */
export const PG_POOL = {
  max: 10,
  connectionTimeoutMillis: 5000,
  statementTimeoutMs: 10_000,
  idleInTransactionMs: 60_000,
} as const;

const INT8_OID = 20;

/** The driver's parsers, with BIGINT as a number; local to this pool, not the driver's global table. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (text: string) => Number(text)
      : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** Connects, migrates and returns the pool with Kysely over it; every failure is a StoreError naming the database. */
export async function openPostgres(options: PgOpenOptions): Promise<OpenedPostgres> {
  const where = databaseWhere(options.url);
  const pool = new pg.Pool({
    ...pgConnectionOptions(options),
    max: PG_POOL.max,
    connectionTimeoutMillis: PG_POOL.connectionTimeoutMillis,
    statement_timeout: options.statementTimeoutMs ?? PG_POOL.statementTimeoutMs,
    idle_in_transaction_session_timeout: PG_POOL.idleInTransactionMs,
    keepAlive: true,
    application_name: 'patchbot',
    types,
  });
  // An idle connection the server drops must not end the process: the next query reconnects or fails as a StoreError.
  pool.on('error', (err) =>
    options.logger.warn({ err: storeFailure(where, 'an idle connection', err) }, 'store: idle connection lost'),
  );
  try {
    const client = await pool.connect();
    try {
      const outcome = await migratePostgres(client, {
        path: where,
        logger: options.logger,
        ...(options.migrations ? { migrations: options.migrations } : {}),
      });
      options.logger.debug({ database: where, schemaVersion: outcome.to, applied: outcome.applied }, 'store: opened');
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw storeFailure(where, 'preparing the database', err);
  }
  const kysely = new Kysely<PatchbotDatabase>({ dialect: new PostgresDialect({ pool }) });
  return { pool, kysely, where };
}
