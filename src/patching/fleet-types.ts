/**
 * The fleet port's vocabulary (the domain owns it; src/aws maps the SDK onto it): plain data. Nothing here names an SDK
 * type, so commands, jobs and views never depend on @aws-sdk/*.
 */

/** An AWS scope from the configuration: one account (default chain or an assumed role) and its regions. */
export interface AwsScope {
  name: string;
  accountId?: string | undefined;
  roleArn?: string | undefined;
  externalId?: string | undefined;
  regions: string[];
  /** Requests per second and burst allowed to this scope's account in each region (aws.rateLimit, or the scope's own). */
  rateLimit?: { requestsPerSecond: number; burst: number } | undefined;
}

/** The two tag keys SSM reads an instance's patch group from (`Patch Group` wins when both are set). */
export const PATCH_GROUP_TAG_KEYS = ['Patch Group', 'PatchGroup'] as const;

/** One of the two patch group tag keys. */
export type PatchGroupTagKey = (typeof PATCH_GROUP_TAG_KEYS)[number];

/** The patch group tag key spelled the other way: `Patch Group` ↔ `PatchGroup`. */
export function otherPatchGroupTagKey(tagKey: string): PatchGroupTagKey {
  return tagKey === 'PatchGroup' ? 'Patch Group' : 'PatchGroup';
}

/** How a patch group is found in AWS: the tag key and value on its instances, and its OS. */
export interface GroupTarget {
  /** `Patch Group` or `PatchGroup`. */
  tagKey: string;
  /** The tag value, which is also SSM's patch group name. */
  tagValue: string;
  /** SSM OperatingSystem (AMAZON_LINUX_2, WINDOWS, ...). */
  operatingSystem: string;
}

/** SSM agent reachability. */
export type PingStatus = 'Online' | 'ConnectionLost' | 'Inactive';

/** An instance of a patch group as SSM and EC2 see it. */
export interface ManagedInstance {
  instanceId: string;
  /** EC2 Name tag, when set. */
  name: string | undefined;
  /** SSM ping status; `undefined` when SSM does not list the instance: no agent registered, or stopped (SSM leaves those out; `ec2State` says which). */
  pingStatus: PingStatus | undefined;
  lastPingAt: Date | undefined;
  platformName: string | undefined;
  platformVersion: string | undefined;
  agentVersion: string | undefined;
  /** EC2 state name (running, stopped, ...); `undefined` when EC2 did not return it. */
  ec2State: string | undefined;
}

/** A group's members and SSM's patch states in one scope and region, read together (FleetPort.readGroup). */
export interface GroupRead {
  /** As listManagedInstances has them, except that platform, agent version and an Online agent's last ping are not read. */
  instances: ManagedInstance[];
  states: InstancePatchState[];
}

/** How `/patch instance` names an instance: its id (`i-…`) or its EC2 Name tag. */
export type InstanceQuery = { instanceId: string } | { name: string };

/** An instance found by id or Name tag: EC2's tags and state joined with SSM's view of its agent (SSM fields undefined: no agent registered, or stopped). */
export interface FoundInstance extends ManagedInstance {
  /** Every EC2 tag by key (the patch group tag among them). */
  tags: Record<string, string>;
}

/** An EC2 instance's tags, looked up by id: its Name tag and every tag by key. */
export interface InstanceTags {
  instanceId: string;
  /** EC2 Name tag, when set. */
  name: string | undefined;
  tags: Record<string, string>;
}

/**
 * Patch compliance of one instance, as its last scan or install reported it. SSM's
 * OperationStartTime is left out: nothing reads it, and a poll of 100,000 instances holds up to
 * 40,000 of these at once, each Date about 90 bytes.
 */
export interface InstancePatchState {
  instanceId: string;
  patchGroup: string;
  baselineId: string;
  operation: 'Scan' | 'Install';
  operationEndTime: Date;
  rebootOption: string | undefined;
  installedCount: number;
  installedOtherCount: number;
  installedPendingRebootCount: number;
  installedRejectedCount: number;
  missingCount: number;
  failedCount: number;
  notApplicableCount: number;
  criticalNonCompliantCount: number;
  securityNonCompliantCount: number;
  otherNonCompliantCount: number;
  lastNoRebootInstallOperationTime: Date | undefined;
}

