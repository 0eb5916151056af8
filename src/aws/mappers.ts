import type { Instance as Ec2Instance, InstanceStateName } from '@aws-sdk/client-ec2';
import type {
  Command,
  CommandInvocation as SdkCommandInvocation,
  DescribePatchGroupStateCommandOutput,
  GetPatchBaselineCommandOutput,
  InstanceInformation,
  InstancePatchState as SdkInstancePatchState,
  MaintenanceWindowExecution,
  MaintenanceWindowExecutionTaskIdentity,
  MaintenanceWindowExecutionTaskInvocationIdentity,
  MaintenanceWindowIdentity,
  MaintenanceWindowTarget,
  MaintenanceWindowTask,
  PatchComplianceData,
  Target,
} from '@aws-sdk/client-ssm';
import type {
  CommandInvocation,
  CommandSummary,
  InstancePatch,
  InstancePatchState,
  InvocationStatus,
  MaintenanceWindow,
  InstanceTags,
  ManagedInstance,
  PatchBaseline,
  PatchGroupState,
  PatchState,
  PingStatus,
  WindowExecution,
  WindowExecutionTask,
  WindowTarget,
  WindowTask,
  WindowTaskInvocation,
} from '../patching/fleet-types';

// SDK shapes mark nearly everything optional; these mappers decide once what a missing field means.

const n = (value: number | undefined): number => value ?? 0;

/** Joins SSM's view of an instance with EC2's (either may be missing). */
export function toManagedInstance(
  instanceId: string,
  ssm: InstanceInformation | undefined,
  ec2: Ec2Member | undefined,
): ManagedInstance {
  return {
    instanceId,
    name: ec2?.name,
    pingStatus: ssm?.PingStatus as PingStatus | undefined,
    lastPingAt: ssm?.LastPingDateTime,
    platformName: ssm?.PlatformName,
    platformVersion: ssm?.PlatformVersion,
    agentVersion: ssm?.AgentVersion,
    ec2State: ec2?.state,
  };
}

/**
 * The part of an EC2 instance toManagedInstance reads, as one flat record: in the SDK's shape a
 * member is four objects (the instance, its State, its Tags list, the Name tag), and a poll of
 * 100,000 instances held 200,000 of them while its reads were in flight.
 */
export interface Ec2Member {
  instanceId: string;
  state: InstanceStateName | undefined;
  name: string | undefined;
}

/** An EC2 instance as a member (undefined without an id). */
export function toMember(ec2: Ec2Instance): Ec2Member | undefined {
  if (!ec2.InstanceId) return undefined;
  return { instanceId: ec2.InstanceId, state: ec2.State?.Name, name: ec2.Tags?.find((t) => t.Key === 'Name')?.Value };
}

