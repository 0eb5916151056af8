import { createHash } from 'node:crypto';

/*
 * The audit log's hash chain (migration v8). Each entry carries `prev_hash` (the `hash` of the entry
 * before it in id order, or AUDIT_GENESIS for the first) and `hash`, the lowercase hex SHA-256 of the
 * UTF-8 bytes of this canonical serialization:
 *
 *   JSON.stringify([prev_hash, at, actor, action, operation_id, group_name, detail])
 *
 * every value exactly the column's text as stored (`at` ISO-8601 UTC with milliseconds, `detail` the
 * JSON text as written), a NULL column as JSON null. The id is not hashed: an entry's place is its
 * link. So an edited column breaks the entry's own hash, and a deleted or reordered entry breaks the
 * next entry's link. The newest entries removed together leave a shorter chain that still fits:
 * compare the head hash the verifier prints with one recorded elsewhere to catch that.
 */

/** The prev_hash of the first entry. */
export const AUDIT_GENESIS = '0'.repeat(64);

/** The columns an entry's hash covers, as stored. */
export interface ChainedColumns {
  prev_hash: string;
  at: string;
  actor: string;
  action: string;
  operation_id: string | null;
  group_name: string | null;
  detail: string | null;
}

/** The canonical serialization above (exported for the docs' example and the tests). */
export function auditSerialization(c: ChainedColumns): string {
  return JSON.stringify([c.prev_hash, c.at, c.actor, c.action, c.operation_id, c.group_name, c.detail]);
}

/** SHA-256 (lowercase hex) of the entry's canonical serialization. */
export function auditHash(c: ChainedColumns): string {
  return createHash('sha256').update(auditSerialization(c), 'utf8').digest('hex');
}

/**
 * PostgreSQL's transaction-level advisory lock key every append takes ("patchaud"), so appends from
 * any number of processes are one after another and never fork the chain. SQLite's BEGIN IMMEDIATE
 * does the same there.
 */
export const AUDIT_CHAIN_LOCK_KEY = 0x7061746368617564n;
