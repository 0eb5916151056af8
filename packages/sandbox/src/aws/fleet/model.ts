/**
 * The simulated fleet's data. An instance's *actual* patch state (what is on the disk) is kept
 * apart from its *reported* compliance (what the last Scan or Install wrote to SSM), because on a
 * real fleet the two differ until the next operation finishes.
 */

/** SSM's OperatingSystem enum: every one has a predefined default baseline. */
export const OPERATING_SYSTEMS = [
  'WINDOWS',
  'AMAZON_LINUX',
  'AMAZON_LINUX_2',
  'AMAZON_LINUX_2022',
  'UBUNTU',
  'REDHAT_ENTERPRISE_LINUX',
  'SUSE',
  'CENTOS',
  'ORACLE_LINUX',
  'DEBIAN',
  'MACOS',
  'RASPBIAN',
  'ROCKY_LINUX',
  'ALMA_LINUX',
  'AMAZON_LINUX_2023',
] as const;
/** An SSM OperatingSystem value (baselines exist for all; seeded instances run AMAZON_LINUX_2 or WINDOWS). */
export type OperatingSystem = (typeof OPERATING_SYSTEMS)[number];
/** SSM agent connectivity. */
export type PingStatus = 'Online' | 'ConnectionLost' | 'Inactive';
/** EC2 instance states the simulator models. */
export type InstanceStateName = 'running' | 'stopped';
/** What is actually on an instance for one patch. */
export type ActualPatchState = 'INSTALLED' | 'MISSING' | 'INSTALLED_PENDING_REBOOT' | 'NOT_APPLICABLE';
/** The PatchComplianceData states SSM reports. */
export type ReportedPatchState =
  | 'INSTALLED'
  | 'INSTALLED_OTHER'
  | 'INSTALLED_PENDING_REBOOT'
  | 'INSTALLED_REJECTED'
  | 'MISSING'
  | 'NOT_APPLICABLE'
  | 'FAILED';
/** AWS-RunPatchBaseline's Operation parameter. */
export type PatchOperation = 'Scan' | 'Install';
/** AWS-RunPatchBaseline's RebootOption parameter. */
export type RebootOption = 'RebootIfNeeded' | 'NoReboot';
/** Patch baseline compliance levels. */
export type ComplianceLevel = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL' | 'UNSPECIFIED';

/** One patch a vendor released for an operating system. */
export interface CatalogPatch {
  id: string;
  os: OperatingSystem;
  title: string;
  kbId: string;
  classification: string;
  severity: string;
  releaseDate: Date;
  cveIds?: string;
  /** Instance roles (from the Name tag, e.g. `db`) the patch applies to; absent means every role. */
  roles?: string[];
}

/** One patch's actual state on one instance. */
export interface ActualPatch {
  patch: CatalogPatch;
  state: ActualPatchState;
  installedTime?: Date;
}

/** One patch as SSM last reported it for an instance. */
export interface ReportedPatch {
  patch: CatalogPatch;
  state: ReportedPatchState;
  installedTime?: Date;
  /** The baseline's compliance level for this patch, when a rule approved it. */
  complianceLevel?: ComplianceLevel;
}

/** Counts SSM reports per instance (InstancePatchState). */
export interface PatchCounts {
  installed: number;
  installedOther: number;
  installedPendingReboot: number;
  installedRejected: number;
  missing: number;
  failed: number;
  notApplicable: number;
  unreportedNotApplicable: number;
  criticalNonCompliant: number;
  securityNonCompliant: number;
  otherNonCompliant: number;
}

/** What the last patch operation on an instance reported to SSM. */
export interface ReportedState {
  patchGroup: string;
  baselineId: string;
  operation: PatchOperation;
  rebootOption?: RebootOption;
  snapshotId: string;
  operationStartTime: Date;
  operationEndTime: Date;
  lastNoRebootInstallOperationTime?: Date;
  patches: ReportedPatch[];
  counts: PatchCounts;
}

/** An EC2 instance with its SSM agent and its patches. */
export interface SimInstance {
  id: string;
  /** Launch order; gives every list a stable order. */
  seq: number;
  name: string;
  tags: Map<string, string>;
  os: OperatingSystem;
  platformType: 'Linux' | 'Windows';
  platformName: string;
  platformVersion: string;
  computerName: string;
  instanceType: string;
  imageId: string;
  availabilityZone: string;
  subnetId: string;
  vpcId: string;
  privateIp: string;
  reservationId: string;
  launchTime: Date;
  registrationDate: Date;
  agentVersion: string;
  state: InstanceStateName;
  stateChangedAt: Date;
  pingStatus: PingStatus;
  /** When the agent last pinged, frozen when it stopped pinging. */
  lastPingAt: Date;
  /** Admin knob: the next command delivered here fails. */
  failNext: boolean;
  patches: Map<string, ActualPatch>;
  reported?: ReportedState;
}

/** A PatchFilter inside an approval rule or global filter. */
export interface PatchFilter {
  key: string;
  values: string[];
}

