/**
 * `/patch status`: a group's compliance from a few paged list calls per scope (FleetPort.readGroup:
 * EC2's members, SSM's per-instance patch state summaries and the agents that are not Online). No
 * per-instance DescribeInstancePatches: the severity
 * buckets come from SSM's Critical/Security/Other non-compliant counts, so status costs the same
 * handful of paged calls at 10,000 instances as at 10. Fetching and computing are split so the
 * computation is a pure, unit-testable function.
 */
import { countInstance, missingBuckets } from './severity';
import type { InstancePatchState, ManagedInstance } from './fleet-types';
import type { Clock } from '../clock';
import type { PatchGroup } from '../config/schema';
import type { Logger } from '../logger';
import { fanOut, gatewaysForGroup, groupTarget, type PatchGateway } from './group-fleet';
import type { OtherSpelling } from './tag-spelling';
import { byName } from './instance-order';
import { isUnmanaged, type UnmanagedInput, unmanagedInstances } from './unmanaged';
import { setImmediate } from 'node:timers/promises';
import { SortedRuns } from '../shared/sorted-runs';

export { byName } from './instance-order';
import type { GroupStatus, NonCompliantInstance, StaleInstance, UnreachableInstance } from './group-reports';
import type { ScopeFailure, SeverityCounts } from './record-schemas';

/** One scope's raw compliance data. */
export interface ScopeCompliance {
  scope: string;
  region: string;
  /** The scope's account id when the configuration names it. */
  account?: string | undefined;
  instances: ManagedInstance[];
  states: InstancePatchState[];
}

/** Everything computeGroupStatus needs. */
export interface GroupStatusInput {
  group: Pick<PatchGroup, 'name' | 'scanMaxAgeMs'>;
  now: Date;
  scopes: ScopeCompliance[];
  failures: ScopeFailure[];
}

/** EC2 states of instances that are gone or going: they no longer belong to the group's picture. */
const GONE_STATES = new Set(['terminated', 'shutting-down']);
/** EC2 states counted as stopped. */
const STOPPED_STATES = new Set(['stopped', 'stopping']);

/** Reads each scope's instances and patch states (FleetPort.readGroup, every scope at once). */
export async function fetchGroupCompliance(
  group: PatchGroup,
  gateways: readonly PatchGateway[],
  logger?: Logger,
): Promise<{ scopes: ScopeCompliance[]; failures: ScopeFailure[] }> {
  const target = groupTarget(group);
  const { results, failures } = await fanOut(
    gatewaysForGroup(group, gateways),
    async (gw) => {
      const { instances, states } = await gw.readGroup(target);
      return { scope: gw.scope, region: gw.region, account: gw.account, instances, states };
    },
    { ...(logger ? { logger } : {}), what: `status of ${group.name}` },
  );
  return { scopes: results.map((r) => r.value), failures };
}

/** The group's status, fetched now. */
export async function groupStatus(
  group: PatchGroup,
  gateways: readonly PatchGateway[],
  clock: Clock,
  logger?: Logger,
): Promise<GroupStatus> {
  const { scopes, failures } = await fetchGroupCompliance(group, gateways, logger);
  return computeGroupStatusInTurns({ group, now: clock.now(), scopes, failures });
}

/**
 * The status from raw data. The group's instances are the ones its tag finds (what a command to the
 * group reaches); SSM patch states of other instances (say, tagged with the other tag spelling) are
 * left out. Compliant + non-compliant + never scanned = instances; unreachable and stopped overlap
 * them (a stopped instance is also unreachable and keeps its last reported compliance).
 */
export function computeGroupStatus(input: GroupStatusInput): GroupStatus {
  const tally = new GroupStatusTally(input.group, input.now);
  for (const sc of input.scopes) tally.add(sc);
  return tally.finish(input.failures);
}

/**
 * As computeGroupStatus, a scope to a turn of the event loop: a group of 40,000 instances took
 * 60–95 ms in one synchronous run, and Slack's acknowledgements waited behind it.
 */
