import type Database from 'better-sqlite3';
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
  private readonly statusStmt: Database.Statement;
  private readonly insertStmt: Database.Statement;
  private readonly listStmt: Database.Statement;

  constructor(private readonly ctx: StoreContext) {
    this.statusStmt = ctx.db.prepare(`SELECT status FROM operations WHERE id = ?`);
    this.insertStmt = ctx.db.prepare(
      `INSERT OR IGNORE INTO approvals (operation_id, user_id, approved_at) VALUES (?, ?, ?)`,
    );
    this.listStmt = ctx.db.prepare(
      `SELECT operation_id, user_id, approved_at FROM approvals WHERE operation_id = ? ORDER BY approved_at, rowid`,
    );
  }

  /** Records `userId`'s approval of a pending operation; checks and inserts under one write lock. */
  add(operationId: string, userId: string): VoteOutcome {
    return guarded(this.ctx.path, `recording an approval of ${operationId}`, () =>
      this.ctx.db
        .transaction((): VoteOutcome => {
          const row = this.statusStmt.get(operationId) as { status: string } | undefined;
          if (!row) return 'not_found';
          if (row.status !== 'pending') return 'not_pending';
          const info = this.insertStmt.run(operationId, userId, toSqlTime(this.ctx.clock.now()));
          return info.changes === 1 ? 'recorded' : 'duplicate';
        })
        .immediate(),
    );
  }

  /** The approvals of an operation, oldest first. */
  list(operationId: string): Approval[] {
    return guarded(this.ctx.path, `reading approvals of ${operationId}`, () => {
      const rows = this.listStmt.all(operationId) as { operation_id: string; user_id: string; approved_at: string }[];
      return rows.map((r) => ({
        operationId: r.operation_id,
        userId: r.user_id,
        at: fromSqlTime(r.approved_at, 'approved_at'),
      }));
    });
  }
}
