/**
 * What only the PostgreSQL backend has: the migration table and its lock, the notify trigger, the
 * pool's errors in the operator's words. On the test server of test/support/postgres.ts.
 */
import { sql } from 'kysely';
import { Client } from 'pg';
import { ManualClock } from '../../src/clock';
import { StoreError } from '../../src/errors';
import { silentLogger } from '../../src/logger';
import { OPERATIONS_CHANNEL, PG_MIGRATIONS, openStore, probeDatabase } from '../../src/store';
import { describeBackend } from '../support/backends';
import { freshDatabase } from '../support/postgres';
import { pendingInstall } from './helpers';

async function openFailure(url: string): Promise<StoreError> {
  const thrown = await openStore({ backend: 'postgres', url, logger: silentLogger() }).then(
    async (store) => {
      await store.close();
      return undefined;
    },
    (err: unknown) => err,
  );
  expect(thrown).toBeInstanceOf(StoreError);
  return thrown as StoreError;
}

async function onServer(url: string, text: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

describeBackend('postgres', 'the PostgreSQL store', ({ place, openAt, open }) => {
  it('names the database without its password and has no file to check', async () => {
    const { store } = await open();
    expect(store.backend).toBe('postgres');
    expect(store.sqlite).toBeUndefined();
    expect(store.path).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/patchbot_test_/);
    expect(() => store.checkFile()).not.toThrow();
    // The limits that keep a hung server from holding a request forever (pg.ts).
    const { rows } = await sql<{ statement_timeout: string }>`SHOW statement_timeout`.execute(store.kysely);
    expect(rows[0]?.statement_timeout).toBe('10s');
    await store.close();
    await store.close(); // twice is fine
  });

  it('records each migration once when two replicas start at once', async () => {
    const at = place();
    const [a, b] = await Promise.all([openAt(at), openAt(at)]);
    const { rows } = await sql<{ version: number }>`SELECT version FROM schema_migrations ORDER BY version`.execute(
      a.kysely,
    );
    expect(rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((m) => m.version));
    await a.close();
    await b.close();
    const again = await openAt(at);
    await again.close();
  });

  it('refuses a database that holds other tables, or a newer schema', async () => {
    const foreign = place();
    if (foreign.backend !== 'postgres') throw new Error('unreachable');
    const schema = /search_path=(\w+)/.exec(decodeURIComponent(foreign.url))?.[1];
    await onServer(foreign.url, `CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.invoices (id int)`);
    await expect(openAt(foreign)).rejects.toThrow(/not a patchbot database/);

    const newer = place();
    const s = await openAt(newer);
    await sql`INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')`.execute(s.kysely);
    await s.close();
    await expect(openAt(newer)).rejects.toThrow(/schema version 99.*newer patchbot/);
  });

  it('creates the lease record (leader_epochs) in step 6, also where an older build made it at run time', async () => {
    const { store } = await open();
    const { rows: columns } = await sql<{ name: string }>`
      SELECT column_name AS name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'leader_epochs' ORDER BY ordinal_position`.execute(
      store.kysely,
    );
    expect(columns.map((c) => c.name)).toEqual(['name', 'holder', 'epoch', 'acquired_at', 'renewed_at', 'expires_at']);
    await store.close();

    // Version 5, with the table and a row as an older build's lease left them.
    const at = place();
    if (at.backend !== 'postgres') throw new Error('unreachable');
    const schema = /search_path=(\w+)/.exec(decodeURIComponent(at.url))?.[1];
    await onServer(at.url, `CREATE SCHEMA ${schema}`);
    const older = await openStore({ ...at, logger: silentLogger(), migrations: PG_MIGRATIONS.slice(0, 5) });
    await sql`CREATE TABLE leader_epochs (name text PRIMARY KEY, holder text NOT NULL, epoch integer NOT NULL,
      acquired_at timestamptz NOT NULL, renewed_at timestamptz NOT NULL, expires_at timestamptz NOT NULL)`.execute(
      older.kysely,
    );
    await sql`INSERT INTO leader_epochs VALUES ('work', 'old-host', 7, now(), now(), now())`.execute(older.kysely);
    await older.close();
    const upgraded = await openAt(at);
    const { rows: versions } = await sql<{ v: number }>`SELECT max(version) AS v FROM schema_migrations`.execute(
      upgraded.kysely,
    );
    expect(versions[0]?.v).toBe(PG_MIGRATIONS.length);
    const { rows } = await sql<{ holder: string; epoch: number }>`SELECT holder, epoch FROM leader_epochs`.execute(
      upgraded.kysely,
    );
    expect(rows).toEqual([{ holder: 'old-host', epoch: 7 }]);
    await upgraded.close();
  });

  it('announces every insert and update of an operation on the operations channel', async () => {
    const at = place();
    if (at.backend !== 'postgres') throw new Error('unreachable');
    const clock = new ManualClock('2026-03-01T10:00:00.000Z');
    const store = await openAt(at, { clock });
    const listener = new Client({ connectionString: at.url });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => {
      if (n.channel === OPERATIONS_CHANNEL && n.payload) heard.push(n.payload);
    });
    await listener.query(`LISTEN ${OPERATIONS_CHANNEL}`);
    const op = await store.operations.create(pendingInstall(clock));
    await store.operations.transition(op.id, { from: 'pending', to: 'approved' });
    await store.transaction(async (tx) => {
      await tx.operations.update(op.id, { messageTs: '1.2' });
    });
    const deadline = Date.now() + 2000;
    while (heard.filter((id) => id === op.id).length < 3 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(heard.filter((id) => id === op.id)).toHaveLength(3);
    await listener.end();
    await store.close();
  });
});

