/**
 * What the domain hands to views: plain data about groups, operations and their results. Views
 * turn these into Block Kit; nothing here knows about Slack or the SDK.
 */
import type { InvocationStatus, MaintenanceWindow, PatchBaseline, PingStatus, WindowExecution } from './fleet-types';
import type { OperationKind, OperationStatus } from './lifecycle';
import type { ApprovalState } from './approval-types';
import type { PlanBaseline, PlannedPatch, PromotionEvidence } from './plan-parts';

export type { ApprovalState, Decision } from './approval-types';
export type { PlanBaseline, PlannedPatch, PromotionEvidence } from './plan-parts';

/** A scope and region that could not be read, with what the user can do about it. */
export interface ScopeFailure {
  scope: string;
  region: string;
  /** The error's user message (plain text; views escape it). */
  message: string;
}

/** One instance as a line in a report. */
export interface InstanceLine {
  instanceId: string;
  name: string | undefined;
  scope: string;
  region: string;
}

/** Missing patch counts by SSM's compliance severity buckets. */
export interface SeverityCounts {
  critical: number;
  security: number;
  other: number;
}

/** An instance that is not compliant, and why. */
export interface NonCompliantInstance extends InstanceLine {
  missing: number;
  failed: number;
  pendingReboot: number;
  severity: SeverityCounts;
}

/** An instance patchbot cannot reach through SSM. */
export interface UnreachableInstance extends InstanceLine {
  /** SSM ping status, or undefined when SSM does not manage the instance at all. */
  pingStatus: PingStatus | undefined;
  ec2State: string | undefined;
  lastPingAt: Date | undefined;
}

/** An instance whose last scan is older than the group's scanMaxAge (or that was never scanned). */
export interface StaleInstance extends InstanceLine {
  lastScanAt: Date | undefined;
}

/**
 * Instances tagged with the group's value under the other tag key spelling (`PatchGroup=PRD` for a
 * group found by `Patch Group`): SSM counts them in the patch group, the group's tag does not find
 * them. See tag-spelling.ts.
 */
export interface OtherSpellingInstances {
  /** The key they carry, e.g. `PatchGroup`. */
  tagKey: string;
  /** The group's tag value, e.g. `PRD`. */
  tagValue: string;
  /** The group's own key, e.g. `Patch Group`. */
  groupTagKey: string;
  instances: InstanceLine[];
}

/** `/patch status <group>`: compliance of a group across its scopes. */
export interface GroupStatus {
  group: string;
  generatedAt: Date;
  /** Where the group was looked for, with its instance count in each. */
  scopes: Array<{ scope: string; region: string; instances: number }>;
  failures: ScopeFailure[];
  counts: {
    instances: number;
    compliant: number;
    nonCompliant: number;
    pendingReboot: number;
    failed: number;
    unreachable: number;
    stopped: number;
    /** Instances with no patch state at all. */
    neverScanned: number;
  };
  /** Instances with missing patches, per severity bucket (an instance counts in each bucket it misses). */
  missingBySeverity: SeverityCounts;
  /** Sorted worst first: critical, then security, then missing count. */
  nonCompliant: NonCompliantInstance[];
  unreachable: UnreachableInstance[];
  stale: StaleInstance[];
  scanAge: { oldest: Date | undefined; newest: Date | undefined; maxAgeMs: number };
  /** Instances under the other tag spelling, when there are any (they are not counted above). */
  otherSpelling?: OtherSpellingInstances | undefined;
}

/** One patch missing on some instances. */
export interface MissingPatchSummary {
  title: string;
  kbId: string;
  severity: string;
  classification: string;
  instances: InstanceLine[];
}

/** How one instance fared in an operation. */
export interface InstanceOutcome extends InstanceLine {
  status: InvocationStatus;
  /** SSM's StatusDetails: Undeliverable, DeliveryTimedOut, Failed, ... */
  statusDetails: string | undefined;
  /** EC2's state when the instance was not running (stopped, stopping): why its agent could not be reached. */
  ec2State?: string | undefined;
  /** After a scan or install: the instance's compliance as SSM now reports it. */
  missing?: number;
  pendingReboot?: number;
}

