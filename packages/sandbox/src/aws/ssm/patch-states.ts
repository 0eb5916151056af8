/**
 * Reported patch compliance: DescribeInstancePatchStates(ForPatchGroup), DescribeInstancePatches
 * and DescribePatchGroupState. All read what the last Scan or Install reported, never the disk.
 */
import { SimulatorError, validationException } from '../errors';
import { checkEnum, checkPattern, optList, reqString, stringItem, structItem, type Input } from '../validate';
import type { PatchCounts, ReportedPatchState, SimInstance } from '../fleet/model';
import { instancePageOf, keyValueFilters, padKey, pageOf, reqPatchGroup, type SsmContext } from './common';

/** The wire spelling of each patch state: AWS sends `Missing`, not the model's `MISSING`. */
const WIRE_STATE: Record<ReportedPatchState, string> = {
  INSTALLED: 'Installed',
  INSTALLED_OTHER: 'InstalledOther',
  INSTALLED_PENDING_REBOOT: 'InstalledPendingReboot',
  INSTALLED_REJECTED: 'InstalledRejected',
  MISSING: 'Missing',
  NOT_APPLICABLE: 'NotApplicable',
  FAILED: 'Failed',
};

const INSTANCE_ID = /(^i-(\w{8}|\w{17})$)|(^mi-\w{17}$)/;

/** InstancePatchState for one instance's report. */
function patchState(instance: SimInstance): object | undefined {
  const r = instance.reported;
  if (!r) return undefined;
  const c = r.counts;
  return {
    InstanceId: instance.id,
    PatchGroup: r.patchGroup,
    BaselineId: r.baselineId,
    SnapshotId: r.snapshotId,
    InstalledCount: c.installed,
    InstalledOtherCount: c.installedOther,
    InstalledPendingRebootCount: c.installedPendingReboot,
    InstalledRejectedCount: c.installedRejected,
    MissingCount: c.missing,
    FailedCount: c.failed,
    UnreportedNotApplicableCount: c.unreportedNotApplicable,
    NotApplicableCount: c.notApplicable,
    AvailableSecurityUpdateCount: 0,
    OperationStartTime: r.operationStartTime,
    OperationEndTime: r.operationEndTime,
    Operation: r.operation,
    ...(r.lastNoRebootInstallOperationTime
      ? { LastNoRebootInstallOperationTime: r.lastNoRebootInstallOperationTime }
      : {}),
    ...(r.rebootOption ? { RebootOption: r.rebootOption } : {}),
    CriticalNonCompliantCount: c.criticalNonCompliant,
    SecurityNonCompliantCount: c.securityNonCompliant,
    OtherNonCompliantCount: c.otherNonCompliant,
  };
}

