/** The patching domain's public surface: services, the runner and tracker, and the pure helpers views and jobs reuse. */
export type * from './group-reports';
export type { ApprovalState, Decision } from './approval-types';
export type { OtherSpellingInstances, PlanBaseline, PlannedPatch, PromotionEvidence } from './plan-parts';
export type { ChangePlan } from './plan-record';
export type { DriftItem, DriftReport, InstanceLine, ScopeFailure, SeverityCounts } from './record-schemas';
export type { InstanceOutcome, MissingPatchSummary, OperationReport } from './report-record';
export type { HistoryEntry } from './history';
export type { Verdict } from './verdict';
export * from './lifecycle';
export {
  PatchService,
  toHistoryEntry,
  type StartScanInput,
  type RequestInstallInput,
  type RequestRebootInput,
} from './service';
export {
  ApprovalService,
  approvalState,
  describeState,
  withChangeContext,
  type ApprovalAuthorizer,
  type CancelInput,
  type DecideInput,
  type DecideResult,
} from './approval';
export { buildInstallPlan, buildRebootPlan, plannedPatches, promotionEvidence, type RebootOption } from './plan';
export { dispatchReboot, failInterruptedReboot } from './reboot';
export { complianceCounts } from './finalize';
export { OperationRunner, FIND_LOOKBACK_MS, RESUME_CHECK_ATTEMPTS, type PatchingDeps } from './runner';
export {
  OperationTracker,
  type OperationPublisher,
  type PublishPhase,
  type PublishedMessage,
  type TrackerDeps,
  type TrackerOptions,
} from './tracker';
export {
  SCOPE_CONCURRENCY,
  fanOut,
  gatewayFor,
  gatewaysForGroup,
  groupTarget,
  scopeFailure,
  type FanOut,
  type PatchGateway,
  type ScopeRef,
  type ScopeResult,
} from './group-fleet';
export {
  computeGroupStatus,
  computeGroupStatusInTurns,
  fetchGroupCompliance,
  groupStatus,
  isCompliant,
  withOtherSpelling,
  type GroupStatusInput,
  type ScopeCompliance,
} from './status';
export {
  findOtherSpelling,
  otherSpellingFix,
  otherSpellingSummary,
  otherTagKey,
  type OtherSpelling,
} from './tag-spelling';
export {
  SNAPSHOT_PATCH_STATES,
  patchKey,
  refreshMissing,
  snapshotEntry,
  summarizeNewlyMissing,
  type InstanceChange,
  type MissingRefresh,
  type ScopePatchStates,
} from './missing';
export { ensureSnapshot } from './snapshot';
export {
  buildReport,
  finalStatus,
  isFinal,
  isUnreachableDetail,
  summaryLine,
  withCompliance,
  type CommandInvocations,
} from './report';
export {
  PatchParamsSchema,
  RebootParamsSchema,
  planJson,
  readPlan,
  readResult,
  scanParams,
  type OperationResult,
  type PatchParams,
  type RebootParams,
  type ResultCounts,
} from './records';
export { describeTargets, listWindows, windowGroups } from './windows';