export async function computeGroupStatusInTurns(input: GroupStatusInput): Promise<GroupStatus> {
  const tally = new GroupStatusTally(input.group, input.now);
  for (const sc of input.scopes) {
    tally.add(sc);
    await setImmediate();
  }
  return tally.finishInTurns(input.failures);
}

/** A group's status counted a scope at a time (see computeGroupStatus). */
class GroupStatusTally {
  private readonly staleBefore: number;
  private readonly counts = {
    instances: 0,
    compliant: 0,
    nonCompliant: 0,
    pendingReboot: 0,
    failed: 0,
    unreachable: 0,
    stopped: 0,
    neverScanned: 0,
  };
  private readonly missingBySeverity: SeverityCounts = { critical: 0, security: 0, other: 0 };
  // Sorted a scope at a time and merged at the end (src/shared/sorted-runs.ts): a whole group's lists sorted in one run held the loop.
  private readonly nonCompliant = new SortedRuns<NonCompliantInstance>(worstFirst);
  private readonly unreachable = new SortedRuns<UnreachableInstance>(byName);
  // Never-scanned first, then oldest scan first: the most out-of-date data leads.
  private readonly stale = new SortedRuns<StaleInstance>(
    (a, b) => (a.lastScanAt?.getTime() ?? -Infinity) - (b.lastScanAt?.getTime() ?? -Infinity) || byName(a, b),
  );
  private oldest: number | undefined;
  private newest: number | undefined;
  private readonly scopes: GroupStatus['scopes'] = [];
  /** Each scope's instances without a working agent: few, kept for unmanagedInstances at the end. */
  private readonly unmanaged: UnmanagedInput[] = [];

  constructor(
    private readonly group: Pick<PatchGroup, 'name' | 'scanMaxAgeMs'>,
    private readonly now: Date,
  ) {
    this.staleBefore = now.getTime() - group.scanMaxAgeMs;
  }

  add(sc: ScopeCompliance): void {
    const { counts } = this;
    const states = new Map(sc.states.map((s) => [s.instanceId, s]));
    const nonCompliant: NonCompliantInstance[] = [];
    const unreachable: UnreachableInstance[] = [];
    const stale: StaleInstance[] = [];
    let inScope = 0;
    for (const instance of sc.instances) {
      if (instance.ec2State !== undefined && GONE_STATES.has(instance.ec2State)) continue;
      inScope++;
      // Each line is written out whole, not spread from a shared one: a spread object gets its later fields
      // in a separate property array, and a group's status keeps tens of thousands of these for a minute.
      const { instanceId, name } = instance;
      const { scope, region } = sc;
      if (instance.pingStatus !== 'Online') {
        counts.unreachable++;
        unreachable.push({
          instanceId,
          name,
          scope,
          region,
          pingStatus: instance.pingStatus,
          ec2State: instance.ec2State,
          lastPingAt: instance.lastPingAt,
        });
      }
      if (instance.ec2State !== undefined && STOPPED_STATES.has(instance.ec2State)) counts.stopped++;

      const state = states.get(instance.instanceId);
      if (!state) {
        counts.neverScanned++;
        stale.push({ instanceId, name, scope, region, lastScanAt: undefined });
        continue;
      }
      const scannedAt = state.operationEndTime.getTime();
      this.oldest = this.oldest === undefined ? scannedAt : Math.min(this.oldest, scannedAt);
      this.newest = this.newest === undefined ? scannedAt : Math.max(this.newest, scannedAt);
      if (scannedAt < this.staleBefore)
        stale.push({ instanceId, name, scope, region, lastScanAt: state.operationEndTime });
      if (state.installedPendingRebootCount > 0) counts.pendingReboot++;
      if (state.failedCount > 0) counts.failed++;
      const buckets = missingBuckets(state);
      countInstance(this.missingBySeverity, buckets);
      if (isCompliant(state)) {
        counts.compliant++;
        continue;
      }
      counts.nonCompliant++;
      nonCompliant.push({
        instanceId,
        name,
        scope,
        region,
        missing: state.missingCount,
        failed: state.failedCount,
        pendingReboot: state.installedPendingRebootCount,
        severity: buckets,
      });
    }
    counts.instances += inScope;
    this.nonCompliant.add(nonCompliant);
    this.unreachable.add(unreachable);
    this.stale.add(stale);
    this.scopes.push({ scope: sc.scope, region: sc.region, instances: inScope });
    this.unmanaged.push({
      scope: sc.scope,
      region: sc.region,
      account: sc.account,
      instances: sc.instances.filter(isUnmanaged),
    });
  }

