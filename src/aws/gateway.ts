import { CreateTagsCommand, DeleteTagsCommand, RebootInstancesCommand, paginateDescribeInstances, type Instance as Ec2Instance } from '@aws-sdk/client-ec2';
import {
  CancelCommandCommand,
  DescribePatchGroupStateCommand,
  GetMaintenanceWindowCommand,
  GetPatchBaselineCommand,
  GetPatchBaselineForPatchGroupCommand,
  SendCommandCommand,
  paginateDescribeInstanceInformation,
  paginateDescribeInstancePatches,
  paginateDescribeInstancePatchStates,
  paginateDescribeInstancePatchStatesForPatchGroup,
  paginateDescribeMaintenanceWindowExecutions,
  paginateDescribeMaintenanceWindowExecutionTaskInvocations,
  paginateDescribeMaintenanceWindowExecutionTasks,
  paginateDescribeMaintenanceWindows,
  paginateDescribeMaintenanceWindowTargets,
  paginateDescribeMaintenanceWindowTasks,
  paginateListCommandInvocations,
  paginateListCommands,
  type InstanceInformation,
  type OperatingSystem,
} from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { InputError } from '../errors';
import type { Logger } from '../logger';
import type { RegionClients } from './clients';
import { chunk, mapLimit } from '../shared/concurrency';
import { toAwsError } from './error-mapping';
import * as map from './mappers';
import type { FleetPort } from '../patching/ports';

export { LIMITS } from '../patching/fleet-types';
import { LIMITS, otherPatchGroupTagKey } from '../patching/fleet-types';
import type {
  CommandInvocation,
  CommandSummary,
  GroupTarget,
  InstancePatch,
  InstancePatchState,
  InstanceTags,
  MaintenanceWindow,
  MaintenanceWindowDetail,
  ManagedInstance,
  PatchBaseline,
  PatchCommandSpec,
  PatchGroupState,
  PatchState,
  WindowExecution,
  WindowExecutionTask,
  WindowTaskInvocation,
} from '../patching/fleet-types';

/** EC2 states of instances that still exist (not terminated or shutting down). */
const LIVE_EC2_STATES = ['pending', 'running', 'stopping', 'stopped'] as const;

/** The SSM document patchbot runs. */
export const PATCH_DOCUMENT = 'AWS-RunPatchBaseline';

/** How many per-instance calls (DescribeInstancePatches) run at once in one scope and region. */
const PER_INSTANCE_CONCURRENCY = 8;

/** Where a gateway works: the clients of one scope and region. */
export interface FleetGatewayDeps {
  clients: RegionClients;
  scope: string;
  region: string;
  logger: Logger;
}

/** Everything patchbot asks of SSM, EC2 and STS in one scope and region; every list paginates to completion. */
export class FleetGateway implements FleetPort {
  readonly scope: string;
  readonly region: string;
  private readonly clients: RegionClients;
  private readonly log: Logger;

  constructor(deps: FleetGatewayDeps) {
    this.clients = deps.clients;
    this.scope = deps.scope;
    this.region = deps.region;
    this.log = deps.logger.child({ subsystem: 'aws', scope: deps.scope, region: deps.region });
  }

  /** The account and identity the scope's credentials resolve to. */
  whoAmI(): Promise<{ account: string; arn: string }> {
    return this.call('sts', 'GetCallerIdentity', async () => {
      const out = await this.clients.sts.send(new GetCallerIdentityCommand({}));
      return { account: out.Account ?? '', arn: out.Arn ?? '' };
    });
  }

