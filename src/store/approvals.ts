import { fromSqlTime, toSqlTime } from './codec';
import type { StoreContext } from './context';
import { guarded } from './failure';

/**
 * Approval votes, for policies that ask for N approvers. A vote counts only while the operation is
 * pending and only once per person; the caller then compares the count with the policy's N and
 * moves pending -> approved with the operations' compare-and-set, so two approvers clicking at once
 * still approve (and send) once.
 */

/** One recorded approval. */
export interface Approval {
  operationId: string;
  userId: string;
  at: Date;
}

/** What became of a vote: counted, already counted, or too late (not pending / unknown operation). */
export type VoteOutcome = 'recorded' | 'duplicate' | 'not_pending' | 'not_found';

/** The votes cast for pending operations. */
export class ApprovalRepository {
  constructor(private readonly ctx: StoreContext) {}

  /** Records `userId`'s approval of a pending operation; checks and inserts in one transaction (a savepoint inside one). */
  add(operationId: string, userId: string): Promise<VoteOutcome> {
    return guarded(this.ctx.path, `recording an approval of ${operationId}`, () =>
      this.ctx.atomic(async ({ db }): Promise<VoteOutcome> => {
        const read = db.selectFrom('operations').select('status').where('id', '=', operationId);
        // SQLite's IMMEDIATE transaction already holds the write lock; on PostgreSQL the row lock keeps
        // the operation pending until this vote is in (an approval waits for it, then sees the vote).
        const row = await (this.ctx.backend === 'postgres' ? read.forUpdate() : read).executeTakeFirst();
        if (!row) return 'not_found';
        if (row.status !== 'pending') return 'not_pending';
        const inserted = await db
          .insertInto('approvals')
          .values({ operation_id: operationId, user_id: userId, approved_at: toSqlTime(this.ctx.clock.now()) })
          .onConflict((oc) => oc.columns(['operation_id', 'user_id']).doNothing())
          .returning('user_id')
          .executeTakeFirst();
        return inserted ? 'recorded' : 'duplicate';
      }),
    );
  }

  /** The approvals of an operation, oldest first. */
  list(operationId: string): Promise<Approval[]> {
    return guarded(this.ctx.path, `reading approvals of ${operationId}`, async () => {
      const rows = await this.ctx.db
        .selectFrom('approvals')
        .select(['operation_id', 'user_id', 'approved_at'])
        .where('operation_id', '=', operationId)
        .orderBy('approved_at')
        .orderBy('rowid')
        .execute();
      return rows.map((r) => ({
        operationId: r.operation_id,
        userId: r.user_id,
        at: fromSqlTime(r.approved_at, 'approved_at'),
      }));
    });
  }
}