describe('PostgreSQL failures in the operator words [postgres]', () => {
  const server = () => new URL(process.env.PATCHBOT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');

  it('npm run check: a reachable server is named without its password, nothing created in it', async () => {
    const db = await freshDatabase();
    try {
      const url = new URL(db.url);
      url.password = 's3cr3t-pw';
      const line = await probeDatabase({ backend: 'postgres', url: url.toString() });
      expect(line).toMatch(
        /^PostgreSQL postgres:\/\/postgres:\[redacted\]@127\.0\.0\.1:\d+\/patchbot_test_\w+: reachable \(PostgreSQL \d+/,
      );
      const client = new Client({ connectionString: db.url });
      await client.connect();
      const { rows } = await client.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'");
      await client.end();
      expect(rows[0]?.n).toBe(0);
    } finally {
      await db.drop();
    }
  });

  it('a server that refuses the connection: unreachable, naming host and database, never the password', async () => {
    const err = await openFailure('postgres://patchbot:s3cr3t-pw@127.0.0.1:1/patchbot');
    expect(err.problem).toBe('unreachable');
    expect(err.message).toContain('patchbot on 127.0.0.1:1');
    expect(err.message).toMatch(/accepts connections/);
    expect(err.message).not.toContain('s3cr3t-pw');
    expect(err.userMessage).toMatch(/cannot reach its state database/);
    expect(err.userMessage).not.toContain('127.0.0.1');
  });

  it('a host that does not exist', async () => {
    const err = await openFailure('postgres://patchbot:s3cr3t-pw@no-such-host.invalid:5432/patchbot');
    expect(err.problem).toBe('unreachable');
    expect(err.message).toMatch(/no-such-host\.invalid/);
    expect(err.message).not.toContain('s3cr3t-pw');
  });

  it('a database that does not exist: how to create it', async () => {
    const url = server();
    url.pathname = '/patchbot_missing';
    const err = await openFailure(url.toString());
    expect(err.problem).toBe('missing-database');
    expect(err.message).toMatch(/CREATE DATABASE patchbot_missing/);
  });

  it('a user that may not log in: access denied', async () => {
    const role = `patchbot_nologin_${process.pid}`;
    await onServer(server().toString(), `CREATE ROLE ${role} NOLOGIN`);
    try {
      const url = server();
      url.username = role;
      url.password = 's3cr3t-pw';
      const err = await openFailure(url.toString());
      expect(err.problem).toBe('access-denied');
      expect(err.message).toMatch(/user name and password/);
      expect(err.message).not.toContain('s3cr3t-pw');
    } finally {
      await onServer(server().toString(), `DROP ROLE ${role}`);
    }
  });

  it('a read-only database: point at the primary', async () => {
    const db = await freshDatabase();
    try {
      const name = new URL(db.url).pathname.slice(1);
      await onServer(server().toString(), `ALTER DATABASE ${name} SET default_transaction_read_only = on`);
      const err = await openFailure(db.url);
      expect(err.problem).toBe('read-only');
      expect(err.message).toMatch(/primary server/);
    } finally {
      await db.drop();
    }
  });
});
