import { setImmediate as endOfTurn } from 'node:timers';
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

/** A query Kysely can compile (its builders). */
type CompilableQuery = { compile(): { sql: string; parameters: readonly unknown[] } };

/** A statement prepared once, and how to bind one run's arguments to it. */
type CompiledStatement = {
  prepared: Database.Statement;
  bind(key: string, untilMs: number, nowMs: number): unknown[];
};

// Placeholder arguments a statement is compiled with once: no request key or time can equal them.
const KEY_SLOT = '\u0000key';
const UNTIL_SLOT = -1.5;
const NOW_SLOT = -2.5;

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
  /** The synchronous path's two statements, compiled by Kysely once (building and compiling them was a share of every admission's time). */
  private readonly statements = new Map<string, CompiledStatement>();

  /** Admissions asked for in this turn of the event loop, taken together at its end (SQLite only). */
  private batch: PendingAdmission[] | undefined;

  /**
   * `sqlite`: the SQLite handle under the store's own context (not a transaction's). Every Slack
   * request is admitted before its acknowledgement, and through Kysely each admission waits its turn
   * for the one connection and takes four turns of the event loop (begin, two keys, commit): under a
   * burst of commands that queue was most of an acknowledgement's time. With the handle, the
   * admissions asked for in one turn are one synchronous IMMEDIATE transaction of prepared statements
   * at the end of that turn (each request's keys under its own savepoint), while the connection is in
   * no transaction; otherwise (one is open across awaits, or another process holds the write lock)
   * each takes the Kysely path, which waits as before. Under a burst an admission with a commit of
   * its own took about 100 µs (30 µs on a quiet file); sharing a turn's commit, about 40 µs.
   */
  constructor(
    private readonly ctx: StoreContext,
    private readonly counter: { admitted: number } = { admitted: 0 },
    private readonly sqlite?: Database.Database,
  ) {}

  /** Remembers `keys` until `untilMs` and returns true, or returns false (remembering nothing) when any key is remembered still. */
  admit(keys: readonly string[], untilMs: number, nowMs: number): Promise<boolean> {
    if (!this.sqlite) return this.admitLater({ keys, untilMs, nowMs });
    return new Promise<boolean>((resolve) => {
      if (!this.batch) {
        this.batch = [];
        // The real timer even under a test's fake ones: this waits for I/O, not for time.
        endOfTurn(() => this.flush());
      }
      this.batch.push({ keys, untilMs, nowMs, resolve });
    });
  }

  /** Answers every admission of the turn: together when the handle is free, else each the Kysely way. */
  private flush(): void {
    const batch = this.batch ?? [];
    this.batch = undefined;
    let answers: boolean[] | undefined;
    try {
      answers = this.admitNow(batch);
    } catch (err) {
      for (const waiting of batch)
        waiting.resolve(guarded(this.ctx.path, WHAT, () => Promise.reject(err)) as Promise<boolean>);
      return;
    }
    for (const [i, waiting] of batch.entries())
      waiting.resolve(answers ? (answers[i] ?? false) : this.admitLater(waiting));
  }

  /** The Kysely path: a transaction of its own, on either backend. */
  private admitLater({ keys, untilMs, nowMs }: Admission): Promise<boolean> {
    return guarded(this.ctx.path, WHAT, async () => {
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

  /**
   * The same query as the Kysely path, compiled by Kysely once and prepared on the handle: it is
   * compiled with a placeholder value for each argument, and each run binds the arguments where
   * those values came out (anything else Kysely put in the parameters stays as it was).
   */
  private statement(
    db: Database.Database,
    name: string,
    build: (db: Db, key: string, untilMs: number, nowMs: number) => CompilableQuery,
  ): CompiledStatement {
    const known = this.statements.get(name);
    if (known) return known;
    const { sql, parameters } = build(this.ctx.db, KEY_SLOT, UNTIL_SLOT, NOW_SLOT).compile();
    const prepared = db.prepare(sql);
    const bind = (key: string, untilMs: number, nowMs: number) =>
      parameters.map((p) => (p === KEY_SLOT ? key : p === UNTIL_SLOT ? untilMs : p === NOW_SLOT ? nowMs : p));
    const compiled = { prepared, bind };
    this.statements.set(name, compiled);
    return compiled;
  }

  /** The synchronous path: each admission's answer, in order, or undefined when it cannot run now (no handle, a transaction open, the write lock held elsewhere); throws what else the driver throws. */
  private admitNow(batch: readonly Admission[]): boolean[] | undefined {
    const db = this.sqlite;
    if (!db || db.inTransaction) return undefined;
    const take = this.statement(db, 'take', takeKey);
    const forget = this.statement(db, 'forget', (kysely, _key, _untilMs, now) => forgetExpired(kysely, now));
    // Nested in the batch's transaction, each request's keys are a savepoint: a seen key undoes that request's only.
    const admitOne = db.transaction(({ keys, untilMs, nowMs }: Admission) => {
      // Sorted, as the Kysely path does, so two requests sharing keys take them in one order everywhere.
      for (const key of [...keys].sort()) {
        if (take.prepared.get(...take.bind(key, untilMs, nowMs)) === undefined) throw SEEN;
      }
      if (++this.counter.admitted % 256 === 0) forget.prepared.run(...forget.bind('', untilMs, nowMs));
    });
    const admitAll = db.transaction(() =>
      batch.map((admission) => {
        try {
          admitOne(admission);
          return true;
        } catch (err) {
          if (err === SEEN) return false;
          throw err;
        }
      }),
    );
    try {
      return admitAll.immediate();
    } catch (err) {
      // Another process is writing: wait for it the patient way.
      if (isBusy(err)) return undefined;
      throw err;
    }
  }
}

/** Thrown inside the transaction to undo it when a key was seen already. */
const SEEN = Symbol('seen');

const WHAT = 'remembering a signed request';

/** One request's keys, the end of their window, and the time it was admitted at. */
type Admission = { keys: readonly string[]; untilMs: number; nowMs: number };

/** An admission waiting for the end of the turn, with where its answer goes. */
type PendingAdmission = Admission & { resolve(answer: boolean | Promise<boolean>): void };