/** Patch states of up to 50 named instances; unknown or unscanned ones are left out. */
export function describeInstancePatchStates(ctx: SsmContext, input: Input): object {
  const ids = optList(input, 'InstanceIds', stringItem('InstanceIds'), { max: 50 });
  if (ids === undefined)
    throw validationException(
      `1 validation error detected: Value null at 'instanceIds' failed to satisfy constraint: Member must not be null`,
    );
  const instances = [...new Set(ids)]
    .map((id) => ctx.partition.instances.get(id))
    .filter((i): i is SimInstance => i?.reported !== undefined)
    .sort((a, b) => a.seq - b.seq);
  const page = pageOf(ctx, input, instances, (i) => padKey(i.seq));
  return { InstancePatchStates: page.items.map(patchState), ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
}

const COUNT_FILTERS: Record<string, keyof PatchCounts> = {
  InstalledCount: 'installed',
  InstalledOtherCount: 'installedOther',
  InstalledPendingRebootCount: 'installedPendingReboot',
  InstalledRejectedCount: 'installedRejected',
  MissingCount: 'missing',
  FailedCount: 'failed',
  UnreportedNotApplicableCount: 'unreportedNotApplicable',
  NotApplicableCount: 'notApplicable',
  CriticalNonCompliantCount: 'criticalNonCompliant',
  SecurityNonCompliantCount: 'securityNonCompliant',
  OtherNonCompliantCount: 'otherNonCompliant',
};
const OPERATORS = ['Equal', 'NotEqual', 'LessThan', 'GreaterThan'];

/** Patch states of the instances whose last report named the patch group, with count filters. */
export function describeInstancePatchStatesForPatchGroup(ctx: SsmContext, input: Input): object {
  const group = reqPatchGroup(input);
  const filters = (optList(input, 'Filters', structItem('Filters'), { max: 4 }) ?? []).map((f) => {
    const key = typeof f['Key'] === 'string' ? f['Key'] : undefined;
    const values = Array.isArray(f['Values']) ? (f['Values'] as unknown[]) : undefined;
    const type = typeof f['Type'] === 'string' ? f['Type'] : undefined;
    if (!key || !values || !type)
      throw validationException(
        `1 validation error detected: Value null at 'filters.member' failed to satisfy constraint: Key, Values and Type are required`,
      );
    checkEnum('Filters.member.type', type, OPERATORS);
    if (values.length !== 1)
      throw validationException(
        `1 validation error detected: Value at 'filters.member.values' failed to satisfy constraint: Member must have length less than or equal to 1`,
      );
    const field = COUNT_FILTERS[key];
    if (!field) throw new SimulatorError('InvalidFilter', `The filter key ${key} is not valid.`);
    const value = Number(values[0]);
    if (!Number.isInteger(value))
      throw new SimulatorError('InvalidFilter', `The filter value ${String(values[0])} is not an integer.`);
    return { field, type, value };
  });
  const page = instancePageOf(ctx, input, [[ctx.partition.index.reportedIn(group)]], (i) => {
    if (!i.reported || i.reported.patchGroup !== group) return false;
    const counts = i.reported.counts;
    return filters.every(({ field, type, value }) => {
      const n = counts[field];
      return type === 'Equal'
        ? n === value
        : type === 'NotEqual'
          ? n !== value
          : type === 'LessThan'
            ? n < value
            : n > value;
    });
  });
  return { InstancePatchStates: page.items.map(patchState), ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
}

const PATCH_FILTER_KEYS = ['Classification', 'KBId', 'Severity', 'State'];

/** The patches one instance last reported, filtered by classification, KB id, severity or state. */
export function describeInstancePatches(ctx: SsmContext, input: Input): object {
  const instanceId = reqString(input, 'InstanceId');
  checkPattern('InstanceId', instanceId, INSTANCE_ID);
  const instance = ctx.partition.instances.get(instanceId);
  if (!instance?.ssmManaged)
    throw new SimulatorError('InvalidInstanceId', `Instance Id ${instanceId} doesn't match any managed instance.`);
  const filters = keyValueFilters(input, {
    allowed: (key) => PATCH_FILTER_KEYS.includes(key),
    unknownKey: (key) =>
      new SimulatorError(
        'InvalidFilter',
        `The filter key ${key} is not valid. Valid keys: ${PATCH_FILTER_KEYS.join(', ')}.`,
      ),
    maxValues: 20,
  });
  const patches = (instance.reported?.patches ?? [])
    .filter((p) =>
      filters.every((f) => {
        switch (f.Key) {
          case 'Classification':
            return f.Values.includes(p.patch.classification);
          case 'KBId':
            return f.Values.includes(p.patch.kbId);
          case 'Severity':
            return f.Values.includes(p.patch.severity);
          default:
            // Accept the wire spelling (Missing) and the model's (MISSING).
            return f.Values.includes(WIRE_STATE[p.state]) || f.Values.includes(p.state);
        }
      }),
    )
    .sort((a, b) => (a.patch.title < b.patch.title ? -1 : a.patch.title > b.patch.title ? 1 : 0));
  const page = pageOf(ctx, input, patches, (p) => `${p.patch.title}|${p.patch.kbId}`);
  return {
    Patches: page.items.map((p) => ({
      Title: p.patch.title,
      KBId: p.patch.kbId,
      Classification: p.patch.classification,
      Severity: p.patch.severity,
      State: WIRE_STATE[p.state],
      // AWS sends 0 (the epoch) for patches that are not installed.
      InstalledTime: p.installedTime ?? new Date(0),
      ...(p.patch.cveIds ? { CVEIds: p.patch.cveIds } : {}),
    })),
    ...(page.NextToken ? { NextToken: page.NextToken } : {}),
  };
}

/** SSM's summary of a patch group: how many instances have patches in each state. */
export function describePatchGroupState(ctx: SsmContext, input: Input): object {
  const group = reqPatchGroup(input);
  const out = {
    Instances: 0,
    InstancesWithInstalledPatches: 0,
    InstancesWithInstalledOtherPatches: 0,
    InstancesWithInstalledPendingRebootPatches: 0,
    InstancesWithInstalledRejectedPatches: 0,
    InstancesWithMissingPatches: 0,
    InstancesWithFailedPatches: 0,
    InstancesWithNotApplicablePatches: 0,
    InstancesWithUnreportedNotApplicablePatches: 0,
    InstancesWithCriticalNonCompliantPatches: 0,
    InstancesWithSecurityNonCompliantPatches: 0,
    InstancesWithOtherNonCompliantPatches: 0,
    InstancesWithAvailableSecurityUpdates: 0,
  };
  for (const instance of ctx.partition.index.reportedIn(group)) {
    const r = instance.reported;
    if (!r || r.patchGroup !== group) continue;
    const c = r.counts;
    out.Instances++;
    if (c.installed > 0) out.InstancesWithInstalledPatches++;
    if (c.installedOther > 0) out.InstancesWithInstalledOtherPatches++;
    if (c.installedPendingReboot > 0) out.InstancesWithInstalledPendingRebootPatches++;
    if (c.installedRejected > 0) out.InstancesWithInstalledRejectedPatches++;
    if (c.missing > 0) out.InstancesWithMissingPatches++;
    if (c.failed > 0) out.InstancesWithFailedPatches++;
    if (c.notApplicable > 0) out.InstancesWithNotApplicablePatches++;
    if (c.unreportedNotApplicable > 0) out.InstancesWithUnreportedNotApplicablePatches++;
    if (c.criticalNonCompliant > 0) out.InstancesWithCriticalNonCompliantPatches++;
    if (c.securityNonCompliant > 0) out.InstancesWithSecurityNonCompliantPatches++;
    if (c.otherNonCompliant > 0) out.InstancesWithOtherNonCompliantPatches++;
  }
  return out;
}
