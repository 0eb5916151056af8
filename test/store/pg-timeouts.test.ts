/**
 * The pool's statement_timeout on the test server: a statement that runs past it is cancelled by
 * the server (SQLSTATE 57014) and reaches the caller as patchbot's StoreError in plain words, for a
 * repository call left waiting on another session's row lock and for a slow query alike.
 */
import { sql } from 'kysely';
import { Client } from 'pg';
import { ManualClock } from '../../src/clock';
import { StoreError } from '../../src/errors';
import { silentLogger } from '../../src/logger';
import { openStore, type Store } from '../../src/store';
import { guarded } from '../../src/store/failure';
import { freshDatabase } from '../support/postgres';
import { pendingInstall } from './helpers';

const TIMEOUT_MS = 300;

describe('statement_timeout on PostgreSQL [postgres]', () => {
  let db: { url: string; drop: () => Promise<void> };
  let store: Store;
  const clock = new ManualClock('2026-03-01T10:00:00.000Z');

  beforeAll(async () => {
    db = await freshDatabase();
    // The option the pool takes its statement_timeout from, made short so the test waits little.
    store = await openStore({
      backend: 'postgres',
      url: db.url,
      logger: silentLogger(),
      clock,
      statementTimeoutMs: TIMEOUT_MS,
    });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  /** Checks the StoreError a cancelled statement became: the database named, the cause and the fix, no driver dump. */
  function expectCancelled(err: unknown, what: string): void {
    expect(err).toBeInstanceOf(StoreError);
    const e = err as StoreError;
    expect(e.problem).toBe('locked');
    expect(e.message).toMatch(
      new RegExp(
        `^state database patchbot_test_\\w+ on 127\\.0\\.0\\.1:\\d+ \\(postgres://.*\\) was too busy to answer in time: ${what} failed: canceling statement due to statement timeout \\(57014\\)\\. `,
      ),
    );
    expect(e.message).toContain('patchbot retries on its next pass');
    expect(e.message).not.toMatch(/\n/);
    expect(e.userMessage).toBe('patchbot’s state database is busy. Nothing was changed; try again in a moment.');
  }

  it('is the option given to the store', async () => {
    const { rows } = await sql<{ statement_timeout: string }>`SHOW statement_timeout`.execute(store.kysely);
    expect(rows[0]?.statement_timeout).toBe(`${TIMEOUT_MS}ms`);
  });

  it('cancels a repository call that waits on another session’s row lock, as a StoreError', async () => {
    const op = await store.operations.create(pendingInstall(clock));
    const other = new Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT id FROM operations WHERE id = $1 FOR UPDATE', [op.id]);
      const started = Date.now();
      const err = await store.operations
        .transition(op.id, { from: 'pending', to: 'approved' })
        .catch((e: unknown) => e);
      const waitedMs = Date.now() - started;
      expectCancelled(err, `moving operation ${op.id} to approved`);
      expect(waitedMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(waitedMs).toBeLessThan(5_000);
    } finally {
      await other.query('ROLLBACK');
      await other.end();
    }
    // Nothing changed, and once the lock is gone the same call goes through.
    expect((await store.operations.get(op.id))?.status).toBe('pending');
    expect(await store.operations.transition(op.id, { from: 'pending', to: 'approved' })).toMatchObject({
      status: 'approved',
    });
  });

  it('cancels a query that runs longer than the timeout', async () => {
    const err = await guarded(store.path, 'a slow test query', () =>
      sql`SELECT pg_sleep(5)`.execute(store.kysely),
    ).catch((e: unknown) => e);
    expectCancelled(err, 'a slow test query');
    // The pool's connection is usable again at once.
    const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(store.kysely);
    expect(rows[0]?.one).toBe(1);
  });
});
