import type Database from 'better-sqlite3';
import type { LeaseAttempt, LeaseRecord, WorkLease } from '../jobs/lease-port';
import { fromSqlTime, toSqlTime } from './codec';
import type { StoreContext } from './context';
import { guarded } from './failure';

/**
 * The work lease in SQLite (table `leases`, migration v4). Every write is one compare-and-set
 * statement under an IMMEDIATE transaction: the row changes only if it is free, expired, or already
 * this holder's, so of two processes on one file at most one holds it. Times come from the
 * injected clock; processes sharing one SQLite file share one machine, hence one clock.
 *
 * A lease in a file that was deleted or replaced while the bot ran would be a lease on nothing (a
 * new process would create a new file and take its own), so every attempt first checks the file is
 * still the one this store opened (`checkFile`), and fails with a StoreError if not.
 */
export class SqliteLease implements WorkLease {
  private stmts: { take: Database.Statement; read: Database.Statement; release: Database.Statement } | undefined;

  constructor(
    private readonly ctx: StoreContext,
    private readonly checkFile: () => void,
    readonly name = 'work',
  ) {}

  /** Prepared on first use (test migration lists may stop before the table exists). */
  private get sql(): { take: Database.Statement; read: Database.Statement; release: Database.Statement } {
    this.stmts ??= {
      take: this.ctx.db.prepare(`
        INSERT INTO leases (name, holder, acquired_at, renewed_at, expires_at, epoch)
        VALUES (@name, @holder, @now, @now, @expires, 1)
        ON CONFLICT (name) DO UPDATE SET
          holder      = excluded.holder,
          acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at ELSE excluded.acquired_at END,
          renewed_at  = excluded.renewed_at,
          expires_at  = excluded.expires_at,
          epoch       = CASE WHEN leases.holder = excluded.holder THEN leases.epoch ELSE leases.epoch + 1 END
        WHERE leases.holder = excluded.holder OR leases.expires_at <= @now
        RETURNING holder, expires_at, epoch`),
      read: this.ctx.db.prepare(`SELECT holder, expires_at, epoch FROM leases WHERE name = ?`),
      release: this.ctx.db.prepare(
        `UPDATE leases SET expires_at = @now, renewed_at = @now WHERE name = @name AND holder = @holder AND expires_at > @now`,
      ),
    };
    return this.stmts;
  }

  acquire(holder: string, ttlMs: number): Promise<LeaseAttempt> {
    return Promise.resolve().then(() => this.acquireNow(holder, ttlMs));
  }

  release(holder: string): Promise<void> {
    return Promise.resolve().then(() => {
      guarded(this.ctx.path, `giving up the ${this.name} lease`, () =>
        this.sql.release.run({ name: this.name, holder, now: toSqlTime(this.ctx.clock.now()) }),
      );
    });
  }

  current(): Promise<LeaseRecord | undefined> {
    return Promise.resolve().then(() => this.read());
  }

  /** One compare-and-set; the lease as it is afterwards. */
  acquireNow(holder: string, ttlMs: number): LeaseAttempt {
    this.checkFile();
    const now = this.ctx.clock.now();
    return guarded(this.ctx.path, `renewing or taking the ${this.name} lease`, () =>
      this.ctx.db
        .transaction((): LeaseAttempt => {
          const row = this.sql.take.get({
            name: this.name,
            holder,
            now: toSqlTime(now),
            expires: toSqlTime(new Date(now.getTime() + ttlMs)),
          }) as Row | undefined;
          if (row) return { held: true, lease: record(row) };
          const other = this.sql.read.get(this.name) as Row;
          return { held: false, lease: record(other) };
        })
        .immediate(),
    );
  }

  private read(): LeaseRecord | undefined {
    const row = guarded(
      this.ctx.path,
      `reading the ${this.name} lease`,
      () => this.sql.read.get(this.name) as Row | undefined,
    );
    return row ? record(row) : undefined;
  }
}

interface Row {
  holder: string;
  expires_at: string;
  epoch: number;
}

function record(row: Row): LeaseRecord {
  return { holder: row.holder, expiresAt: fromSqlTime(row.expires_at, 'leases.expires_at'), epoch: row.epoch };
}