  finish(failures: ScopeFailure[]): GroupStatus {
    return this.status(failures, {
      nonCompliant: this.nonCompliant.merged(),
      unreachable: this.unreachable.merged(),
      stale: this.stale.merged(),
    });
  }

  /** As finish, the sorted lists merged in turns of the event loop (MERGE_SLICE items a turn). */
  async finishInTurns(failures: ScopeFailure[]): Promise<GroupStatus> {
    return this.status(failures, {
      nonCompliant: await this.nonCompliant.mergedInTurns(),
      unreachable: await this.unreachable.mergedInTurns(),
      stale: await this.stale.mergedInTurns(),
    });
  }

  private status(
    failures: ScopeFailure[],
    lists: Pick<GroupStatus, 'nonCompliant' | 'unreachable' | 'stale'>,
  ): GroupStatus {
    const unmanaged = unmanagedInstances(this.unmanaged);
    const { oldest, newest } = this;
    return {
      group: this.group.name,
      generatedAt: this.now,
      scopes: this.scopes,
      failures,
      counts: this.counts,
      missingBySeverity: this.missingBySeverity,
      ...lists,
      scanAge: {
        oldest: oldest === undefined ? undefined : new Date(oldest),
        newest: newest === undefined ? undefined : new Date(newest),
        maxAgeMs: this.group.scanMaxAgeMs,
      },
      ...(unmanaged ? { unmanaged } : {}),
    };
  }
}

/**
 * The status with the instances found under the other tag spelling (see tag-spelling.ts), kept when
 * there are any. Status speaks only of the scopes it could read: instances from a scope whose status
 * read failed are left out, and a scope whose lookup failed is added to the failures unless its
 * status read failed too (one failure per scope and region is enough to read).
 */
export function withOtherSpelling(status: GroupStatus, found: OtherSpelling): GroupStatus {
  const key = (r: { scope: string; region: string }) => `${r.scope}\u0000${r.region}`;
  const failed = new Set(status.failures.map(key));
  const failures = [...status.failures, ...found.failures.filter((f) => !failed.has(key(f)))];
  const { tagKey, tagValue, groupTagKey } = found;
  const instances = found.instances.filter((i) => !failed.has(key(i)));
  return {
    ...status,
    failures,
    ...(instances.length > 0 ? { otherSpelling: { tagKey, tagValue, groupTagKey, instances } } : {}),
  };
}

/** Compliant as patchbot counts it: nothing missing, failed or waiting for a reboot. */
export function isCompliant(
  state: Pick<InstancePatchState, 'missingCount' | 'failedCount' | 'installedPendingRebootCount'>,
): boolean {
  return state.missingCount === 0 && state.failedCount === 0 && state.installedPendingRebootCount === 0;
}

/** Critical count, then security, then missing, then failed and pending reboot; ties by name. */
function worstFirst(a: NonCompliantInstance, b: NonCompliantInstance): number {
  return (
    b.severity.critical - a.severity.critical ||
    b.severity.security - a.severity.security ||
    b.missing - a.missing ||
    b.failed - a.failed ||
    b.pendingReboot - a.pendingReboot ||
    byName(a, b)
  );
}
