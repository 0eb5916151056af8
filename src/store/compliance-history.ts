/**
 * The daily compliance history: per group and day, the figures the digest's chart and the App Home
 * tiles show, and per instance and day, since when it has missed critical and important patches
 * (the SLA check). Written by the compliance poll; kept `history.retentionDays` (default 400).
 */

/** One group's compliance on one day (UTC calendar day), as the last poll of that day saw it. */
export interface GroupDay {
  group: string;
  /** The UTC calendar day, `YYYY-MM-DD`. */
  day: string;
  /** Instances in the group (all scopes and regions) that the poll saw. */
  instances: number;
  /** Of them, compliant: nothing missing or failed, no reboot pending. */
  compliant: number;
  /** Instances missing (or failed to install) at least one patch of severity Critical. */
  critical: number;
  /** Instances missing (or failed to install) at least one patch of severity Important. */
  important: number;
  /** Instances with patches installed that wait for a reboot. */
  pendingReboot: number;
  /** Instances whose SSM agent is not Online. */
  unreachable: number;
  /** The oldest of the instances' last scan or install end times; null when none was ever scanned. */
  oldestScanAt: Date | null;
  /** When this row was last written. */
  recordedAt: Date;
}

/** Reads of the daily history that charts, App Home and the SLA check make. */
export interface ComplianceHistoryReader {
  /** Each group's days from `fromDay` to `toDay` (inclusive, `YYYY-MM-DD`), oldest first. */
  groupDays(groups: readonly string[], fromDay: string, toDay: string): Promise<GroupDay[]>;
  /** Each group's most recent day, if any. */
  latestGroupDays(groups: readonly string[]): Promise<GroupDay[]>;
}

/** The per-instance reads the SLA check makes. */
export interface InstanceHistoryReader {
  /**
   * The instance rows of each group's most recent day that miss a Critical or Important patch since
   * some day (the others cannot be past the SLA), by scope, region and instance id.
   */
  latestMissingSince(groups: readonly string[]): Promise<InstanceDay[]>;
}

/** One instance on one day, as the SLA check reads it. */
export interface InstanceDay {
  group: string;
  /** The UTC calendar day, `YYYY-MM-DD`. */
  day: string;
  scope: string;
  region: string;
  instanceId: string;
  name: string | null;
  /** The first day of the instance's current run of days missing a Critical patch; null when it misses none. */
  criticalSince: string | null;
  /** As criticalSince, for Important patches. */
  importantSince: string | null;
  pendingReboot: boolean;
  unreachable: boolean;
}

/** What the compliance poll writes for one instance on one day: the store carries the "since" days over. */
export interface NewInstanceDay {
  scope: string;
  region: string;
  instanceId: string;
  name: string | null;
  /** Misses (or failed to install) at least one Critical patch. */
  critical: boolean;
  /** Misses (or failed to install) at least one Important patch. */
  important: boolean;
  pendingReboot: boolean;
  unreachable: boolean;
}

/** One group's day as the compliance poll records it: the summary and every instance's row. */
export interface NewHistoryDay extends Omit<GroupDay, 'recordedAt'> {
  /** Every instance the poll saw in the group (`instances` counts them). */
  rows: readonly NewInstanceDay[];
}

/** What a prune removed. */
export interface HistoryPruned {
  groupDays: number;
  instanceDays: number;
  instances: number;
}
