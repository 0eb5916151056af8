import type { StoreContext } from './context';
import { guarded } from './failure';

/**
 * Signed Slack requests already acted on, kept until their timestamp leaves the signature window
 * (table `seen_requests`, migration v5), so a captured request replayed to this process after a
 * restart, or to another process on the same database, is refused as it is in memory. Checking and
 * remembering is one transaction (IMMEDIATE on SQLite): of two copies arriving at once, one is admitted.
 */
export class SeenRequests {
  constructor(
    private readonly ctx: StoreContext,
    private readonly counter: { admitted: number } = { admitted: 0 },
  ) {}

  /** Remembers `keys` until `untilMs` and returns true, or returns false (remembering nothing) when any key is remembered still. */
  admit(keys: readonly string[], untilMs: number, nowMs: number): Promise<boolean> {
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
}

/** Thrown inside the transaction to undo it when a key was seen already. */
const SEEN = Symbol('seen');