/** One approval rule of a baseline. */
export interface ApprovalRule {
  filters: PatchFilter[];
  complianceLevel: ComplianceLevel;
  approveAfterDays?: number;
  approveUntilDate?: string;
  enableNonSecurity: boolean;
}

/** A patch baseline: AWS-owned (predefined) or the account's own. */
export interface Baseline {
  id: string;
  name: string;
  os: OperatingSystem;
  description: string;
  owner: 'AWS' | 'Self';
  globalFilters: PatchFilter[];
  approvalRules: ApprovalRule[];
  approvedPatches: string[];
  approvedPatchesComplianceLevel: ComplianceLevel;
  rejectedPatches: string[];
  rejectedPatchesAction: 'ALLOW_AS_DEPENDENCY' | 'BLOCK';
  createdDate: Date;
  modifiedDate: Date;
}

/** A target as SSM models it: `tag:<key>`, `tag-key`, `InstanceIds`, `WindowTargetIds`. */
export interface Target {
  Key: string;
  Values: string[];
}

/** A registered maintenance window target. */
export interface WindowTarget {
  id: string;
  name: string;
  description?: string;
  ownerInformation?: string;
  targets: Target[];
}

/** A registered maintenance window task (always an AWS-RunPatchBaseline RUN_COMMAND here). */
export interface WindowTask {
  id: string;
  name: string;
  description?: string;
  taskArn: string;
  priority: number;
  /** Refers to window targets: `[{ Key: 'WindowTargetIds', Values: [...] }]`. */
  targets: Target[];
  parameters: Record<string, string[]>;
  maxConcurrency: string;
  maxErrors: string;
  serviceRoleArn?: string;
  cutoffBehavior: 'CONTINUE_TASK' | 'CANCEL_TASK';
}

/** A maintenance window. */
export interface MaintenanceWindow {
  id: string;
  name: string;
  description?: string;
  schedule: string;
  scheduleTimezone?: string;
  scheduleOffset?: number;
  duration: number;
  cutoff: number;
  enabled: boolean;
  allowUnassociatedTargets: boolean;
  createdDate: Date;
  modifiedDate: Date;
  targets: WindowTarget[];
  tasks: WindowTask[];
}

/** Run Command's per-invocation status. */
export type InvocationStatus =
  | 'Pending'
  | 'InProgress'
  | 'Delayed'
  | 'Success'
  | 'Cancelled'
  | 'TimedOut'
  | 'Failed'
  | 'Cancelling';
/** Run Command's per-command status. */
export type CommandStatus = 'Pending' | 'InProgress' | 'Success' | 'Cancelled' | 'Failed' | 'TimedOut' | 'Cancelling';

/** One command on one instance. Times are epoch milliseconds; the status is computed lazily. */
export interface SimInvocation {
  instanceId: string;
  instanceName: string;
  /** When the service hands it to the agent (concurrency waves push this later). */
  sendAt: number;
  /** When the agent starts running it. */
  runAt: number;
  /** When it would finish if it runs. */
  endAt: number;
  delivered: boolean;
  willFail: boolean;
  /** Set once the invocation reached a terminal state; its effect has then been applied. */
  final?: { status: InvocationStatus; details: string; at: number; responseCode: number; output: string };
}

/** A Run Command command. */
export interface SimCommand {
  id: string;
  documentName: string;
  documentVersion: string;
  comment: string;
  parameters: Record<string, string[]>;
  instanceIds: string[];
  targets: Target[];
  requestedAt: number;
  timeoutSeconds: number;
  maxConcurrency: string;
  maxErrors: string;
  serviceRoleArn?: string;
  operation: PatchOperation;
  rebootOption: RebootOption;
  invocations: SimInvocation[];
  byInstance: Map<string, SimInvocation>;
  cancelledAt?: number;
  /** Non-terminal invocations left; 0 means the command is finished. */
  open: number;
  /** False for seeded history, whose effects are already in the initial state. */
  applyEffects: boolean;
  /** Invocations so far that count against MaxErrors (Failed, Execution Timed Out). */
  errorsAgainstMax?: number;
}

/** Maintenance window execution statuses. */
export type WindowExecutionStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'SUCCESS'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'CANCELLING'
  | 'CANCELLED'
  | 'SKIPPED_OVERLAPPING';

/** One task's run inside a window execution. */
export interface WindowTaskExecution {
  id: string;
  task: WindowTask;
  commandId?: string;
  startedAt?: number;
  /** Per-target invocation ids, keyed by instance id, with the window target it came from. */
  invocations: { id: string; instanceId: string; windowTargetId: string; ownerInformation?: string }[];
}

/** A maintenance window execution. */
export interface WindowExecution {
  id: string;
  windowId: string;
  startedAt: number;
  tasks: WindowTaskExecution[];
  /** Index of the task running now; equals tasks.length once all ran. */
  current: number;
  endedAt?: number;
  applyEffects: boolean;
}
