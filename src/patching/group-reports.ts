/**
 * What the domain hands to views about a group: its compliance (`/patch status`), its baselines and
 * its maintenance windows. Plain data; nothing here knows about Slack or the SDK.
 */
import type { MaintenanceWindow, PatchBaseline, PingStatus, WindowExecution } from './fleet-types';
import type { OtherSpellingInstances } from './plan-parts';
import type { InstanceLine, ScopeFailure, SeverityCounts } from './record-schemas';
import type { UnmanagedInstances } from './unmanaged';

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
  /** Instances tagged for the group in EC2 that SSM does not manage (SSM.1), when there are any; they are counted as unreachable too. */
  unmanaged?: UnmanagedInstances | undefined;
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
