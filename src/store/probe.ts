import { statSync } from 'node:fs';
import pg from 'pg';
import { storeFailure } from './failure';
import { databaseWhere, pgConnectionOptions } from './pg-session';
import { PG_POOL } from './pg';

/** Where the state database is, as the configuration gives it (src/config/database.ts). */
export type DatabaseTarget =
  | { backend: 'sqlite'; path: string }
  | { backend: 'postgres'; url: string; ssl?: { ca: string } };

/**
 * For `npm run check`: says which database patchbot would use and, for PostgreSQL, whether the
 * server answers (one connection and `SELECT version()`, nothing created or migrated). Returns the
 * line to print; throws a StoreError naming host and database (never the password) and the fix.
 */
export async function probeDatabase(target: DatabaseTarget): Promise<string> {
  if (target.backend === 'sqlite') {
    const exists = statSync(target.path, { throwIfNoEntry: false }) !== undefined;
    return `SQLite file ${target.path} (${exists ? 'exists' : 'created at the first start'})`;
  }
  const where = databaseWhere(target.url);
  const client = new pg.Client({
    ...pgConnectionOptions(target),
    connectionTimeoutMillis: PG_POOL.connectionTimeoutMillis,
    statement_timeout: PG_POOL.statementTimeoutMs,
  });
  // A connection the server drops after the check must not end the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ version: string }>('SELECT version() AS version');
    const version = /^PostgreSQL [\d.]+/.exec(rows[0]?.version ?? '')?.[0] ?? 'PostgreSQL';
    return `PostgreSQL ${where}: reachable (${version})`;
  } catch (err) {
    throw storeFailure(where, 'connecting for the check', err);
  } finally {
    await client.end().catch(() => undefined);
  }
}
