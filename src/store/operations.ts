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
import type { Updateable } from 'kysely';
import { CorruptColumn, fromSqlTime, toSqlJson, toSqlTime } from './codec';
import type { StoreContext } from './context';
import type { OperationsTable } from './schema';
import { guarded } from './failure';
import { newOperationId } from './ids';
import {
  rawRowId,
  rowToOperation,
  type Operation,
  type OperationCommand,
  type OperationError,
} from './operation-record';
import { repairTool } from './repair-tool';

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
 * Operations. Every status change is one conditional UPDATE ... RETURNING (compare-and-set on the
 * status), so of two racing callers, in this process or another, exactly one gets the record back;
 * the other gets undefined and must not act. That is what makes a send happen once.
 */
export class OperationRepository {
  constructor(
    private readonly ctx: StoreContext,
    private readonly newId: () => string = newOperationId,
  ) {}

  /** Records a new operation with a fresh id and returns it. */
  async create(input: NewOperation): Promise<Operation> {
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
      group_name: input.group,
      status: input.status,
      requested_by: input.requestedBy,
      channel: input.channel,
      message_ts: input.messageTs ?? null,
      params: toSqlJson(input.params ?? {}, 'params'),
      plan: input.plan === undefined ? null : toSqlJson(input.plan, 'plan'),
      commands: '[]',
      result: null,
      error: null,
      created_at: now,
      updated_at: now,
      expires_at: input.expiresAt ? toSqlTime(input.expiresAt) : null,
      finished_at: null,
      version: 1,
    };
    for (let attempt = 1; attempt <= MAX_ID_ATTEMPTS; attempt++) {
      const id = this.newId();
      // An id collision is the only expected clash: the row is not written and a new id is drawn.
      // DO NOTHING rather than a caught error, since on PostgreSQL an error would end the transaction.
      const raw = await guarded(this.ctx.path, 'recording a new operation', () =>
        this.ctx.db
          .insertInto('operations')
          .values({ ...values, id })
          .onConflict((oc) => oc.column('id').doNothing())
          .returningAll()
          .executeTakeFirst(),
      );
      if (raw !== undefined) return this.decode(raw);
    }
    throw new StoreError(
      `state database ${this.ctx.path}: recording a new operation failed: ${MAX_ID_ATTEMPTS} fresh ids in a row were taken already`,
      { file: this.ctx.path },
    );
  }

  /** The operation with this id, or undefined. */
  async get(id: string): Promise<Operation | undefined> {
    const raw = await this.read(id);
    return raw === undefined ? undefined : this.decode(raw);
  }

  /** The operation's message and when it last changed, without its JSON columns; undefined for an unknown id. */
  async messageOf(id: string): Promise<{ messageTs: string | null; updatedAt: Date } | undefined> {
    const row = await guarded(this.ctx.path, `reading operation ${id}`, () =>
      this.ctx.db.selectFrom('operations').select(['message_ts', 'updated_at']).where('id', '=', id).executeTakeFirst(),
    );
    if (!row) return undefined;
    try {
      return { messageTs: row.message_ts, updatedAt: fromSqlTime(row.updated_at, 'updated_at') };
    } catch (err) {
      throw this.corrupt(id, err);
    }
  }

  /**
   * Moves an operation from one of `from` to `to` atomically, applying `patch` in the same write.
   * Returns the updated record, or undefined if the status was no longer in `from` (someone else
   * won). Throws ConflictError if the lifecycle forbids the move, NotFoundError for an unknown id.
   * Reaching a terminal status sets finishedAt.
   */
  async transition(id: string, request: TransitionRequest): Promise<Operation | undefined> {
    const from: readonly OperationStatus[] = typeof request.from === 'string' ? [request.from] : request.from;
    if (from.length === 0) throw new PatchbotError('INTERNAL', 'store: transition needs at least one from-status');
    const forbidden = from.filter((f) => !canTransition(f, request.to));
    if (forbidden.length > 0) {
      throw new ConflictError(`operation ${id}: the lifecycle forbids ${forbidden.join('|')} -> ${request.to}`, {
        userMessage: `Operation ${id} cannot become ${request.to} from where it is.`,
      });
    }
    const now = toSqlTime(this.ctx.clock.now());
    const set = { ...this.patchColumns(request.patch ?? {}), status: request.to };
    // The WHERE clause is the compare-and-set: the database evaluates it under the row's write lock.
    const raw = await guarded(this.ctx.path, `moving operation ${id} to ${request.to}`, () =>
      this.ctx.db
        .updateTable('operations')
        .set((eb) => ({
          ...set,
          updated_at: now,
          ...(isTerminal(request.to) ? { finished_at: now } : {}),
          version: eb('version', '+', 1),
        }))
        .where('id', '=', id)
        .where('status', 'in', from)
        .returningAll()
        .executeTakeFirst(),
    );
    if (raw === undefined) {
      if ((await this.read(id)) === undefined) throw this.notFound(id);
      return undefined;
    }
    return this.decode(raw);
  }

  /**
   * Changes non-status fields (message, commands, result, error), bumping version. Nothing is read
   * back: a finished change's result is megabytes, and SQLite buffers what RETURNING gives in native
   * memory besides the decoding. `get` reads the record when a caller needs it.
   */
  async update(id: string, patch: OperationPatch): Promise<void> {
    const now = toSqlTime(this.ctx.clock.now());
    const set = this.patchColumns(patch);
    const row = await guarded(this.ctx.path, `updating operation ${id}`, () =>
      this.ctx.db
        .updateTable('operations')
        .set((eb) => ({ ...set, updated_at: now, version: eb('version', '+', 1) }))
        .where('id', '=', id)
        .returning('id')
        .executeTakeFirst(),
    );
    if (row === undefined) throw this.notFound(id);
  }

  /** Operations a restarted bot must resume (approved, sending, running), oldest first. */
  async listUnfinished(): Promise<Operation[]> {
    const rows = await guarded(this.ctx.path, 'listing unfinished operations', () =>
      this.ctx.db
        .selectFrom('operations')
        .selectAll()
        .where('status', 'in', UNFINISHED_STATUSES)
        .orderBy('created_at')
        .orderBy('rowid')
        .execute(),
    );
    return rows.map((r) => this.decode(r));
  }

  /** The latest operations, newest first, optionally for one group, kind or set of statuses. */
  async listRecent(options: ListRecentOptions): Promise<Operation[]> {
    if (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > MAX_LIMIT) {
      throw new PatchbotError(
        'INTERNAL',
        `store: listRecent limit must be an integer in 1..${MAX_LIMIT}, got ${options.limit}`,
      );
    }
    if (options.statuses?.length === 0) return [];
    let query = this.ctx.db.selectFrom('operations').selectAll();
    if (options.group !== undefined) query = query.where('group_name', '=', options.group);
    if (options.kind !== undefined) query = query.where('kind', '=', options.kind);
    if (options.statuses !== undefined) query = query.where('status', 'in', options.statuses);
    const rows = await guarded(this.ctx.path, 'listing recent operations', () =>
      query.orderBy('created_at', 'desc').orderBy('rowid', 'desc').limit(options.limit).execute(),
    );
    return rows.map((r) => this.decode(r));
  }

  /** Moves every pending operation whose expiresAt is at or before `now` to expired, in one write; returns them. */
  async expireDue(now: Date = this.ctx.clock.now()): Promise<Operation[]> {
    const at = toSqlTime(now);
    const rows = await guarded(this.ctx.path, 'expiring pending operations', () =>
      this.ctx.db
        .updateTable('operations')
        .set((eb) => ({ status: 'expired', updated_at: at, finished_at: at, version: eb('version', '+', 1) }))
        .where('status', '=', 'pending')
        .where('expires_at', 'is not', null)
        .where('expires_at', '<=', at)
        .returningAll()
        .execute(),
    );
    return rows.map((r) => this.decode(r));
  }

  /** The columns a patch changes; a field left undefined is not written. */
  private patchColumns(patch: OperationPatch): Updateable<OperationsTable> {
    const set: Updateable<OperationsTable> = {};
    if (patch.messageTs !== undefined) set.message_ts = patch.messageTs;
    if (patch.commands !== undefined) set.commands = toSqlJson(patch.commands, 'commands');
    if (patch.result !== undefined) set.result = patch.result === null ? null : toSqlJson(patch.result, 'result');
    if (patch.error !== undefined)
      set.error = patch.error ? toSqlJson({ code: patch.error.code, message: patch.error.message }, 'error') : null;
    return set;
  }

  private read(id: string): Promise<unknown> {
    return guarded(this.ctx.path, `reading operation ${id}`, () =>
      this.ctx.db.selectFrom('operations').selectAll().where('id', '=', id).executeTakeFirst(),
    );
  }

  private notFound(id: string): NotFoundError {
    return new NotFoundError(`operation ${id} does not exist`, { userMessage: `There is no operation ${id}.` });
  }

  private decode(raw: unknown): Operation {
    try {
      return rowToOperation(raw);
    } catch (err) {
      throw this.corrupt(rawRowId(raw), err);
    }
  }

  /** A row that failed to decode, as the StoreError that names it and the fix (anything else is rethrown as is). */
  private corrupt(id: string, err: unknown): unknown {
    if (!(err instanceof CorruptColumn)) return err;
    return new StoreError(
      `state database ${this.ctx.path}: operation ${id} is corrupt (${err.message}). ` +
        `Something other than patchbot wrote this row: fix or delete it with ${repairTool(this.ctx.backend)}, or restore a backup.`,
      { cause: err },
    );
  }
}
