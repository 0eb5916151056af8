import { type Kysely, sql } from 'kysely';
import { StoreError } from '../errors';

/** How long the reachability check waits for the database's answer. */
export const PING_TIMEOUT_MS = 1_000;

/**
 * Whether the database answers: `select 1` through the store's own query layer (its pool on
 * PostgreSQL, its connection on SQLite), failing after `timeoutMs` rather than hanging on a database
 * that no longer answers. For /health, which caches the outcome (src/slack/health.ts).
 */
export async function ping<DB>(db: Kysely<DB>, timeoutMs = PING_TIMEOUT_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StoreError(`the state database did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([sql`select 1`.execute(db), late]);
  } finally {
    clearTimeout(timer);
  }
}
