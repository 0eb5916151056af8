import type Database from 'better-sqlite3';
import { z } from 'zod';
import { ConflictError, NotFoundError, PatchbotError, StoreError } from '../errors';
import {
  OPERATION_KINDS,
  UNFINISHED_STATUSES,
  canTransition,
  isTerminal,
  type OperationKind,
  type OperationStatus,
} from '../shared/lifecycle';
import { CorruptColumn, toSqlJson, toSqlTime } from './codec';
import type { StoreContext } from './context';
import { guarded, storeFailure } from './failure';
import { newOperationId } from './ids';
import {
  rawRowId,
  rowToOperation,
  type Operation,
  type OperationCommand,
  type OperationError,
} from './operation-record';

export type { Operation, OperationCommand, OperationError } from './operation-record';

/** What a caller supplies to record a new operation; the store adds id, times and version. */
export interface NewOperation {
  kind: OperationKind;
  group: string;
  /** `pending` when the group's policy asks for approval; `approved` for scans and unprotected groups. */
  status: 'pending' | 'approved';
  requestedBy: string;
  channel: string;
  messageTs?: string;
  params?: Record<string, unknown>;
  plan?: unknown;
  /** Required for `pending`: an approval request that never expires would block its card forever. */
  expiresAt?: Date;
}

/** Non-status fields that may change after creation; undefined leaves a field alone, null clears it. */
export interface OperationPatch {
  messageTs?: string | null;
  commands?: OperationCommand[];
  result?: unknown;
  error?: OperationError | null;
}

/** A compare-and-set status change: applies only if the current status is one of `from`. */
export interface TransitionRequest {
  from: OperationStatus | readonly OperationStatus[];
  to: OperationStatus;
  patch?: OperationPatch;
}

/** Filters for history; newest first. */
export interface ListRecentOptions {
  group?: string;
  kind?: OperationKind;
  statuses?: readonly OperationStatus[];
  limit: number;
}

const NewOperationSchema = z.object({
  kind: z.enum(OPERATION_KINDS),
  group: z.string().min(1),
  status: z.enum(['pending', 'approved']),
  requestedBy: z.string().min(1),
  channel: z.string().min(1),
});

const MAX_ID_ATTEMPTS = 5;
const MAX_LIMIT = 1000;

/**
 * Operations in SQLite. Every status change is one conditional UPDATE (compare-and-set on the
 * status), so of two racing callers, in this process or another, exactly one gets the record back;
 * the other gets undefined and must not act. That is what makes a send happen once.
 */
export class OperationRepository {
  private readonly db: Database.Database;
  private readonly insertStmt: Database.Statement;
  private readonly getStmt: Database.Statement;
  private readonly changeStmt: Database.Statement;
  private readonly unfinishedStmt: Database.Statement;
  private readonly recentStmt: Database.Statement;
  private readonly expireStmt: Database.Statement;

