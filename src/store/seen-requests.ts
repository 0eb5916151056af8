import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { StoreContext } from './context';
import { guarded } from './failure';
import type { PatchbotDatabase } from './schema';
import { isBusy } from './sqlite-dialect';

type Db = Kysely<PatchbotDatabase>;

/**
 * Takes one key by one conditional upsert: it writes only when the key is new or its window has
 * passed, and returns a row only when it wrote. Of two copies arriving at once (two processes, on
 * either backend), the second waits for the first's row and then writes nothing, and so is refused.
 */
function takeKey(db: Db, key: string, untilMs: number, nowMs: number) {
  return db
    .insertInto('seen_requests')
    .values({ key, until_ms: untilMs })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet((eb) => ({ until_ms: eb.ref('excluded.until_ms') }))
        .where('seen_requests.until_ms', '<=', nowMs),
    )
    .returning('key');
}

/** Forgets what left the window: done now and then, it keeps the table at one window's worth of requests. */
function forgetExpired(db: Db, nowMs: number) {
  return db.deleteFrom('seen_requests').where('until_ms', '<=', nowMs);
}

/**
 * Signed Slack requests already acted on, kept until their timestamp leaves the signature window
 * (table `seen_requests`, migration v5), so a captured request replayed to this process after a
 * restart, or to another process on the same database, is refused as it is in memory. Checking and
 * remembering is one transaction (IMMEDIATE on SQLite): of two copies arriving at once, one is admitted.
 */
export class SeenRequests {
  /** The synchronous path's statements by their SQL (Kysely compiles the same two queries each time). */
  private readonly prepared = new Map<string, Database.Statement>();

  /**
   * `sqlite`: the SQLite handle under the store's own context (not a transaction's). Every Slack
   * request is admitted before its acknowledgement, and through Kysely each admission waits its turn
   * for the one connection and takes four turns of the event loop (begin, two keys, commit): under a
   * burst of commands that queue was most of an acknowledgement's time. With the handle, an admission
   * is one synchronous IMMEDIATE transaction of prepared statements while the connection is in no
   * transaction; otherwise (one is open across awaits, or another process holds the write lock) it
   * takes the Kysely path, which waits as before.
   */
  constructor(
    private readonly ctx: StoreContext,
    private readonly counter: { admitted: number } = { admitted: 0 },
    private readonly sqlite?: Database.Database,
  ) {}

  /** Remembers `keys` until `untilMs` and returns true, or returns false (remembering nothing) when any key is remembered still. */
  admit(keys: readonly string[], untilMs: number, nowMs: number): Promise<boolean> {
    const what = 'remembering a signed request';
    let now: boolean | undefined;
    try {
      now = this.admitNow(keys, untilMs, nowMs);
    } catch (err) {
      return guarded(this.ctx.path, what, () => Promise.reject(err));
    }
    if (now !== undefined) return Promise.resolve(now);
    return guarded(this.ctx.path, what, async () => {
      try {
        return await this.ctx.atomic(async ({ db }) => {
          // In one order everywhere, so two requests sharing keys never wait for each other in a cycle.
          for (const key of [...keys].sort())
            if (!(await takeKey(db, key, untilMs, nowMs).executeTakeFirst())) throw SEEN;
          if (++this.counter.admitted % 256 === 0) await forgetExpired(db, nowMs).execute();
          return true;
        });
      } catch (err) {
        // The keys written before a seen one are rolled back with the transaction.
        if (err === SEEN) return false;
        throw err;
      }
    });
  }

  /** The synchronous path: the answer, or undefined when it cannot run now (no handle, a transaction open, the write lock held elsewhere); throws what else the driver throws. */
  private admitNow(keys: readonly string[], untilMs: number, nowMs: number): boolean | undefined {
    const db = this.sqlite;
    if (!db || db.inTransaction) return undefined;
    /** The same queries as the Kysely path, compiled by Kysely and run on the handle. */
    const statement = (query: { compile(): { sql: string; parameters: readonly unknown[] } }) => {
      const { sql, parameters } = query.compile();
      const prepared = this.prepared.get(sql) ?? db.prepare(sql);
      this.prepared.set(sql, prepared);
      return { prepared, parameters };
    };
    const admitAll = db.transaction(() => {
      // Sorted, as the Kysely path does, so two requests sharing keys take them in one order everywhere.
      for (const key of [...keys].sort()) {
        const take = statement(takeKey(this.ctx.db, key, untilMs, nowMs));
        if (take.prepared.get(...take.parameters) === undefined) throw SEEN;
      }
      if (++this.counter.admitted % 256 === 0) {
        const forget = statement(forgetExpired(this.ctx.db, nowMs));
        forget.prepared.run(...forget.parameters);
      }
    });
    try {
      admitAll.immediate();
      return true;
    } catch (err) {
      if (err === SEEN) return false;
      // Another process is writing: wait for it the patient way.
      if (isBusy(err)) return undefined;
      throw err;
    }
  }
}

/** Thrown inside the transaction to undo it when a key was seen already. */
const SEEN = Symbol('seen');
