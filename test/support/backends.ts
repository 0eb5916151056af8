/**
 * Runs a block of store tests once per backend: SQLite (`:memory:`, or a file for tests that open
 * one database twice) and PostgreSQL (the test server of postgres.ts; one database per describe,
 * dropped after it, and a schema of its own per store, so every test starts empty). The describe
 * names end in [sqlite] or [postgres], so `jest -t postgres` runs one backend's half.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { Client } from 'pg';
import { ManualClock } from '../../src/clock';
import { silentLogger } from '../../src/logger';
import { openStore, type OpenStoreOptions, type Store } from '../../src/store';
import { freshDatabase } from './postgres';

/** The two backends, in the order their blocks run. */
export const BACKENDS = ['sqlite', 'postgres'] as const;

/** One of BACKENDS. */
export type BackendName = (typeof BACKENDS)[number];

/** Where a database is, without the logger: what openStore takes besides it. */
export type StorePlace = { backend?: 'sqlite'; path: string } | { backend: 'postgres'; url: string };

/** What the options of a test store may change. */
export interface TestStoreOptions {
  clock?: ManualClock;
  newOperationId?: () => string;
}

/** A backend as the tests in a block use it. */
export interface TestBackend {
  name: BackendName;
  /** A fresh, empty store on a manual clock at 2026-03-01T10:00Z. */
  open(options?: TestStoreOptions): Promise<{ store: Store; clock: ManualClock }>;
  /** A fresh, empty database several stores can open (a file on SQLite, a schema on PostgreSQL). */
  place(): StorePlace;
  /** Opens a store at `place`, as another process would. */
  openAt(place: StorePlace, options?: Partial<Pick<OpenStoreOptions, 'clock' | 'logger'>>): Promise<Store>;
  /** Runs raw SQL on the store (rows written behind the repositories' back). */
  exec(store: Store, text: string): Promise<void>;
}

/** `describe(name [backend], ...)` for each backend, with the backend's helpers. */
export function describeBackends(name: string, body: (backend: TestBackend) => void): void {
  for (const backend of BACKENDS) describeBackend(backend, name, body);
}

/** `describe(name [backend], ...)` for one backend's own tests. */
export function describeBackend(backend: BackendName, name: string, body: (backend: TestBackend) => void): void {
  describe(`${name} [${backend}]`, () => body(testBackend(backend)));
}

let schemas = 0;

function testBackend(name: BackendName): TestBackend {
  let database: { url: string; drop: () => Promise<void> } | undefined;
  let dir: string | undefined;
  if (name === 'postgres') {
    beforeAll(async () => {
      database = await freshDatabase();
    });
    afterAll(async () => database?.drop());
  } else {
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'patchbot-store-'));
    });
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });
  }

  const place = (): StorePlace => {
    const n = ++schemas;
    if (name === 'sqlite') {
      if (!dir) throw new Error('place() is for use inside a test');
      return { path: join(dir, `state-${n}.db`) };
    }
    if (!database) throw new Error('place() is for use inside a test');
    // A schema of its own per place, chosen by search_path: the migrations create it when missing.
    const url = new URL(database.url);
    url.searchParams.set('options', `-c search_path=place_${process.pid}_${n}`);
    return { backend: 'postgres', url: url.toString() };
  };

  const openAt: TestBackend['openAt'] = async (at, options = {}) => {
    if (at.backend === 'postgres') await createSchemaOf(at.url);
    return openStore({ logger: silentLogger(), ...options, ...at } as OpenStoreOptions);
  };

  return {
    name,
    place,
    openAt,
    async open(options = {}) {
      const clock = options.clock ?? new ManualClock('2026-03-01T10:00:00.000Z');
      const at: StorePlace = name === 'sqlite' ? { path: ':memory:' } : place();
      if (at.backend === 'postgres') await createSchemaOf(at.url);
      const store = await openStore({
        logger: silentLogger(),
        clock,
        ...(options.newOperationId ? { newOperationId: options.newOperationId } : {}),
        ...at,
      } as OpenStoreOptions);
      return { store, clock };
    },
    async exec(store, text) {
      await sql.raw(text).execute(store.kysely);
    },
  };
}

const schemasMade = new Map<string, Promise<void>>();

/** Creates the schema a place's URL names, once: stores opened at the place at the same moment share the creation. */
function createSchemaOf(url: string): Promise<void> {
  let made = schemasMade.get(url);
  if (!made) {
    made = createSchema(url);
    schemasMade.set(url, made);
  }
  return made;
}

async function createSchema(url: string): Promise<void> {
  const parsed = new URL(url);
  const schema = /search_path=(\w+)/.exec(parsed.searchParams.get('options') ?? '')?.[1];
  if (!schema) return;
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } finally {
    await client.end();
  }
}