/** An EC2 instance's tags by key, and its Name tag. */
export function toInstanceTags(instanceId: string, ec2: Ec2Instance): InstanceTags {
  const tags: Record<string, string> = {};
  for (const t of ec2.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
  return { instanceId, name: tags.Name, tags };
}

/** Maps SSM's patch state summary of one instance. */
export function toPatchState(s: SdkInstancePatchState): InstancePatchState {
  return {
    instanceId: s.InstanceId ?? '',
    patchGroup: s.PatchGroup ?? '',
    baselineId: s.BaselineId ?? '',
    operation: s.Operation === 'Install' ? 'Install' : 'Scan',
    operationEndTime: s.OperationEndTime ?? new Date(0),
    rebootOption: s.RebootOption,
    installedCount: n(s.InstalledCount),
    installedOtherCount: n(s.InstalledOtherCount),
    installedPendingRebootCount: n(s.InstalledPendingRebootCount),
    installedRejectedCount: n(s.InstalledRejectedCount),
    missingCount: n(s.MissingCount),
    failedCount: n(s.FailedCount),
    notApplicableCount: n(s.NotApplicableCount),
    criticalNonCompliantCount: n(s.CriticalNonCompliantCount),
    securityNonCompliantCount: n(s.SecurityNonCompliantCount),
    otherNonCompliantCount: n(s.OtherNonCompliantCount),
    lastNoRebootInstallOperationTime: s.LastNoRebootInstallOperationTime,
  };
}

/**
 * SSM's CVEIds: one string naming "one or more" CVE ids, without a documented separator; split on
 * commas and whitespace, empty pieces dropped, each id once, in SSM's order.
 */
export function cveIdList(text: string | undefined): string[] {
  return [...new Set((text ?? '').split(/[\s,;]+/).filter((id) => id !== ''))];
}

/** Maps one patch of one instance. */
export function toInstancePatch(p: PatchComplianceData): InstancePatch {
  return {
    title: p.Title ?? '',
    kbId: p.KBId ?? '',
    classification: p.Classification ?? '',
    severity: p.Severity ?? '',
    state: (p.State ?? 'Missing') as PatchState,
    installedTime: p.InstalledTime && p.InstalledTime.getTime() > 0 ? p.InstalledTime : undefined,
    cveIds: cveIdList(p.CVEIds),
  };
}

/** Maps SSM's patch group summary. */
export function toPatchGroupState(s: DescribePatchGroupStateCommandOutput): PatchGroupState {
  return {
    instances: n(s.Instances),
    instancesWithInstalledPatches: n(s.InstancesWithInstalledPatches),
    instancesWithInstalledPendingRebootPatches: n(s.InstancesWithInstalledPendingRebootPatches),
    instancesWithMissingPatches: n(s.InstancesWithMissingPatches),
    instancesWithFailedPatches: n(s.InstancesWithFailedPatches),
    instancesWithNotApplicablePatches: n(s.InstancesWithNotApplicablePatches),
    instancesWithCriticalNonCompliantPatches: n(s.InstancesWithCriticalNonCompliantPatches),
    instancesWithSecurityNonCompliantPatches: n(s.InstancesWithSecurityNonCompliantPatches),
    instancesWithOtherNonCompliantPatches: n(s.InstancesWithOtherNonCompliantPatches),
  };
}

/** Maps a baseline and its approval rules. */
export function toBaseline(b: GetPatchBaselineCommandOutput): PatchBaseline {
  return {
    baselineId: b.BaselineId ?? '',
    name: b.Name ?? '',
    operatingSystem: b.OperatingSystem ?? 'WINDOWS',
    description: b.Description,
    approvalRules: (b.ApprovalRules?.PatchRules ?? []).map((rule) => ({
      filters: Object.fromEntries(
        (rule.PatchFilterGroup?.PatchFilters ?? []).map((f) => [f.Key ?? '', f.Values ?? []]),
      ),
      approveAfterDays: rule.ApproveAfterDays,
      approveUntilDate: rule.ApproveUntilDate,
      complianceLevel: rule.ComplianceLevel,
      enableNonSecurity: rule.EnableNonSecurity ?? false,
    })),
    approvedPatches: b.ApprovedPatches ?? [],
    rejectedPatches: b.RejectedPatches ?? [],
    patchGroups: b.PatchGroups ?? [],
    modifiedDate: b.ModifiedDate,
  };
}

/** Maps SSM targets to key → values. */
export function toTargets(targets: Target[] | undefined): Record<string, string[]> {
  return Object.fromEntries((targets ?? []).map((t) => [t.Key ?? '', t.Values ?? []]));
}

/** Maps a maintenance window summary. */
export function toWindow(w: MaintenanceWindowIdentity): MaintenanceWindow {
  const next = w.NextExecutionTime ? new Date(w.NextExecutionTime) : undefined;
  return {
    windowId: w.WindowId ?? '',
    name: w.Name ?? '',
    enabled: w.Enabled ?? false,
    schedule: w.Schedule,
    scheduleTimezone: w.ScheduleTimezone,
    durationHours: w.Duration,
    cutoffHours: w.Cutoff,
    nextExecutionTime: next && !Number.isNaN(next.getTime()) ? next : undefined,
  };
}

/** Maps a window target. */
export function toWindowTarget(t: MaintenanceWindowTarget): WindowTarget {
  return { windowTargetId: t.WindowTargetId ?? '', name: t.Name, targets: toTargets(t.Targets) };
}

/** Maps a window task. */
export function toWindowTask(t: MaintenanceWindowTask): WindowTask {
  return {
    windowTaskId: t.WindowTaskId ?? '',
    name: t.Name,
    taskArn: t.TaskArn ?? '',
    type: t.Type ?? 'RUN_COMMAND',
    priority: t.Priority,
    targets: toTargets(t.Targets),
  };
}

/** Maps a window execution. */
export function toWindowExecution(e: MaintenanceWindowExecution): WindowExecution {
  return {
    windowId: e.WindowId ?? '',
    executionId: e.WindowExecutionId ?? '',
    status: e.Status ?? 'PENDING',
    statusDetails: e.StatusDetails,
    startTime: e.StartTime,
    endTime: e.EndTime,
  };
}

/** Maps a task of a window execution. */
export function toWindowExecutionTask(t: MaintenanceWindowExecutionTaskIdentity): WindowExecutionTask {
  return {
    executionId: t.WindowExecutionId ?? '',
    taskExecutionId: t.TaskExecutionId ?? '',
    taskArn: t.TaskArn ?? '',
    taskType: t.TaskType ?? 'RUN_COMMAND',
    status: t.Status ?? 'PENDING',
    statusDetails: t.StatusDetails,
    startTime: t.StartTime,
    endTime: t.EndTime,
  };
}

/** Maps an invocation of a window task. */
export function toWindowTaskInvocation(i: MaintenanceWindowExecutionTaskInvocationIdentity): WindowTaskInvocation {
  return {
    invocationId: i.InvocationId ?? '',
    executionId: i.ExecutionId,
    taskExecutionId: i.TaskExecutionId ?? '',
    status: i.Status ?? 'PENDING',
    statusDetails: i.StatusDetails,
    startTime: i.StartTime,
    endTime: i.EndTime,
    parameters: i.Parameters,
    ownerInformation: i.OwnerInformation,
  };
}

/** Maps one instance's invocation of a command. */
export function toInvocation(i: SdkCommandInvocation): CommandInvocation {
  return {
    commandId: i.CommandId ?? '',
    instanceId: i.InstanceId ?? '',
    instanceName: i.InstanceName || undefined,
    status: (i.Status ?? 'Pending') as InvocationStatus,
    statusDetails: i.StatusDetails,
    requestedAt: i.RequestedDateTime,
  };
}

/** Maps a command summary. */
export function toCommandSummary(c: Command): CommandSummary {
  return {
    commandId: c.CommandId ?? '',
    comment: c.Comment,
    documentName: c.DocumentName,
    status: c.Status ?? 'Pending',
    requestedAt: c.RequestedDateTime,
    targetCount: n(c.TargetCount),
    completedCount: n(c.CompletedCount),
    errorCount: n(c.ErrorCount),
    deliveryTimedOutCount: n(c.DeliveryTimedOutCount),
    parameters: c.Parameters ?? {},
  };
}
