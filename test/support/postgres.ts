/**
 * The PostgreSQL server for the tests that say PostgreSQL: a throw-away one started as
 * scripts/support/postgres-server.ts starts it (re-exported here for the tests). Jest's
 * global set-up starts one per run and hands its URL to the workers in PATCHBOT_TEST_DATABASE_URL;
 * a URL already given there is used as it is and left alone. Each test file takes a database of
 * its own (`freshDatabase`), so files never see each other's rows.
 */
import { createDatabase } from '../../scripts/support/postgres-server';

export {
  ensurePostgresBinaries,
  POSTGRES_INSTALL,
  type PostgresExtras,
  type StartedPostgres,
  startPostgres,
  stopPostgres,
} from '../../scripts/support/postgres-server';

/** The variable that carries the server's URL from the set-up to the workers (or from the caller). */
export const TEST_DATABASE_URL = 'PATCHBOT_TEST_DATABASE_URL';

/** The test server's URL; throws with what to do when the set-up did not provide one. */
export function testDatabaseUrl(): string {
  const url = process.env[TEST_DATABASE_URL];
  if (!url)
    throw new Error(
      `${TEST_DATABASE_URL} is not set: jest's global set-up starts a PostgreSQL server for the tests that need one (test/support/postgres.ts), or set it to a server you run.`,
    );
  return url;
}

/** Creates an empty database on the test server for one test file; `drop` removes it. */
export function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  return createDatabase(testDatabaseUrl(), 'patchbot_test');
}