  constructor(
    private readonly ctx: StoreContext,
    private readonly newId: () => string = newOperationId,
  ) {
    this.db = ctx.db;
    this.insertStmt = this.db.prepare(`
      INSERT INTO operations (id, kind, group_name, status, requested_by, channel, message_ts, params, plan,
                              commands, result, error, created_at, updated_at, expires_at, finished_at, version)
      VALUES (@id, @kind, @group, @status, @requestedBy, @channel, @messageTs, @params, @plan,
              '[]', NULL, NULL, @now, @now, @expiresAt, NULL, 1)
      RETURNING *`);
    this.getStmt = this.db.prepare(`SELECT * FROM operations WHERE id = ?`);
    // One statement serves both transition (to/from set) and update (both null). The WHERE clause
    // is the compare-and-set: SQLite evaluates it under the write lock, so it cannot interleave.
    this.changeStmt = this.db.prepare(`
      UPDATE operations SET
        status      = COALESCE(@to, status),
        message_ts  = CASE WHEN @setMessageTs THEN @messageTs ELSE message_ts END,
        commands    = CASE WHEN @setCommands THEN @commands ELSE commands END,
        result      = CASE WHEN @setResult THEN @result ELSE result END,
        error       = CASE WHEN @setError THEN @error ELSE error END,
        updated_at  = @now,
        finished_at = CASE WHEN @terminal THEN @now ELSE finished_at END,
        version     = version + 1
      WHERE id = @id AND (@from IS NULL OR status IN (SELECT value FROM json_each(@from)))
      RETURNING *`);
    this.unfinishedStmt = this.db.prepare(`
      SELECT * FROM operations WHERE status IN (SELECT value FROM json_each(?))
      ORDER BY created_at, rowid`);
    this.recentStmt = this.db.prepare(`
      SELECT * FROM operations
      WHERE (@group IS NULL OR group_name = @group)
        AND (@kind IS NULL OR kind = @kind)
        AND (@statuses IS NULL OR status IN (SELECT value FROM json_each(@statuses)))
      ORDER BY created_at DESC, rowid DESC
      LIMIT @limit`);
    this.expireStmt = this.db.prepare(`
      UPDATE operations SET status = 'expired', updated_at = @now, finished_at = @now, version = version + 1
      WHERE status = 'pending' AND expires_at IS NOT NULL AND expires_at <= @now
      RETURNING *`);
  }