/** Progress and, once finished, the result of a scan (install and reboot reuse it later). */
export interface OperationReport {
  operationId: string;
  kind: OperationKind;
  group: string;
  status: OperationStatus;
  requestedBy: string;
  startedAt: Date;
  finishedAt: Date | undefined;
  /** Instances targeted, and how many have finished. */
  total: number;
  finished: number;
  succeeded: number;
  failed: number;
  /** Undeliverable: the agent could not be reached (stopped or ConnectionLost). */
  unreachable: InstanceOutcome[];
  outcomes: InstanceOutcome[];
  /** After the end: instances missing patches, per severity bucket. */
  missingBySeverity: SeverityCounts | undefined;
  /** After the end: patches missing now that were not missing before this operation. */
  newlyMissing: MissingPatchSummary[];
  failures: ScopeFailure[];
  /** A note for the user while something is wrong but the operation goes on (e.g. AWS unreachable while tracking). */
  notice?: string | undefined;
  /** Install and reboot: what the card showed before anything ran. */
  plan?: ChangePlan | undefined;
  /** Install and reboot: who approved or rejected, and the policy. */
  approval?: ApprovalState | undefined;
  /** After an install or reboot: the group's compliance as SSM reports it now. */
  complianceAfter?: { compliant: number; nonCompliant: number; pendingReboot: number; instances: number } | undefined;
  /** When the commands were sent (the run's start); undefined until then. "took" runs from here to finishedAt. */
  sentAt?: Date | undefined;
  /** Install and reboot: what the re-check right before the send found (see drift.ts). */
  drift?: DriftReport | undefined;
  /** Approved targets the command was sent for that SSM never ran it on (no invocation at the end). */
  notReached?: InstanceLine[] | undefined;
}

/** What an operation came to, by one rule (verdict.ts) for the card, thread, history and digest. */
export type Verdict =
  | 'pending'
  | 'running'
  | 'succeeded'
  | 'problems'
  | 'failed'
  | 'notSent'
  | 'cancelled'
  | 'rejected'
  | 'expired';

/** One thing the approver saw that is no longer true when the change is about to be sent. */
export interface DriftItem {
  /** Plain words: "stopped since the card was posted", "baseline prd-al2 was modified at …". */
  what: string;
  /** The instance concerned, when it is about one. */
  instance?: InstanceLine | undefined;
}

/**
 * The re-check right before an approved change is sent. `blocking` facts stop the send (nothing is
 * sent; a new plan needs a new approval); offline targets are left out of this send and reported;
 * instances nobody approved (new in the group, or excluded and reachable now) are not included.
 */
export interface DriftReport {
  checkedAt: Date;
  blocking: DriftItem[];
  offline: InstanceLine[];
  notIncluded: Array<InstanceLine & { reason: string }>;
}

/** One line of `/patch history`. */
export interface HistoryEntry {
  operationId: string;
  kind: OperationKind;
  group: string;
  status: OperationStatus;
  requestedBy: string;
  /** Who rejected or cancelled it (a user id), for a rejected or cancelled operation. */
  closedBy?: string | undefined;
  createdAt: Date;
  finishedAt: Date | undefined;
  summary: string | undefined;
  /** The outcome by the same rule the card uses. */
  verdict: Verdict;
}

/** A group's baseline as found in one scope and region. */
export interface BaselineEntry {
  scope: string;
  region: string;
  baseline: PatchBaseline;
}

/** `/patch baseline <group>`: the baseline registered for the group in each of its scopes and regions. */
export interface BaselinesReport {
  entries: BaselineEntry[];
  failures: ScopeFailure[];
}

/** A maintenance window as found in one scope and region, with the groups it patches and its last run. */
export interface WindowEntry {
  scope: string;
  region: string;
  window: MaintenanceWindow;
  /** Configured groups whose `tag:<tagKey>` value its targets (or its tasks' own targets) name. */
  groups: string[];
  /** Its targets as a person reads them, e.g. `tag:Patch Group=PRD`. */
  targets: string[];
  /** The most recent execution, if SSM still keeps one. */
  lastExecution?: WindowExecution | undefined;
}

/** `/patch windows [group]`: maintenance windows, soonest next run first. */
export interface WindowsReport {
  entries: WindowEntry[];
  failures: ScopeFailure[];
}

/** What an install or reboot will change, shown on the card before anything runs. */
export interface ChangePlan {
  kind: 'install' | 'reboot';
  group: string;
  /** Instances the change runs on. */
  targets: InstanceLine[];
  /** Instances left out and why (stopped, agent unreachable, nothing pending for a reboot). */
  excluded: Array<InstanceLine & { reason: string }>;
  /** Install: the patches, worst first. */
  patches: PlannedPatch[];
  rebootOption: 'RebootIfNeeded' | 'NoReboot';
  maxConcurrency: string;
  maxErrors: string;
  /** Age of the latest scan the plan rests on; undefined when the group was never scanned. */
  scan: { newest: Date | undefined; oldest: Date | undefined; maxAgeMs: number; stale: boolean };
  promotion: PromotionEvidence | undefined;
  failures: ScopeFailure[];
  /** Install: the baseline behind the plan in each scope and region, re-checked right before the send. */
  baselines?: PlanBaseline[] | undefined;
  /** Instances tagged with the group's value under the other tag key: SSM counts them, this change does not reach them. */
  otherSpelling?: OtherSpellingInstances | undefined;
}
