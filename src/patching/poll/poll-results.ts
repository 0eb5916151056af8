/**
 * What the pollers (issue 5) hand to jobs and views: plain data, nothing Slack-specific. Kept apart
 * from ../group-reports.ts and ../report-record.ts so the poller and the views can change independently.
 */
import type { SlaBreach } from '../sla';
import type { ReadOutput } from '../failure-detail';
import type { InstanceLine, ScopeFailure, SeverityCounts } from '../record-schemas';
import type { UnmanagedInstances } from '../unmanaged';

/** A patch an instance newly misses (or failed to install). */
export interface NewlyMissingPatch {
  title: string;
  severity: string;
  classification: string;
}

/** An instance that became non-compliant, or that misses patches it did not miss at the last poll. */
export interface NonCompliantChange extends InstanceLine {
  newlyMissing: NewlyMissingPatch[];
}

/** What changed in a group since the last compliance poll. Lists are sorted by name, then id. */
export interface ComplianceDiff {
  group: string;
  generatedAt: Date;
  /** The scopes and regions read successfully. */
  scopes: Array<{ scope: string; region: string }>;
  /**
   * Instances that were compliant and are not now, and instances (known before) whose scan found
   * patches missing that the last poll did not list; with those patches.
   */
  becameNonCompliant: NonCompliantChange[];
  /** Instances that were not compliant and are now. */
  becameCompliant: InstanceLine[];
  /** Instances in the group that the last poll did not know. */
  appeared: InstanceLine[];
  /** Instances the last poll knew that are gone (untagged, terminated, deregistered). */
  disappeared: InstanceLine[];
  /** Instances whose agent was Online and is not now. */
  becameUnreachable: InstanceLine[];
  /** Instances whose new scan or install reports failed patches. */
  lastOperationFailed: InstanceLine[];
  /** Scopes that could not be read; their instances are left as they were. */
  failures: ScopeFailure[];
  /** What the poll cost, for the closing note and benchmarks. */
  cost: PollCost;
}

/** The size of a compliance poll. */
export interface PollCost {
  /** Scopes and regions read. */
  scopes: number;
  /** Instances the group's tag found. */
  instances: number;
  /** Patch states SSM listed for the patch group (including instances its tag does not find). */
  patchStates: number;
  /** Instances whose patch list was fetched (one DescribeInstancePatches series each). */
  patchListsFetched: number;
  /** Scopes whose read matched what their stored rows were last made to say: nothing compared or written there. */
  scopesUnchanged: number;
}

/** True when the diff has nothing to post (failures alone are logged, not posted). */
export function isEmpty(diff: ComplianceDiff): boolean {
  return (
    diff.becameNonCompliant.length === 0 &&
    diff.becameCompliant.length === 0 &&
    diff.appeared.length === 0 &&
    diff.disappeared.length === 0 &&
    diff.becameUnreachable.length === 0 &&
    diff.lastOperationFailed.length === 0
  );
}

/** An instance whose part of a window task failed or timed out. */
export interface WindowTaskFailure {
  instanceId: string;
  name?: string;
  status: string;
  statusDetails: string | undefined;
  /** The Run Command command the instance failed in (what GetCommandInvocation asks about). */
  commandId?: string;
  /** What GetCommandInvocation said (exit code, output's tail, link), for the first failed instances (window-output.ts). */
  read?: ReadOutput;
  /** Why its output could not be read. */
  readError?: string;
}

/** One task of a window execution. */
export interface WindowTaskResult {
  taskExecutionId: string;
  taskArn: string;
  /** AWS-RunPatchBaseline's Operation parameter, when the task has one. */
  operation?: 'Scan' | 'Install';
  status: string;
  statusDetails: string | undefined;
  failed: WindowTaskFailure[];
}

/** A finished maintenance window execution, to post once. */
export interface WindowResult {
  scope: string;
  region: string;
  windowId: string;
  windowName: string;
  executionId: string;
  status: string;
  statusDetails: string | undefined;
  startTime: Date | undefined;
  endTime: Date | undefined;
  durationMs: number | undefined;
  tasks: WindowTaskResult[];
  /** The configured groups its targets name (for windowChannels' fallback). */
  groups: string[];
}

/** One group in a channel's digest. */
export interface DigestGroup {
  group: string;
  instances: number;
  compliant: number;
  nonCompliant: number;
  /** compliant / instances, 0..1; 1 for a group with no instances. */
  rate: number;
  /** Instances missing patches per SSM severity bucket. */
  missingBySeverity: SeverityCounts;
  /** Against the channel's last digest; undefined when there was none (or it did not list the group). */
  changeSinceLast: { compliantDelta: number; nonCompliantDelta: number } | undefined;
  /** Patches missing on the most instances (from the compliance snapshot), at most MOST_MISSED_LIMIT. */
  mostMissed: Array<{ title: string; severity: string; instances: number }>;
  /** Window executions of windows that name the group, ended since the last digest (or the last day). */
  windowRuns: Array<{ windowName: string; status: string; endTime: Date | undefined }>;
  pendingApprovals: Array<{ operationId: string; kind: string; requestedBy: string; expiresAt: Date | undefined }>;
  /** Instances never scanned or scanned longer ago than scanMaxAge. */
  staleScans: number;
  unreachable: number;
  /** The scopes and regions that answered, with the instances found in each (absent in digests stored before it existed). */
  scopes?: Array<{ scope: string; region: string; instances: number }>;
  /** Instances tagged for the group in EC2 that SSM does not manage (SSM.1), per account and region; absent when none. */
  unmanaged?: UnmanagedInstances | undefined;
  /**
   * The patch SLA: instances past it, breaches (an instance may be past it for Critical and Important)
   * and the most overdue of them (absent when the history could not be read, or in older digests).
   */
  sla?: { instances: number; total: number; breaches: SlaBreach[] } | undefined;
}

/** A channel's digest. */
export interface DigestData {
  channel: string;
  generatedAt: Date;
  /** When the channel's last digest was sent; undefined for its first. */
  since: Date | undefined;
  groups: DigestGroup[];
  /** Scopes that could not be read, with the group they were read for. */
  failures: Array<ScopeFailure & { group: string }>;
}
