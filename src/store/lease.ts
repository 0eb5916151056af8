import type { LeaseAttempt, LeaseRecord, WorkLease } from '../jobs/lease-port';
import { fromSqlTime, toSqlTime } from './codec';
import type { StoreContext } from './context';
import { guarded } from './failure';

/**
 * The work lease as a row of table `leases` (migration v4). Every write is one compare-and-set
 * statement in a transaction (IMMEDIATE on SQLite): the row changes only if it is free, expired, or
 * already this holder's, so of two processes on one database at most one holds it. Times come from
 * the injected clock; processes sharing one SQLite file share one machine, hence one clock.
 *
 * A lease in a file that was deleted or replaced while the bot ran would be a lease on nothing (a
 * new process would create a new file and take its own), so every attempt first checks the file is
 * still the one this store opened (`checkFile`), and fails with a StoreError if not.
 */
export class SqliteLease implements WorkLease {
  constructor(
    private readonly ctx: StoreContext,
    private readonly checkFile: () => void,
    readonly name = 'work',
  ) {}

  /** Takes the lease for `ttlMs` if it is free, expired or already `holder`'s; the lease as it is afterwards. */
  async acquire(holder: string, ttlMs: number): Promise<LeaseAttempt> {
    this.checkFile();
    const now = this.ctx.clock.now();
    const at = toSqlTime(now);
    return guarded(this.ctx.path, `renewing or taking the ${this.name} lease`, () =>
      this.ctx.atomic(async ({ db }): Promise<LeaseAttempt> => {
        const taken = await db
          .insertInto('leases')
          .values({
            name: this.name,
            holder,
            acquired_at: at,
            renewed_at: at,
            expires_at: toSqlTime(new Date(now.getTime() + ttlMs)),
            epoch: 1,
          })
          .onConflict((oc) =>
            oc
              .column('name')
              .doUpdateSet((eb) => {
                const same = eb('leases.holder', '=', eb.ref('excluded.holder'));
                return {
                  holder: eb.ref('excluded.holder'),
                  acquired_at: eb
                    .case()
                    .when(same)
                    .then(eb.ref('leases.acquired_at'))
                    .else(eb.ref('excluded.acquired_at'))
                    .end(),
                  renewed_at: eb.ref('excluded.renewed_at'),
                  expires_at: eb.ref('excluded.expires_at'),
                  epoch: eb
                    .case()
                    .when(same)
                    .then(eb.ref('leases.epoch'))
                    .else(eb('leases.epoch', '+', 1))
                    .end(),
                };
              })
              .where((eb) =>
                eb.or([eb('leases.holder', '=', eb.ref('excluded.holder')), eb('leases.expires_at', '<=', at)]),
              ),
          )
          .returning(['holder', 'expires_at', 'epoch'])
          .executeTakeFirst();
        if (taken) return { held: true, lease: record(taken) };
        const other = await db
          .selectFrom('leases')
          .select(['holder', 'expires_at', 'epoch'])
          .where('name', '=', this.name)
          .executeTakeFirstOrThrow();
        return { held: false, lease: record(other) };
      }),
    );
  }

  /** Gives the lease up (expires it now) if `holder` still holds it. */
  async release(holder: string): Promise<void> {
    const now = toSqlTime(this.ctx.clock.now());
    await guarded(this.ctx.path, `giving up the ${this.name} lease`, () =>
      this.ctx.db
        .updateTable('leases')
        .set({ expires_at: now, renewed_at: now })
        .where('name', '=', this.name)
        .where('holder', '=', holder)
        .where('expires_at', '>', now)
        .execute(),
    );
  }

  /** The lease as stored, if anyone ever took it. */
  async current(): Promise<LeaseRecord | undefined> {
    const row = await guarded(this.ctx.path, `reading the ${this.name} lease`, () =>
      this.ctx.db
        .selectFrom('leases')
        .select(['holder', 'expires_at', 'epoch'])
        .where('name', '=', this.name)
        .executeTakeFirst(),
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
