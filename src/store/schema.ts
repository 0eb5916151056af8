import type { Generated } from 'kysely';

/**
 * The tables as the query layer sees them, typed once for every backend. Column types are what the
 * driver hands back: times are ISO-8601 UTC text and JSON columns are text (codec.ts), so SQLite and
 * PostgreSQL rows decode through the same code. `rowid` is SQLite's implicit insertion order; the
 * PostgreSQL migrations declare an identity column of that name so ordering by it means the same.
 */
export interface PatchbotDatabase {
  operations: OperationsTable;
  approvals: ApprovalsTable;
  audit_log: AuditLogTable;
  compliance_snapshots: ComplianceSnapshotsTable;
  compliance_polls: CompliancePollsTable;
  compliance_snapshot_reads: ComplianceSnapshotReadsTable;
  window_polls: WindowPollsTable;
  window_executions_seen: WindowExecutionsSeenTable;
  digests: DigestsTable;
  leases: LeasesTable;
  seen_requests: SeenRequestsTable;
  operation_posts: OperationPostsTable;
  history_group_days: HistoryGroupDaysTable;
  history_instances: HistoryInstancesTable;
  history_day_instances: HistoryDayInstancesTable;
}

/** Operations (migration v1). */
export interface OperationsTable {
  rowid: Generated<number>;
  id: string;
  kind: string;
  group_name: string;
  status: string;
  requested_by: string;
  channel: string;
  message_ts: string | null;
  params: string;
  plan: string | null;
  commands: string;
  result: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
  expires_at: string | null;
  finished_at: string | null;
  version: Generated<number>;
}

/** One approval per person per operation (migration v1). */
export interface ApprovalsTable {
  rowid: Generated<number>;
  operation_id: string;
  user_id: string;
  approved_at: string;
}

/** The append-only audit log (migration v1), hash-chained since v8 (audit-chain.ts; NULL only in rows never chained). */
export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor: string;
  action: string;
  operation_id: string | null;
  group_name: string | null;
  detail: string | null;
  prev_hash: string | null;
  hash: string | null;
}

/** Last known compliance per instance (migration v2). */
export interface ComplianceSnapshotsTable {
  group_name: string;
  scope: string;
  region: string;
  instance_id: string;
  name: string | null;
  ping_status: string | null;
  operation: string | null;
  operation_end_time: string | null;
  missing_count: number;
  failed_count: number;
  pending_reboot_count: number;
  critical_count: number;
  security_count: number;
  other_count: number;
  missing_patches: string;
  updated_at: string;
}

/** Where the compliance poller took its first snapshot (migration v3). */
export interface CompliancePollsTable {
  group_name: string;
  scope: string;
  region: string;
  first_polled_at: string;
  last_polled_at: string;
}

/** The fresh read a scope's snapshot rows were last made to match, as a hash (migration v10). */
export interface ComplianceSnapshotReadsTable {
  group_name: string;
  scope: string;
  region: string;
  read_hash: string;
}

/** Windows the window poller has seen once (migration v3). */
export interface WindowPollsTable {
  scope: string;
  region: string;
  window_id: string;
  first_polled_at: string;
}

/** Window executions posted or marked seen (migration v3); `baseline` is 0 or 1. */
export interface WindowExecutionsSeenTable {
  scope: string;
  region: string;
  window_id: string;
  execution_id: string;
  seen_at: string;
  window_name: string | null;
  status: string | null;
  start_time: string | null;
  end_time: string | null;
  groups: string;
  baseline: number;
}

/** Digests sent per channel (migration v3). */
export interface DigestsTable {
  id: Generated<number>;
  channel: string;
  sent_at: string;
  data: string;
}

/** Leases: one process does the work (migration v4). */
export interface LeasesTable {
  name: string;
  holder: string;
  acquired_at: string;
  renewed_at: string;
  expires_at: string;
  epoch: number;
}

/** Signed Slack requests already acted on (migration v5); `until_ms` is epoch milliseconds. */
export interface SeenRequestsTable {
  key: string;
  until_ms: number;
}

/** An operation's journalled Slack posts (migration v9): `posting` until `settle_at`, or `posted` at `ts`; times ISO text. */
export interface OperationPostsTable {
  operation_id: string;
  post_key: string;
  state: 'posting' | 'posted';
  at: string;
  settle_at: string | null;
  ts: string | null;
}

/** One group's compliance on one day (migration v7); `day` counts days since 1970-01-01 UTC. */
export interface HistoryGroupDaysTable {
  group_name: string;
  day: number;
  instances: number;
  compliant: number;
  critical: number;
  important: number;
  pending_reboot: number;
  unreachable: number;
  oldest_scan_at: string | null;
  recorded_at: string;
}

/** The history's dictionary of instances, numbered (migration v7); `last_day` is the newest day with a row. */
export interface HistoryInstancesTable {
  id: Generated<number>;
  group_name: string;
  scope: string;
  region: string;
  instance_id: string;
  name: string | null;
  last_day: number;
}

/** Every instance of one group on one day (migration v7), packed by history-pack.ts: BLOB on SQLite, BYTEA on PostgreSQL. */
export interface HistoryDayInstancesTable {
  group_name: string;
  day: number;
  packed: Uint8Array;
}
