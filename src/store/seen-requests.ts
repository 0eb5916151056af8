import type Database from 'better-sqlite3';
import type { StoreContext } from './context';
import { guarded } from './failure';

/** Takes one key: writes it when new or out of its window; returns a row only when it did (the same statement as `admit`'s Kysely one). */
const TAKE_SQL =
  'insert into "seen_requests" ("key", "until_ms") values (?, ?) on conflict ("key") do update set "until_ms" = "excluded"."until_ms" where "seen_requests"."until_ms" <= ? returning "key"';
const FORGET_SQL = 'delete from "seen_requests" where "until_ms" <= ?';

/** The statements of the synchronous path, prepared once. */
interface Prepared {
  take: Database.Statement;
  forget: Database.Statement;
}

/**
 * Signed Slack requests already acted on, kept until their timestamp leaves the signature window
 * (table `seen_requests`, migration v5), so a captured request replayed to this process after a
 * restart, or to another process on the same database, is refused as it is in memory. Checking and
 * remembering is one transaction (IMMEDIATE on SQLite): of two copies arriving at once, one is admitted.
 */
export class SeenRequests {
  private prepared: Prepared | undefined;

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
    const now = this.admitNow(keys, untilMs, nowMs);
    if (now !== undefined) return Promise.resolve(now);
    return guarded(this.ctx.path, 'remembering a signed request', async () => {
      try {
        return await this.ctx.atomic(async ({ db }) => {
          // Each key is taken by one conditional upsert: it writes only when the key is new or its
          // window has passed. Of two copies arriving at once (two processes, on either backend), the
          // second waits for the first's row and then writes nothing, and so is refused.
          // In one order everywhere, so two requests sharing keys never wait for each other in a cycle.
          for (const key of [...keys].sort()) {
            const taken = await db
              .insertInto('seen_requests')
              .values({ key, until_ms: untilMs })
              .onConflict((oc) =>
                oc
                  .column('key')
                  .doUpdateSet((eb) => ({ until_ms: eb.ref('excluded.until_ms') }))
                  .where('seen_requests.until_ms', '<=', nowMs),
              )
              .returning('key')
              .executeTakeFirst();
            if (!taken) throw SEEN;
          }
          // Forgetting what left the window now and then keeps the table at one window's worth of requests.
          if (++this.counter.admitted % 256 === 0)
            await db.deleteFrom('seen_requests').where('until_ms', '<=', nowMs).execute();
          return true;
        });
      } catch (err) {
        // The keys written before a seen one are rolled back with the transaction.
        if (err === SEEN) return false;
        throw err;
      }
    });
  }

  /** The synchronous path: the answer, or undefined when it cannot run now (no handle, a transaction open, the write lock held elsewhere). */
  private admitNow(keys: readonly string[], untilMs: number, nowMs: number): boolean | undefined {
    const db = this.sqlite;
    if (!db || db.inTransaction) return undefined;
    this.prepared ??= { take: db.prepare(TAKE_SQL), forget: db.prepare(FORGET_SQL) };
    const { take, forget } = this.prepared;
    const admitAll = db.transaction(() => {
      // Sorted, as the Kysely path does, so two requests sharing keys take them in one order everywhere.
      for (const key of [...keys].sort()) if (take.get(key, untilMs, nowMs) === undefined) throw SEEN;
      if (++this.counter.admitted % 256 === 0) forget.run(nowMs);
    });
    try {
      admitAll.immediate();
      return true;
    } catch (err) {
      if (err === SEEN) return false;
      // Another process is writing: wait for it the patient way. Anything else is the Kysely path's to report.
      return undefined;
    }
  }
}

/** Thrown inside the transaction to undo it when a key was seen already. */
const SEEN = Symbol('seen');
