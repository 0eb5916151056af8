/**
 * /health against a real PostgreSQL (src/slack/health.ts over src/store/ping.ts): 503 naming the
 * database while it cannot be reached, 200 once it can again; /health/live 200 throughout.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Kysely, PostgresDialect } from 'kysely';
import { Client, Pool } from 'pg';
import { HEALTH_PATH, Health, LIVE_PATH, PING_CACHE_MS } from '../../src/slack/health';
import { ping } from '../../src/store/ping';
import { testDatabaseUrl } from '../support/postgres';

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('/health on PostgreSQL', () => {
  const name = `patchbot_health_${process.pid}`;
  let pool: Pool;
  let db: Kysely<unknown>;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${name}`);
    const url = new URL(testDatabaseUrl());
    url.pathname = `/${name}`;
    pool = new Pool({ connectionString: url.toString(), connectionTimeoutMillis: 500 });
    pool.on('error', () => undefined); // an idle connection the server ended; the next query opens another
    db = new Kysely({ dialect: new PostgresDialect({ pool }) });
    const health = new Health({ ping: () => ping(db), role: () => 'leader', backend: 'postgres' }, () => undefined);
    server = createServer((req, res) => {
      if (!health.serve(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await db.destroy();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  async function probe(path: string): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, body: await res.json() };
  }
  const afterCache = () => new Promise((r) => setTimeout(r, PING_CACHE_MS + 50));

  it('is 503 while the database is gone and 200 once it is back; live stays 200', async () => {
    expect(await probe(HEALTH_PATH)).toEqual({ status: 200, body: { ok: true, role: 'leader', backend: 'postgres' } });

    await admin(`DROP DATABASE ${name} WITH (FORCE)`);
    await afterCache();
    expect(await probe(HEALTH_PATH)).toEqual({
      status: 503,
      body: { ok: false, reason: 'database_unreachable', role: 'leader', backend: 'postgres' },
    });
    expect(await probe(LIVE_PATH)).toEqual({ status: 200, body: { ok: true } });

    await admin(`CREATE DATABASE ${name}`);
    await afterCache();
    expect(await probe(HEALTH_PATH)).toEqual({ status: 200, body: { ok: true, role: 'leader', backend: 'postgres' } });
    expect(await probe(LIVE_PATH)).toEqual({ status: 200, body: { ok: true } });
  });
});
