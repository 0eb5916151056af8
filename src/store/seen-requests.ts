import type Database from 'better-sqlite3';
import type { StoreContext } from './context';

/**
 * Signed Slack requests already acted on, kept until their timestamp leaves the signature window
 * (table `seen_requests`, migration v5), so a captured request replayed to this process after a
 * restart, or to another process on the same file, is refused as it is in memory. Checking and
 * remembering is one IMMEDIATE transaction: of two copies arriving at once, one is admitted.
 */
export class SeenRequests {
  private stmts: { find: Database.Statement; put: Database.Statement; prune: Database.Statement } | undefined;
  private admitted = 0;

  constructor(private readonly ctx: StoreContext) {}

  private get sql() {
    this.stmts ??= {
      find: this.ctx.db.prepare('SELECT 1 FROM seen_requests WHERE key = ? AND until_ms > ?'),
      put: this.ctx.db.prepare(
        'INSERT INTO seen_requests (key, until_ms) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET until_ms = excluded.until_ms',
      ),
      prune: this.ctx.db.prepare('DELETE FROM seen_requests WHERE until_ms <= ?'),
    };
    return this.stmts;
  }

  /** Remembers `keys` until `untilMs` and returns true, or returns false (remembering nothing) when any key is remembered still. */
  admit(keys: readonly string[], untilMs: number, nowMs: number): boolean {
    const { find, put, prune } = this.sql;
    return this.ctx.db
      .transaction(() => {
        if (keys.some((k) => find.get(k, nowMs) !== undefined)) return false;
        for (const k of keys) put.run(k, untilMs);
        // Forgetting what left the window now and then keeps the table at one window's worth of requests.
        if (++this.admitted % 256 === 0) prune.run(nowMs);
        return true;
      })
      .immediate();
  }
}
