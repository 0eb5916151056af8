/**
 * The test PostgreSQL server (test/support/postgres.ts) is what the PostgreSQL store tests stand on:
 * a real server on 127.0.0.1, and a fresh database per test file that no other file can see.
 */
import { Client } from 'pg';
import { freshDatabase, testDatabaseUrl } from '../support/postgres';

async function query<T>(url: string, text: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('the test PostgreSQL server', () => {
  it('is a PostgreSQL server listening on loopback', async () => {
    const url = new URL(testDatabaseUrl());
    expect(url.hostname).toBe('127.0.0.1');
    const [row] = await query<{ server_version_num: string }>(url.toString(), 'SHOW server_version_num');
    expect(Number(row?.server_version_num)).toBeGreaterThanOrEqual(130000);
  });

  it('gives each test file a database of its own, and drops it', async () => {
    const a = await freshDatabase();
    const b = await freshDatabase();
    try {
      expect(a.url).not.toBe(b.url);
      await query(a.url, 'CREATE TABLE only_in_a (id int)');
      const inB = await query<{ n: string }>(
        b.url,
        "SELECT count(*) AS n FROM pg_tables WHERE tablename = 'only_in_a'",
      );
      expect(Number(inB[0]?.n)).toBe(0);
    } finally {
      await a.drop();
      await b.drop();
    }
    const left = await query<{ datname: string }>(testDatabaseUrl(), 'SELECT datname FROM pg_database');
    const names = left.map((r) => r.datname);
    expect(names).not.toContain(new URL(a.url).pathname.slice(1));
    expect(names).not.toContain(new URL(b.url).pathname.slice(1));
  });
});