/** Patch states that matter to patchbot (SSM's PatchComplianceDataState). */
export type PatchState =
  | 'Installed'
  | 'InstalledOther'
  | 'InstalledPendingReboot'
  | 'InstalledRejected'
  | 'Missing'
  | 'NotApplicable'
  | 'Failed'
  | 'AvailableSecurityUpdate';

/** One patch on one instance. */
export interface InstancePatch {
  title: string;
  kbId: string;
  classification: string;
  severity: string;
  state: PatchState;
  installedTime: Date | undefined;
  /** The CVE ids the patch resolves, as SSM lists them (it reports them only for Missing and Failed patches); empty when none. */
  cveIds: string[];
}

/** SSM's summary of a patch group. */
export interface PatchGroupState {
  instances: number;
  instancesWithInstalledPatches: number;
  instancesWithInstalledPendingRebootPatches: number;
  instancesWithMissingPatches: number;
  instancesWithFailedPatches: number;
  instancesWithNotApplicablePatches: number;
  instancesWithCriticalNonCompliantPatches: number;
  instancesWithSecurityNonCompliantPatches: number;
  instancesWithOtherNonCompliantPatches: number;
}

/** One approval rule of a baseline, as a person reads it. */
export interface ApprovalRule {
  /** Filter key → values, e.g. CLASSIFICATION → [Security], SEVERITY → [Critical, Important]. */
  filters: Record<string, string[]>;
  approveAfterDays: number | undefined;
  approveUntilDate: string | undefined;
  complianceLevel: string | undefined;
  enableNonSecurity: boolean;
}

/** A patch baseline with its approval rules. */
export interface PatchBaseline {
  baselineId: string;
  name: string;
  operatingSystem: string;
  description: string | undefined;
  approvalRules: ApprovalRule[];
  approvedPatches: string[];
  rejectedPatches: string[];
  patchGroups: string[];
  /** When the baseline last changed (SSM moves it on every UpdatePatchBaseline). */
  modifiedDate: Date | undefined;
}

/** A maintenance window target, e.g. instances tagged Patch Group=PRD. */
export interface WindowTarget {
  windowTargetId: string;
  name: string | undefined;
  /** Target key → values, e.g. `tag:Patch Group` → [PRD]. */
  targets: Record<string, string[]>;
}

/** A maintenance window task. */
export interface WindowTask {
  windowTaskId: string;
  name: string | undefined;
  taskArn: string;
  type: string;
  priority: number | undefined;
  /** Window target ids or `tag:` targets the task runs on. */
  targets: Record<string, string[]>;
}

/** A maintenance window with its schedule and next run. */
export interface MaintenanceWindow {
  windowId: string;
  name: string;
  enabled: boolean;
  schedule: string | undefined;
  scheduleTimezone: string | undefined;
  durationHours: number | undefined;
  cutoffHours: number | undefined;
  nextExecutionTime: Date | undefined;
}

/** A maintenance window with its targets and tasks. */
export interface MaintenanceWindowDetail extends MaintenanceWindow {
  targets: WindowTarget[];
  tasks: WindowTask[];
}

/** One run of a maintenance window. */
export interface WindowExecution {
  windowId: string;
  executionId: string;
  status: string;
  statusDetails: string | undefined;
  startTime: Date | undefined;
  endTime: Date | undefined;
}

/** One task of a window execution. */
export interface WindowExecutionTask {
  executionId: string;
  taskExecutionId: string;
  taskArn: string;
  taskType: string;
  status: string;
  statusDetails: string | undefined;
  startTime: Date | undefined;
  endTime: Date | undefined;
}