  /** Records a new operation with a fresh id and returns it. */
  create(input: NewOperation): Operation {
    const checked = NewOperationSchema.safeParse(input);
    if (!checked.success) {
      throw new PatchbotError(
        'INTERNAL',
        `store: invalid new operation: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    if (input.status === 'pending' && !input.expiresAt) {
      throw new PatchbotError('INTERNAL', 'store: a pending operation needs expiresAt');
    }
    const now = toSqlTime(this.ctx.clock.now());
    const values = {
      kind: input.kind,
      group: input.group,
      status: input.status,
      requestedBy: input.requestedBy,
      channel: input.channel,
      messageTs: input.messageTs ?? null,
      params: toSqlJson(input.params ?? {}, 'params'),
      plan: input.plan === undefined ? null : toSqlJson(input.plan, 'plan'),
      now,
      expiresAt: input.expiresAt ? toSqlTime(input.expiresAt) : null,
    };
    for (let attempt = 1; ; attempt++) {
      const id = this.newId();
      try {
        return this.decode(this.insertStmt.get({ ...values, id }));
      } catch (err) {
        // An id collision is the only expected failure: draw again a few times, then give up loudly.
        if (isPrimaryKeyClash(err) && attempt < MAX_ID_ATTEMPTS) continue;
        throw storeFailure(this.ctx.path, 'recording a new operation', err);
      }
    }
  }

  /** The operation with this id, or undefined. */
  get(id: string): Operation | undefined {
    const raw = guarded(this.ctx.path, `reading operation ${id}`, () => this.getStmt.get(id));
    return raw === undefined ? undefined : this.decode(raw);
  }

  /**
   * Moves an operation from one of `from` to `to` atomically, applying `patch` in the same write.
   * Returns the updated record, or undefined if the status was no longer in `from` (someone else
   * won). Throws ConflictError if the lifecycle forbids the move, NotFoundError for an unknown id.
   * Reaching a terminal status sets finishedAt.
   */
  transition(id: string, request: TransitionRequest): Operation | undefined {
    const from: readonly OperationStatus[] = typeof request.from === 'string' ? [request.from] : request.from;
    if (from.length === 0) throw new PatchbotError('INTERNAL', 'store: transition needs at least one from-status');
    const forbidden = from.filter((f) => !canTransition(f, request.to));
    if (forbidden.length > 0) {
      throw new ConflictError(`operation ${id}: the lifecycle forbids ${forbidden.join('|')} -> ${request.to}`, {
        userMessage: `Operation ${id} cannot become ${request.to} from where it is.`,
      });
    }
    const raw = guarded(this.ctx.path, `moving operation ${id} to ${request.to}`, () =>
      this.changeStmt.get({
        ...this.patchParams(id, request.patch ?? {}),
        to: request.to,
        from: JSON.stringify(from),
        terminal: isTerminal(request.to) ? 1 : 0,
      }),
    );
    if (raw === undefined) {
      this.mustExist(id);
      return undefined;
    }
    return this.decode(raw);
  }

  /** Changes non-status fields (message, commands, result, error), bumping version. */
  update(id: string, patch: OperationPatch): Operation {
    const raw = guarded(this.ctx.path, `updating operation ${id}`, () =>
      this.changeStmt.get({ ...this.patchParams(id, patch), to: null, from: null, terminal: 0 }),
    );
    if (raw === undefined) throw this.notFound(id);
    return this.decode(raw);
  }

  /** Operations a restarted bot must resume (approved, sending, running), oldest first. */
  listUnfinished(): Operation[] {
    const rows = guarded(this.ctx.path, 'listing unfinished operations', () =>
      this.unfinishedStmt.all(JSON.stringify(UNFINISHED_STATUSES)),
    );
    return rows.map((r) => this.decode(r));
  }

  /** The latest operations, newest first, optionally for one group, kind or set of statuses. */
  listRecent(options: ListRecentOptions): Operation[] {
    if (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > MAX_LIMIT) {
      throw new PatchbotError(
        'INTERNAL',
        `store: listRecent limit must be an integer in 1..${MAX_LIMIT}, got ${options.limit}`,
      );
    }
    const rows = guarded(this.ctx.path, 'listing recent operations', () =>
      this.recentStmt.all({
        group: options.group ?? null,
        kind: options.kind ?? null,
        statuses: options.statuses ? JSON.stringify(options.statuses) : null,
        limit: options.limit,
      }),
    );
    return rows.map((r) => this.decode(r));
  }

  /** Moves every pending operation whose expiresAt is at or before `now` to expired, in one write; returns them. */
  expireDue(now: Date = this.ctx.clock.now()): Operation[] {
    const rows = guarded(this.ctx.path, 'expiring pending operations', () =>
      this.expireStmt.all({ now: toSqlTime(now) }),
    );
    return rows.map((r) => this.decode(r));
  }

  private patchParams(id: string, patch: OperationPatch): Record<string, unknown> {
    return {
      id,
      now: toSqlTime(this.ctx.clock.now()),
      setMessageTs: patch.messageTs !== undefined ? 1 : 0,
      messageTs: patch.messageTs ?? null,
      setCommands: patch.commands !== undefined ? 1 : 0,
      commands: patch.commands !== undefined ? toSqlJson(patch.commands, 'commands') : null,
      setResult: patch.result !== undefined ? 1 : 0,
      result: patch.result === undefined || patch.result === null ? null : toSqlJson(patch.result, 'result'),
      setError: patch.error !== undefined ? 1 : 0,
      error: patch.error ? toSqlJson({ code: patch.error.code, message: patch.error.message }, 'error') : null,
    };
  }

  private mustExist(id: string): void {
    const exists = guarded(this.ctx.path, `reading operation ${id}`, () => this.getStmt.get(id));
    if (exists === undefined) throw this.notFound(id);
  }

  private notFound(id: string): NotFoundError {
    return new NotFoundError(`operation ${id} does not exist`, { userMessage: `There is no operation ${id}.` });
  }

  private decode(raw: unknown): Operation {
    try {
      return rowToOperation(raw);
    } catch (err) {
      if (!(err instanceof CorruptColumn)) throw err;
      throw new StoreError(
        `state database ${this.ctx.path}: operation ${rawRowId(raw)} is corrupt (${err.message}). ` +
          'Something other than patchbot wrote this row: fix or delete it with the sqlite3 shell, or restore a backup.',
        { cause: err },
      );
    }
  }
}

function isPrimaryKeyClash(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
