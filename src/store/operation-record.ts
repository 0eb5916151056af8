import { z } from 'zod';
import { OPERATION_KINDS, OPERATION_STATUSES, type OperationKind, type OperationStatus } from '../shared/lifecycle';
import { CorruptColumn, fromSqlJson, fromSqlTime } from './codec';

/**
 * The operation record as the rest of the bot sees it, and its mapping from a SQL row. Fields the
 * store does not interpret (params, plan, result) stay opaque JSON: the domain owns their schemas
 * and parses them itself; the store only guarantees they are the JSON that was written.
 */

/** One SendCommand the operation fanned out to (one per scope and region). */
export interface OperationCommand {
  scope: string;
  region: string;
  commandId: string;
}

/** Why an operation failed, in the error hierarchy's terms. */
export interface OperationError {
  code: string;
  message: string;
}

/** An operation as stored. Absent optional fields are null, never undefined. */
export interface Operation {
  id: string;
  kind: OperationKind;
  group: string;
  status: OperationStatus;
  /** Slack user id of the requester. */
  requestedBy: string;
  channel: string;
  /** The Slack message that tracks this operation, once posted. */
  messageTs: string | null;
  /** What was asked: reboot option, maxConcurrency, maxErrors, instance ids, scopes... (domain-defined). */
  params: Record<string, unknown>;
  /** What the approval card showed (domain-defined JSON), or null. */
  plan: unknown;
  commands: OperationCommand[];
  /** The outcome (domain-defined JSON), or null until known. */
  result: unknown;
  error: OperationError | null;
  createdAt: Date;
  updatedAt: Date;
  /** When a pending operation expires; null for operations created already approved. */
  expiresAt: Date | null;
  /** Set when the operation reaches a terminal status. */
  finishedAt: Date | null;
  /** Bumped on every change; lets a caller tell whether it holds the latest record. */
  version: number;
}

/** Shape check for the commands column. */
export const OperationCommandSchema = z.object({ scope: z.string(), region: z.string(), commandId: z.string() });

/** Shape check for the error column. */
export const OperationErrorSchema = z.object({ code: z.string(), message: z.string() });

const ParamsSchema = z.record(z.string(), z.unknown());
const CommandsSchema = z.array(OperationCommandSchema);
const AnyJsonSchema = z.unknown();

/** The raw row as better-sqlite3 returns it; checked before decoding so a wrong type fails loudly. */
const OperationRowSchema = z.object({
  id: z.string(),
  kind: z.enum(OPERATION_KINDS),
  group_name: z.string(),
  status: z.enum(OPERATION_STATUSES),
  requested_by: z.string(),
  channel: z.string(),
  message_ts: z.string().nullable(),
  params: z.string(),
  plan: z.string().nullable(),
  commands: z.string(),
  result: z.string().nullable(),
  error: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  expires_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  version: z.number().int(),
});

/** Decodes a row; throws CorruptColumn naming the first bad column. */
export function rowToOperation(raw: unknown): Operation {
  const parsed = OperationRowSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new CorruptColumn(String(first?.path[0] ?? 'row'), first?.message ?? 'invalid row');
  }
  const row = parsed.data;
  return {
    id: row.id,
    kind: row.kind,
    group: row.group_name,
    status: row.status,
    requestedBy: row.requested_by,
    channel: row.channel,
    messageTs: row.message_ts,
    params: fromSqlJson(row.params, ParamsSchema, 'params'),
    plan: row.plan === null ? null : fromSqlJson(row.plan, AnyJsonSchema, 'plan'),
    commands: fromSqlJson(row.commands, CommandsSchema, 'commands'),
    result: row.result === null ? null : fromSqlJson(row.result, AnyJsonSchema, 'result'),
    error: row.error === null ? null : fromSqlJson(row.error, OperationErrorSchema, 'error'),
    createdAt: fromSqlTime(row.created_at, 'created_at'),
    updatedAt: fromSqlTime(row.updated_at, 'updated_at'),
    expiresAt: row.expires_at === null ? null : fromSqlTime(row.expires_at, 'expires_at'),
    finishedAt: row.finished_at === null ? null : fromSqlTime(row.finished_at, 'finished_at'),
    version: row.version,
  };
}

/** The id of a raw row, for error messages about rows that failed to decode. */
export function rawRowId(raw: unknown): string {
  return typeof raw === 'object' && raw !== null && 'id' in raw ? String((raw as { id: unknown }).id) : '(unknown id)';
}
