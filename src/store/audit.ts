import { sql } from 'kysely';
import { z } from 'zod';
import { PatchbotError, StoreError } from '../errors';
import { AUDIT_CHAIN_LOCK_KEY, AUDIT_GENESIS, auditHash } from './audit-chain';
import { CorruptColumn, fromSqlJson, fromSqlTime, toSqlJson, toSqlTime } from './codec';
import type { StoreContext } from './context';
import { guarded } from './failure';
import { repairTool } from './repair-tool';

/** The actor recorded for what the bot does by itself (expiry, restart resume). */
export const SYSTEM_ACTOR = 'patchbot';

/**
 * The actions the bot records. Writes are limited to this list so a typo cannot split a query;
 * reads return plain strings, since rows written by other versions may carry others.
 */
export const AUDIT_ACTIONS = [
  'operation.requested',
  'operation.approval_recorded',
  'operation.approved',
  'operation.rejected',
  'operation.expired',
  'operation.cancelled',
  'operation.refused',
  'operation.checked',
  'operation.sent',
  'operation.resumed',
  'operation.finished',
  'operation.freeze_override_recorded',
  'operation.freeze_overridden',
] as const;

/** One of AUDIT_ACTIONS. */
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What a caller records; the time comes from the store's clock. */
export interface AuditInput {
  /** Slack user id, or SYSTEM_ACTOR. */
  actor: string;
  action: AuditAction;
  operationId?: string;
  group?: string;
  detail?: Record<string, unknown>;
}

/** A recorded audit entry. */
export interface AuditEntry {
  id: number;
  at: Date;
  actor: string;
  action: string;
  operationId: string | null;
  group: string | null;
  detail: Record<string, unknown> | null;
}

/** One page of the log oldest first, from a time on, for some groups: what an export reads. */
export interface AuditPageOptions {
  since: Date;
  /** Only entries of these groups (entries naming no group are left out). */
  groups: readonly string[];
  /** Entries with a larger id than this (0 for the first page). */
  afterId: number;
  limit: number;
}

/** Filters for reading the log; newest first. */
export interface AuditListOptions {
  operationId?: string;
  group?: string;
  limit: number;
}

const RowSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  operation_id: z.string().nullable(),
  group_name: z.string().nullable(),
  detail: z.string().nullable(),
});
const DetailSchema = z.record(z.string(), z.unknown());
const MAX_LIMIT = 1000;

/**
 * The append-only audit log: who decided what, when. The database itself refuses UPDATE and DELETE
 * (triggers of migration v1: on SQLite, and on PostgreSQL also TRUNCATE), so the rule holds for
 * anything that writes to the database. Since migration v8 every entry is hash-chained to the one
 * before it (audit-chain.ts), so an edit made behind the triggers' back shows (npm run audit:verify).
 */
export class AuditRepository {
  constructor(private readonly ctx: StoreContext) {}

  /** Appends one entry stamped with the clock's time and returns it. */
  async append(input: AuditInput): Promise<AuditEntry> {
    if (!input.actor) throw new PatchbotError('INTERNAL', 'store: an audit entry needs an actor');
    if (!(AUDIT_ACTIONS as readonly string[]).includes(input.action)) {
      throw new PatchbotError('INTERNAL', `store: unknown audit action ${JSON.stringify(input.action)}`);
    }
    const values = {
      at: toSqlTime(this.ctx.clock.now()),
      actor: input.actor,
      action: input.action,
      operation_id: input.operationId ?? null,
      group_name: input.group ?? null,
      detail: input.detail === undefined ? null : toSqlJson(input.detail, 'audit detail'),
    };
    // Reading the last hash and inserting after it happen under one lock held to the end of the
    // transaction (PostgreSQL's advisory lock; SQLite's BEGIN IMMEDIATE write lock), so two appends,
    // from two transactions or two processes, can never both follow the same entry.
    const raw = await guarded(this.ctx.path, `appending audit entry ${input.action}`, () =>
      this.ctx.atomic(async (ctx) => {
        if (ctx.backend === 'postgres')
          await sql`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY.toString()})`.execute(ctx.db);
        const last = await ctx.db
          .selectFrom('audit_log')
          .select('hash')
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst();
        const prev_hash = last?.hash ?? AUDIT_GENESIS;
        const chained = { ...values, prev_hash, hash: auditHash({ ...values, prev_hash }) };
        return ctx.db.insertInto('audit_log').values(chained).returningAll().executeTakeFirstOrThrow();
      }),
    );
    return this.decode(raw);
  }

  /** Entries oldest first from `since` for `groups`, a page at a time (keyset on id), for exports. */
  async page(options: AuditPageOptions): Promise<AuditEntry[]> {
    checkLimit(options.limit);
    if (options.groups.length === 0) return [];
    const rows = await guarded(this.ctx.path, 'reading the audit log', () =>
      this.ctx.db
        .selectFrom('audit_log')
        .selectAll()
        .where('id', '>', options.afterId)
        .where('at', '>=', toSqlTime(options.since))
        .where('group_name', 'in', [...options.groups])
        .orderBy('id', 'asc')
        .limit(options.limit)
        .execute(),
    );
    return rows.map((r) => this.decode(r));
  }

  /** Entries newest first, optionally for one operation or group. */
  async list(options: AuditListOptions): Promise<AuditEntry[]> {
    checkLimit(options.limit);
    let query = this.ctx.db.selectFrom('audit_log').selectAll();
    if (options.operationId !== undefined) query = query.where('operation_id', '=', options.operationId);
    if (options.group !== undefined) query = query.where('group_name', '=', options.group);
    const rows = await guarded(this.ctx.path, 'reading the audit log', () =>
      query.orderBy('id', 'desc').limit(options.limit).execute(),
    );
    return rows.map((r) => this.decode(r));
  }

  private decode(raw: unknown): AuditEntry {
    try {
      const parsed = RowSchema.safeParse(raw);
      if (!parsed.success) throw new CorruptColumn(String(parsed.error.issues[0]?.path[0] ?? 'row'), 'unexpected type');
      const row = parsed.data;
      return {
        id: row.id,
        at: fromSqlTime(row.at, 'at'),
        actor: row.actor,
        action: row.action,
        operationId: row.operation_id,
        group: row.group_name,
        detail: row.detail === null ? null : fromSqlJson(row.detail, DetailSchema, 'detail'),
      };
    } catch (err) {
      if (!(err instanceof CorruptColumn)) throw err;
      throw new StoreError(
        `state database ${this.ctx.path}: an audit entry is corrupt (${err.message}). Restore a backup or fix the row with ${repairTool(this.ctx.backend)}.`,
        {
          cause: err,
        },
      );
    }
  }
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new PatchbotError('INTERNAL', `store: audit list limit must be an integer in 1..${MAX_LIMIT}, got ${limit}`);
  }
}
