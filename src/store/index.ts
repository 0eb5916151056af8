/** The state store's public surface: open it with openStore and use the repositories on the Store. */
export {
  openStore,
  type OpenStoreOptions,
  type PostgresStoreOptions,
  type SqliteStoreOptions,
  type Store,
  type StoreTx,
} from './db';
export {
  OperationRepository,
  type NewOperation,
  type OperationPatch,
  type TransitionRequest,
  type ListRecentOptions,
} from './operations';
export type { Operation, OperationCommand, OperationError } from './operation-record';
export { OperationPostRepository, OperationPostSchema, type OperationPost } from './operation-posts';
export {
  AuditRepository,
  AUDIT_ACTIONS,
  SYSTEM_ACTOR,
  type AuditAction,
  type AuditEntry,
  type AuditInput,
  type AuditListOptions,
  type AuditPageOptions,
} from './audit';
export { AUDIT_GENESIS, auditHash, auditSerialization, type ChainedColumns } from './audit-chain';
export { formatChainReport, verifyAuditChain, type ChainBreak, type ChainReport } from './audit-verify';
export { ApprovalRepository, type Approval, type VoteOutcome } from './approvals';
export {
  ComplianceSnapshotRepository,
  SnapshotPatchSchema,
  type NewSnapshotEntry,
  type SnapshotEntry,
  type SnapshotScope,
  type ScopeSummary,
  type SnapshotSummary,
  type SnapshotPatch,
} from './snapshots';
export { ComplianceHistoryRepository } from './history';
export type {
  ComplianceHistoryReader,
  GroupDay,
  HistoryPruned,
  InstanceDay,
  InstanceHistoryReader,
  NewHistoryDay,
  NewInstanceDay,
} from './compliance-history';
export { PollStateRepository, type DigestRecord, type NewSeenExecution, type SeenExecution } from './poll-state';
export { MIGRATIONS, migrate, schemaVersion, type Migration, type MigrationOutcome } from './migrations';
export { probeDatabase, type DatabaseTarget } from './probe';
export { OPERATIONS_CHANNEL, PG_MIGRATIONS, type PgMigration } from './pg-migrations';
export { isOperationId, newOperationId, normalizeOperationId } from './ids';
export { SqliteLease } from './lease';
export type { PatchbotDatabase } from './schema';