  /**
   * The group's instances: SSM's managed-node view joined with EC2's Name tag and state. SSM does not
   * list stopped or terminated nodes, so those come from EC2 alone (no ping status, their EC2 state).
   */
  async listManagedInstances(group: GroupTarget): Promise<ManagedInstance[]> {
    const tagFilter = `tag:${group.tagKey}`;
    const [ssm, ec2] = await Promise.all([
      this.call('ssm', 'DescribeInstanceInformation', async () => {
        const found: InstanceInformation[] = [];
        const pages = paginateDescribeInstanceInformation(
          { client: this.clients.ssm, pageSize: LIMITS.instanceInformationPage },
          { Filters: [{ Key: tagFilter, Values: [group.tagValue] }] },
        );
        for await (const page of pages) found.push(...(page.InstanceInformationList ?? []));
        return found;
      }),
      this.call('ec2', 'DescribeInstances', async () => {
        const found: Ec2Instance[] = [];
        const pages = paginateDescribeInstances(
          { client: this.clients.ec2, pageSize: LIMITS.ec2InstancesPage },
          { Filters: [{ Name: tagFilter, Values: [group.tagValue] }] },
        );
        for await (const page of pages) for (const r of page.Reservations ?? []) found.push(...(r.Instances ?? []));
        return found;
      }),
    ]);
    const bySsm = new Map(ssm.filter((i) => i.InstanceId).map((i) => [i.InstanceId as string, i]));
    const byEc2 = new Map(ec2.filter((i) => i.InstanceId).map((i) => [i.InstanceId as string, i]));
    const ids = [...new Set([...bySsm.keys(), ...byEc2.keys()])].sort();
    return ids.map((id) => map.toManagedInstance(id, bySsm.get(id), byEc2.get(id)));
  }

  /**
   * Instances that carry the group's tag value under the other tag key spelling (`PatchGroup=PRD`
   * when the group uses `Patch Group`): SSM counts them in the patch group, but the group's tag
   * does not find them. One paginated EC2 DescribeInstances; terminated and shutting-down instances
   * are left out, and so are instances that also carry the group's own tag with its value (they are
   * members already). SSM fields are undefined: EC2 alone is asked.
   */
  async listOtherSpelling(group: GroupTarget): Promise<ManagedInstance[]> {
    const found = await this.call('ec2', 'DescribeInstances', async () => {
      const instances: Ec2Instance[] = [];
      const pages = paginateDescribeInstances(
        { client: this.clients.ec2, pageSize: LIMITS.ec2InstancesPage },
        {
          Filters: [
            { Name: `tag:${otherPatchGroupTagKey(group.tagKey)}`, Values: [group.tagValue] },
            { Name: 'instance-state-name', Values: [...LIVE_EC2_STATES] },
          ],
        },
      );
      for await (const page of pages) for (const r of page.Reservations ?? []) instances.push(...(r.Instances ?? []));
      return instances;
    });
    return found
      .filter((i) => i.InstanceId && !i.Tags?.some((t) => t.Key === group.tagKey && t.Value === group.tagValue))
      .sort((a, b) => ((a.InstanceId as string) < (b.InstanceId as string) ? -1 : 1))
      .map((i) => map.toManagedInstance(i.InstanceId as string, undefined, i));
  }

