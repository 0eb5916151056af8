/**
 * TLS to PostgreSQL on a real server: a second, small test server of this file's own with ssl on,
 * its certificate signed by a CA made here with openssl. The CA reaches node-postgres the ways an
 * operator gives it (PATCHBOT_DATABASE_CA_FILE through the config, or sslmode=verify-full with
 * sslrootcert in the URL), for the store's pool and for the lease's own session alike; a server
 * whose certificate that CA did not sign is refused with patchbot's plain StoreError.
 */
import { sql } from 'kysely';
import { systemClock } from '../../src/clock';
import { loadEnv } from '../../src/config/env';
import { StoreError } from '../../src/errors';
import { silentLogger } from '../../src/logger';
import { openStore } from '../../src/store';
import { PgAdvisoryLease } from '../../src/store/pg-lease';
import { type StartedPostgres, startPostgres, stopPostgres } from '../support/postgres';
import { makeTestCa, type TestCa } from '../support/test-ca';

/** The database config exactly as patchbot reads it from its environment. */
function configured(env: Record<string, string>): { url: string; ssl?: { ca: string } } {
  const { database } = loadEnv(env);
  if (database.backend !== 'postgres') throw new Error('expected a PostgreSQL config');
  return { url: database.url, ...(database.ssl ? { ssl: database.ssl } : {}) };
}

/** Opens the store as patchbot does and asks the server whether the session is encrypted. */
async function storeSessionTls(env: Record<string, string>): Promise<boolean> {
  const store = await openStore({ backend: 'postgres', logger: silentLogger(), ...configured(env) });
  try {
    const { rows } = await sql<{ ssl: boolean }>`
      SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`.execute(store.kysely);
    return rows[0]?.ssl === true;
  } finally {
    await store.close();
  }
}

/** What opening the store as patchbot does throws. */
async function openFailure(env: Record<string, string>): Promise<StoreError> {
  const thrown = await openStore({ backend: 'postgres', logger: silentLogger(), ...configured(env) }).then(
    async (store) => {
      await store.close();
      return undefined;
    },
    (err: unknown) => err,
  );
  expect(thrown).toBeInstanceOf(StoreError);
  return thrown as StoreError;
}

describe('TLS to PostgreSQL with a CA bundle [postgres]', () => {
  let server: StartedPostgres;
  /** The CA that signed the server's certificate, and one that did not. */
  let ca: TestCa;
  let other: TestCa;

  beforeAll(async () => {
    const started = Date.now();
    ca = makeTestCa('patchbot test CA');
    other = makeTestCa('some other CA');
    const certsMs = Date.now() - started;
    server = await startPostgres(undefined, {
      files: { 'server.crt': ca.certPem, 'server.key': ca.keyPem },
      settings: (dir) => ['ssl=on', `ssl_cert_file=${dir}/server.crt`, `ssl_key_file=${dir}/server.key`],
    });
    process.stdout.write(
      `PostgreSQL TLS test server: certificates made in ${certsMs} ms, server up in ${Date.now() - started - certsMs} ms\n`,
    );
  }, 60_000);
  afterAll(() => {
    if (server) stopPostgres(server);
    ca?.cleanup();
    other?.cleanup();
  });

  it('connects with PATCHBOT_DATABASE_CA_FILE naming the right CA, encrypted', async () => {
    const env = { PATCHBOT_DATABASE_URL: server.url, PATCHBOT_DATABASE_CA_FILE: ca.caFile };
    expect(await storeSessionTls(env)).toBe(true);
  });

  it('connects with sslmode=verify-full and the CA as sslrootcert in the URL', async () => {
    const url = `${server.url}?sslmode=verify-full&sslrootcert=${encodeURIComponent(ca.caFile)}`;
    expect(await storeSessionTls({ PATCHBOT_DATABASE_URL: url })).toBe(true);
  });

  it('the lease’s own session uses the same CA', async () => {
    const env = { PATCHBOT_DATABASE_URL: server.url, PATCHBOT_DATABASE_CA_FILE: ca.caFile };
    // Migrated first, as the bot opens its store before any lease runs.
    await (await openStore({ backend: 'postgres', logger: silentLogger(), ...configured(env) })).close();
    const lease = new PgAdvisoryLease({
      connection: configured(env),
      clock: systemClock,
      logger: silentLogger(),
    });
    try {
      expect((await lease.acquire('A', 15_000)).held).toBe(true);
    } finally {
      await lease.close();
    }
  });

  it.each([
    [
      'PATCHBOT_DATABASE_CA_FILE',
      () => ({ PATCHBOT_DATABASE_URL: server.url, PATCHBOT_DATABASE_CA_FILE: other.caFile }),
    ],
    [
      'sslmode=verify-full',
      () => ({
        PATCHBOT_DATABASE_URL: `${server.url}?sslmode=verify-full&sslrootcert=${encodeURIComponent(other.caFile)}`,
      }),
    ],
  ])('refuses a server certificate another CA signed (%s), in plain words', async (_how, env) => {
    const err = await openFailure(env());
    const host = new URL(server.url).host;
    expect(err.problem).toBe('access-denied');
    expect(err.message).toMatch(
      new RegExp(
        `^state database postgres on ${host} \\(.*\\) presented a TLS certificate that patchbot cannot trust: `,
      ),
    );
    expect(err.message).toContain(
      `Set PATCHBOT_DATABASE_CA_FILE (or sslrootcert in PATCHBOT_DATABASE_URL) to the CA bundle that signed the certificate of ${host}`,
    );
    // One line, no stack, and none of Node's advice about the system CA store.
    expect(err.message).not.toMatch(/\n|\bat .*\.js:\d+|use-system-ca/);
    expect(err.userMessage).not.toContain(host);
  });

  // localhost reaches the same server (node tries both of its addresses), but the certificate names 127.0.0.1 only.
  it('checks the host name too: a certificate for 127.0.0.1 is refused when the URL says localhost', async () => {
    const url = new URL(server.url);
    url.hostname = 'localhost';
    const err = await openFailure({ PATCHBOT_DATABASE_URL: url.toString(), PATCHBOT_DATABASE_CA_FILE: ca.caFile });
    expect(err.message).toMatch(/presented a TLS certificate that is not for localhost:\d+/);
  });
});
