/**
 * The simulated fleet's data, gathered here from the files that hold it. An instance's *actual*
 * patch state (what is on the disk) is kept apart from its *reported* compliance (what the last
 * Scan or Install wrote to SSM), because on a real fleet the two differ until the next operation
 * finishes.
 */

export type { ApprovalRule, Baseline, PatchFilter } from './baseline-model';
export type {
  CommandStatus,
  InvocationStatus,
  OutputS3,
  SimCommand,
  SimInvocation,
} from './command-model';
export { OPERATING_SYSTEMS } from './instance-model';
export type {
  ActualPatch,
  ActualPatchState,
  CatalogPatch,
  ComplianceLevel,
  InstanceStateName,
  OperatingSystem,
  PatchCounts,
  PatchOperation,
  PingStatus,
  RebootOption,
  ReportedPatch,
  ReportedPatchState,
  ReportedState,
  SimInstance,
} from './instance-model';
export type {
  MaintenanceWindow,
  Target,
  WindowExecution,
  WindowExecutionStatus,
  WindowTarget,
  WindowTask,
  WindowTaskExecution,
} from './window-model';