/** One invocation of a window task; for RUN_COMMAND tasks `executionId` is the SSM command id. */
export interface WindowTaskInvocation {
  invocationId: string;
  executionId: string | undefined;
  taskExecutionId: string;
  status: string;
  statusDetails: string | undefined;
  startTime: Date | undefined;
  endTime: Date | undefined;
  /** Instance ids or targets the invocation ran on, as SSM recorded them. */
  parameters: string | undefined;
  ownerInformation: string | undefined;
}

/** What to run: AWS-RunPatchBaseline on a group's tag target (or on given instances). */
export interface PatchCommandSpec {
  operation: 'Scan' | 'Install';
  rebootOption: 'RebootIfNeeded' | 'NoReboot';
  group: GroupTarget;
  /** When given, the command targets these instances instead of the group tag (at most 50). */
  instanceIds?: string[];
  /** When given, the command targets instances carrying this tag instead of the group tag (the tag patchbot puts on a change's approved targets). */
  tagTarget?: { key: string; value: string };
  maxConcurrency: string;
  maxErrors: string;
  /** The bot's operation id; SSM keeps it in the command's Comment (at most 100 chars). */
  operationId: string;
  timeoutSeconds: number;
  /** An Install pinned to a list (promote): the s3:// URL of its InstallOverrideList YAML. */
  installOverrideList?: string;
  /** Where SSM writes the full output (OutputS3BucketName / OutputS3KeyPrefix); absent: SSM keeps only its truncated copy. */
  outputS3?: { bucket: string; prefix: string | undefined };
}

/**
 * One instance's invocation of a command with its output, as GetCommandInvocation reports it: SSM
 * keeps at most the first 24,000 characters of standard output and 8,000 of standard error; the
 * URLs name the full output in S3 when the command had OutputS3BucketName.
 */
export interface InvocationOutput {
  commandId: string;
  instanceId: string;
  pluginName: string | undefined;
  /** The plugin's exit code; -1 when it never started. */
  responseCode: number;
  status: string;
  statusDetails: string | undefined;
  standardOutput: string;
  standardError: string;
  standardOutputUrl: string | undefined;
  standardErrorUrl: string | undefined;
}

/** Command invocation statuses (SSM's CommandInvocationStatus), for the stored report's schema. */
export const INVOCATION_STATUSES = [
  'Pending',
  'InProgress',
  'Delayed',
  'Success',
  'Cancelled',
  'TimedOut',
  'Failed',
  'Cancelling',
] as const;

/** A command invocation's status. */
export type InvocationStatus = (typeof INVOCATION_STATUSES)[number];

/** One instance's part of a command. */
export interface CommandInvocation {
  commandId: string;
  instanceId: string;
  instanceName: string | undefined;
  status: InvocationStatus;
  /** SSM's finer status: Undeliverable, Delivery Timed Out, Execution Timed Out, Terminated, ... */
  statusDetails: string | undefined;
  requestedAt: Date | undefined;
}

/** A command as ListCommands reports it. */
export interface CommandSummary {
  commandId: string;
  comment: string | undefined;
  documentName: string | undefined;
  status: string;
  requestedAt: Date | undefined;
  targetCount: number;
  completedCount: number;
  errorCount: number;
  deliveryTimedOutCount: number;
  parameters: Record<string, string[]>;
}

/** The API's page and batch limits; every request stays inside them. */
export const LIMITS = {
  instanceIdsPerCall: 50,
  instanceInformationPage: 50,
  patchStatesPage: 100,
  instancePatchesPage: 100,
  windowsPage: 100,
  commandsPage: 50,
  ec2InstancesPage: 1000,
  tagResourcesPerCall: 1000,
  commentLength: 100,
} as const;

/** SSM Change Calendar's state (GetCalendarState): changes may run while OPEN. */
export type CalendarState = 'OPEN' | 'CLOSED';

/** What GetCalendarState answered for one or more calendars: OPEN only if all are open, and when that changes. */
export interface CalendarReading {
  state: CalendarState;
  /** The time the state was read for. */
  atTime: Date;
  /** When the returned state changes, if the calendars say. */
  nextTransitionTime?: Date | undefined;
}
