import type Database from 'better-sqlite3';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  SqliteDialect,
  type TransactionSettings,
} from 'kysely';

/**
 * Kysely's SQLite dialect with the busy wait done asynchronously. better-sqlite3 waits for another
 * connection's lock synchronously (its busy timeout), holding the whole process; with statements
 * now awaited one by one, a transaction of this process that holds the lock between two of its
 * statements could then never finish while another connection of the same process waited for it.
 * So the driver's own timeout is 0 and a statement refused with SQLITE_BUSY is tried again after a
 * short pause, until `waitMs` has passed (the same limit as before: busy_timeout); then the error
 * stands and becomes a StoreError (`locked`).
 */
export class PatientSqliteDialect extends SqliteDialect {
  constructor(
    database: Database.Database,
    private readonly waitMs: number,
  ) {
    super({ database });
  }

  override createDriver(): Driver {
    return new PatientDriver(super.createDriver(), this.waitMs);
  }
}

/** Pauses between tries: short at first (a lock is usually held for a moment), then every 50 ms. */
const PAUSES_MS = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50];

class PatientDriver implements Driver {
  private readonly wrapped = new WeakMap<DatabaseConnection, PatientConnection>();

  constructor(
    private readonly inner: Driver,
    private readonly waitMs: number,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const conn = await this.inner.acquireConnection();
    let patient = this.wrapped.get(conn);
    if (!patient) {
      patient = new PatientConnection(conn, this.waitMs);
      this.wrapped.set(conn, patient);
    }
    return patient;
  }

  beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(unwrap(conn), settings);
  }

  commitTransaction(conn: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(unwrap(conn));
  }

  rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(unwrap(conn));
  }

  releaseConnection(conn: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(unwrap(conn));
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

class PatientConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly waitMs: number,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const deadline = Date.now() + this.waitMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.inner.executeQuery<R>(query);
      } catch (err) {
        if (!isBusy(err) || Date.now() >= deadline) throw err;
        const pause = PAUSES_MS[Math.min(attempt, PAUSES_MS.length - 1)]!;
        await new Promise((resolve) => setTimeout(resolve, Math.min(pause, Math.max(1, deadline - Date.now()))));
      }
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

function unwrap(conn: DatabaseConnection): DatabaseConnection {
  return conn instanceof PatientConnection ? conn.inner : conn;
}

/** Whether a driver error is SQLite's SQLITE_BUSY (another connection holds the lock). */
export function isBusy(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