  /**
   * The tags (and Name) of the given instances, 50 ids a call. Asked with an `instance-id` filter
   * rather than InstanceIds, so an id EC2 no longer knows is left out instead of failing the call.
   */
  describeInstanceTags(instanceIds: readonly string[]): Promise<InstanceTags[]> {
    if (instanceIds.length === 0) return Promise.resolve([]);
    return this.call('ec2', 'DescribeInstances', async () => {
      const batches = await mapLimit(chunk([...new Set(instanceIds)], LIMITS.instanceIdsPerCall), 4, async (ids) => {
        const found: InstanceTags[] = [];
        const pages = paginateDescribeInstances({ client: this.clients.ec2, pageSize: LIMITS.ec2InstancesPage }, { Filters: [{ Name: 'instance-id', Values: ids }] });
        for await (const page of pages) {
          for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) if (i.InstanceId) found.push(map.toInstanceTags(i.InstanceId, i));
        }
        return found;
      });
      return batches.flat();
    });
  }

  /** Patch states of every instance SSM counts in the patch group. */
  listPatchStates(group: GroupTarget): Promise<InstancePatchState[]> {
    return this.call('ssm', 'DescribeInstancePatchStatesForPatchGroup', async () => {
      const states: InstancePatchState[] = [];
      const pages = paginateDescribeInstancePatchStatesForPatchGroup(
        { client: this.clients.ssm, pageSize: LIMITS.patchStatesPage },
        { PatchGroup: group.tagValue },
      );
      for await (const page of pages) states.push(...(page.InstancePatchStates ?? []).map(map.toPatchState));
      return states;
    });
  }

  /** Patch states of the given instances, asked 50 ids at a time. */
  getPatchStates(instanceIds: readonly string[]): Promise<InstancePatchState[]> {
    return this.call('ssm', 'DescribeInstancePatchStates', async () => {
      const batches = await mapLimit(chunk(instanceIds, LIMITS.instanceIdsPerCall), 4, async (ids) => {
        const states: InstancePatchState[] = [];
        const pages = paginateDescribeInstancePatchStates(
          { client: this.clients.ssm, pageSize: LIMITS.patchStatesPage },
          { InstanceIds: ids },
        );
        for await (const page of pages) states.push(...(page.InstancePatchStates ?? []).map(map.toPatchState));
        return states;
      });
      return batches.flat();
    });
  }

  /** The patches of each instance in the given states (default: Missing, Failed, InstalledPendingReboot). */
  listInstancePatches(
    instanceIds: readonly string[],
    states: readonly PatchState[] = ['Missing', 'Failed', 'InstalledPendingReboot'],
  ): Promise<Map<string, InstancePatch[]>> {
    return this.call('ssm', 'DescribeInstancePatches', async () => {
      const lists = await mapLimit(instanceIds, PER_INSTANCE_CONCURRENCY, async (instanceId) => {
        const patches: InstancePatch[] = [];
        const pages = paginateDescribeInstancePatches(
          { client: this.clients.ssm, pageSize: LIMITS.instancePatchesPage },
          { InstanceId: instanceId, Filters: [{ Key: 'State', Values: [...states] }] },
        );
        for await (const page of pages) patches.push(...(page.Patches ?? []).map(map.toInstancePatch));
        return [instanceId, patches] as const;
      });
      return new Map(lists);
    });
  }

  /** SSM's own summary of the patch group. */
  getPatchGroupState(group: GroupTarget): Promise<PatchGroupState> {
    return this.call('ssm', 'DescribePatchGroupState', async () =>
      map.toPatchGroupState(await this.clients.ssm.send(new DescribePatchGroupStateCommand({ PatchGroup: group.tagValue }))),
    );
  }

  /** The baseline registered for the group (for its operating system), with its approval rules. */
  async getBaseline(group: GroupTarget): Promise<PatchBaseline> {
    const baselineId = await this.call('ssm', 'GetPatchBaselineForPatchGroup', async () => {
      const out = await this.clients.ssm.send(
        new GetPatchBaselineForPatchGroupCommand({
          PatchGroup: group.tagValue,
          OperatingSystem: group.operatingSystem as OperatingSystem,
        }),
      );
      return out.BaselineId ?? '';
    });
    return this.call('ssm', 'GetPatchBaseline', async () =>
      map.toBaseline(await this.clients.ssm.send(new GetPatchBaselineCommand({ BaselineId: baselineId }))),
    );
  }

  /** Every maintenance window with its schedule and next run. */
  listMaintenanceWindows(): Promise<MaintenanceWindow[]> {
    return this.call('ssm', 'DescribeMaintenanceWindows', async () => {
      const windows: MaintenanceWindow[] = [];
      const pages = paginateDescribeMaintenanceWindows({ client: this.clients.ssm, pageSize: LIMITS.windowsPage }, {});
      for await (const page of pages) windows.push(...(page.WindowIdentities ?? []).map(map.toWindow));
      return windows;
    });
  }

  /** One window with its targets and tasks. */
  async getMaintenanceWindow(windowId: string): Promise<MaintenanceWindowDetail> {
    const [window, targets, tasks] = await Promise.all([
      this.call('ssm', 'GetMaintenanceWindow', async () => {
        const w = await this.clients.ssm.send(new GetMaintenanceWindowCommand({ WindowId: windowId }));
        return map.toWindow({ ...w, NextExecutionTime: w.NextExecutionTime });
      }),
      this.call('ssm', 'DescribeMaintenanceWindowTargets', async () => {
        const found = [];
        const pages = paginateDescribeMaintenanceWindowTargets(
          { client: this.clients.ssm, pageSize: LIMITS.windowsPage },
          { WindowId: windowId },
        );
        for await (const page of pages) found.push(...(page.Targets ?? []).map(map.toWindowTarget));
        return found;
      }),
      this.call('ssm', 'DescribeMaintenanceWindowTasks', async () => {
        const found = [];
        const pages = paginateDescribeMaintenanceWindowTasks(
          { client: this.clients.ssm, pageSize: LIMITS.windowsPage },
          { WindowId: windowId },
        );
        for await (const page of pages) found.push(...(page.Tasks ?? []).map(map.toWindowTask));
        return found;
      }),
    ]);
    return { ...window, targets, tasks };
  }

  /** Executions of a window, newest first as SSM lists them, optionally only those started after `after`. */
  listWindowExecutions(windowId: string, after?: Date): Promise<WindowExecution[]> {
    return this.call('ssm', 'DescribeMaintenanceWindowExecutions', async () => {
      const found: WindowExecution[] = [];
      const pages = paginateDescribeMaintenanceWindowExecutions(
        { client: this.clients.ssm, pageSize: LIMITS.windowsPage },
        {
          WindowId: windowId,
          ...(after ? { Filters: [{ Key: 'ExecutedAfter', Values: [filterTimestamp(after)] }] } : {}),
        },
      );
      for await (const page of pages) found.push(...(page.WindowExecutions ?? []).map(map.toWindowExecution));
      return found;
    });
  }

  /** The tasks of one window execution. */
  listWindowExecutionTasks(executionId: string): Promise<WindowExecutionTask[]> {
    return this.call('ssm', 'DescribeMaintenanceWindowExecutionTasks', async () => {
      const found: WindowExecutionTask[] = [];
      const pages = paginateDescribeMaintenanceWindowExecutionTasks(
        { client: this.clients.ssm, pageSize: LIMITS.windowsPage },
        { WindowExecutionId: executionId },
      );
      for await (const page of pages) found.push(...(page.WindowExecutionTaskIdentities ?? []).map(map.toWindowExecutionTask));
      return found;
    });
  }

  /** The invocations of one task of a window execution. */
  listWindowTaskInvocations(executionId: string, taskExecutionId: string): Promise<WindowTaskInvocation[]> {
    return this.call('ssm', 'DescribeMaintenanceWindowExecutionTaskInvocations', async () => {
      const found: WindowTaskInvocation[] = [];
      const pages = paginateDescribeMaintenanceWindowExecutionTaskInvocations(
        { client: this.clients.ssm, pageSize: LIMITS.windowsPage },
        { WindowExecutionId: executionId, TaskId: taskExecutionId },
      );
      for await (const page of pages) {
        found.push(...(page.WindowExecutionTaskInvocationIdentities ?? []).map(map.toWindowTaskInvocation));
      }
      return found;
    });
  }

  /** How long a SendCommand or RebootInstances of this gateway can still be on its way after it was started. */
  get sendTimeoutMs(): number {
    return this.clients.once.sendTimeoutMs;
  }

  /**
   * Sends AWS-RunPatchBaseline to the group's tag (or to given instances, or to a tag of patchbot's);
   * returns the command id. One attempt, never retried by the SDK: when it fails with an AwsError
   * whose `outcomeUnknown` is true, the command may have run, and only findPatchCommands can tell.
   */
  sendPatchCommand(spec: PatchCommandSpec): Promise<string> {
    const comment = patchCommandComment(spec.operationId);
    if (spec.instanceIds && (spec.instanceIds.length === 0 || spec.instanceIds.length > LIMITS.instanceIdsPerCall)) {
      throw new InputError(`a patch command takes 1 to ${LIMITS.instanceIdsPerCall} instance ids, got ${spec.instanceIds.length}`);
    }
    return this.call('ssm', 'SendCommand', async () => {
      const out = await this.clients.once.ssm.send(
        new SendCommandCommand({
          DocumentName: PATCH_DOCUMENT,
          Parameters: { Operation: [spec.operation], RebootOption: [spec.rebootOption] },
          ...(spec.instanceIds
            ? { InstanceIds: spec.instanceIds }
            : spec.tagTarget
              ? { Targets: [{ Key: `tag:${spec.tagTarget.key}`, Values: [spec.tagTarget.value] }] }
              : { Targets: [{ Key: `tag:${spec.group.tagKey}`, Values: [spec.group.tagValue] }] }),
          MaxConcurrency: spec.maxConcurrency,
          MaxErrors: spec.maxErrors,
          Comment: comment,
          TimeoutSeconds: spec.timeoutSeconds,
        }),
      );
      const commandId = out.Command?.CommandId;
      if (!commandId) throw new Error('SendCommand answered without a command id');
      this.log.info({ commandId, operationId: spec.operationId, operation: spec.operation }, 'patch command sent');
      return commandId;
    });
  }

  /** Patch commands whose Comment carries the operation id, sent after `since` (how a restart finds a send that happened). */
  findPatchCommands(operationId: string, since: Date): Promise<CommandSummary[]> {
    const comment = patchCommandComment(operationId);
    return this.call('ssm', 'ListCommands', async () => {
      const found: CommandSummary[] = [];
      const pages = paginateListCommands(
        { client: this.clients.ssm, pageSize: LIMITS.commandsPage },
        {
          Filters: [
            { key: 'DocumentName', value: PATCH_DOCUMENT },
            { key: 'InvokedAfter', value: filterTimestamp(since) },
          ],
        },
      );
      for await (const page of pages) {
        for (const c of page.Commands ?? []) if (c.Comment === comment) found.push(map.toCommandSummary(c));
      }
      return found;
    });
  }

  /** Every instance's invocation of a command. */
  listCommandInvocations(commandId: string): Promise<CommandInvocation[]> {
    return this.call('ssm', 'ListCommandInvocations', async () => {
      const found: CommandInvocation[] = [];
      const pages = paginateListCommandInvocations(
        { client: this.clients.ssm, pageSize: LIMITS.commandsPage },
        { CommandId: commandId },
      );
      for await (const page of pages) found.push(...(page.CommandInvocations ?? []).map(map.toInvocation));
      return found;
    });
  }

  /** Cancels a command on all its instances, or on the given ones. */
  async cancelCommand(commandId: string, instanceIds?: readonly string[]): Promise<void> {
    await this.call('ssm', 'CancelCommand', () =>
      this.clients.ssm.send(new CancelCommandCommand({ CommandId: commandId, ...(instanceIds ? { InstanceIds: [...instanceIds] } : {}) })),
    );
  }

  /** Puts one tag on instances (EC2 CreateTags, 1,000 ids a call); tagging again is harmless, so a retry is safe. */
  async tagInstances(instanceIds: readonly string[], key: string, value: string): Promise<void> {
    for (const ids of chunk(instanceIds, LIMITS.tagResourcesPerCall)) {
      await this.call('ec2', 'CreateTags', () => this.clients.ec2.send(new CreateTagsCommand({ Resources: ids, Tags: [{ Key: key, Value: value }] })));
    }
  }

  /** Removes a tag from instances where it still has `value` (EC2 DeleteTags, 1,000 ids a call). */
  async untagInstances(instanceIds: readonly string[], key: string, value: string): Promise<void> {
    for (const ids of chunk(instanceIds, LIMITS.tagResourcesPerCall)) {
      await this.call('ec2', 'DeleteTags', () => this.clients.ec2.send(new DeleteTagsCommand({ Resources: ids, Tags: [{ Key: key, Value: value }] })));
    }
  }

  /** Reboots instances through EC2, 50 ids per call. */
  async rebootInstances(instanceIds: readonly string[]): Promise<void> {
    for (const ids of chunk(instanceIds, LIMITS.instanceIdsPerCall)) {
      await this.call('ec2', 'RebootInstances', () => this.clients.once.ec2.send(new RebootInstancesCommand({ InstanceIds: ids })));
    }
  }

  /** Runs one AWS call (or a paginated series), logging it and turning failures into AwsError. */
  private async call<T>(service: string, operation: string, fn: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      const result = await fn();
      this.log.debug({ service, operation, ms: Date.now() - started }, 'aws call');
      return result;
    } catch (err) {
      const mapped = toAwsError(err, { service, operation, scope: this.scope, region: this.region });
      this.log.warn(
        { service, operation, code: mapped.code, awsCode: mapped.awsCode, requestId: mapped.requestId, ms: Date.now() - started },
        'aws call failed',
      );
      throw mapped;
    }
  }
}

/**
 * A time as SSM's filter values document it, in whole seconds (`2024-07-07T00:00:00Z`), rounded
 * down: the "after" filters (InvokedAfter, ExecutedAfter) include their bound, so rounding down
 * only widens the look by under a second and never misses an item of the bound's own second.
 * Callers match what they find by identity (the command's Comment, the execution id already seen),
 * so the wider look counts nothing twice.
 */
export function filterTimestamp(at: Date): string {
  return new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

/** The Comment patchbot puts on its commands: it names the operation so a restart can find the command. */
export function patchCommandComment(operationId: string): string {
  const comment = `patchbot ${operationId}`;
  if (comment.length > LIMITS.commentLength) throw new InputError(`operation id too long for an SSM Comment: ${operationId}`);
  return comment;
}
