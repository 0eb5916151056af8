import { paginateDescribeInstances, type Instance as Ec2Instance } from '@aws-sdk/client-ec2';
import {
  DescribePatchGroupStateCommand,
  GetPatchBaselineCommand,
  GetPatchBaselineForPatchGroupCommand,
  paginateDescribeInstanceInformation,
  paginateDescribeInstancePatches,
  paginateDescribeInstancePatchStates,
  paginateDescribeInstancePatchStatesForPatchGroup,
  type InstanceInformation,
  type OperatingSystem,
} from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Logger } from '../logger';
import type { RegionClients } from './clients';
import { chunk, mapLimit } from '../shared/concurrency';
import { toAwsError } from './error-mapping';
import * as map from './mappers';
import * as commandCalls from './command-calls';
import type { GatewayCalls } from './gateway-calls';
import * as windowCalls from './window-calls';
import type { FleetPort } from '../patching/ports';
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

export { PATCH_DOCUMENT, patchCommandComment } from './command-calls';
export { filterTimestamp } from './gateway-calls';
export { LIMITS } from '../patching/fleet-types';

/** EC2 states of instances that still exist (not terminated or shutting down). */
const LIVE_EC2_STATES = ['pending', 'running', 'stopping', 'stopped'] as const;

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
  /** What the window and command calls (window-calls.ts, command-calls.ts) use of this gateway. */
  private readonly calls: GatewayCalls;

  constructor(deps: FleetGatewayDeps) {
    this.clients = deps.clients;
    this.scope = deps.scope;
    this.region = deps.region;
    this.log = deps.logger.child({ subsystem: 'aws', scope: deps.scope, region: deps.region });
    this.calls = {
      clients: this.clients,
      log: this.log,
      call: (service, operation, fn) => this.call(service, operation, fn),
    };
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
        const pages = paginateDescribeInstances(
          { client: this.clients.ec2, pageSize: LIMITS.ec2InstancesPage },
          { Filters: [{ Name: 'instance-id', Values: ids }] },
        );
        for await (const page of pages) {
          for (const r of page.Reservations ?? [])
            for (const i of r.Instances ?? []) if (i.InstanceId) found.push(map.toInstanceTags(i.InstanceId, i));
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
      map.toPatchGroupState(
        await this.clients.ssm.send(new DescribePatchGroupStateCommand({ PatchGroup: group.tagValue })),
      ),
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

  // Window reads and changes: each does what FleetPort says; the work is in window-calls.ts and command-calls.ts.
  listMaintenanceWindows(): Promise<MaintenanceWindow[]> {
    return windowCalls.listMaintenanceWindows(this.calls);
  }

  getMaintenanceWindow(windowId: string): Promise<MaintenanceWindowDetail> {
    return windowCalls.getMaintenanceWindow(this.calls, windowId);
  }

  listWindowExecutions(windowId: string, after?: Date): Promise<WindowExecution[]> {
    return windowCalls.listWindowExecutions(this.calls, windowId, after);
  }

  listWindowExecutionTasks(executionId: string): Promise<WindowExecutionTask[]> {
    return windowCalls.listWindowExecutionTasks(this.calls, executionId);
  }

  listWindowTaskInvocations(executionId: string, taskExecutionId: string): Promise<WindowTaskInvocation[]> {
    return windowCalls.listWindowTaskInvocations(this.calls, executionId, taskExecutionId);
  }

  /** How long a SendCommand or RebootInstances of this gateway can still be on its way after it was started. */
  get sendTimeoutMs(): number {
    return this.clients.once.sendTimeoutMs;
  }

  sendPatchCommand(spec: PatchCommandSpec): Promise<string> {
    return commandCalls.sendPatchCommand(this.calls, spec);
  }

  findPatchCommands(operationId: string, since: Date): Promise<CommandSummary[]> {
    return commandCalls.findPatchCommands(this.calls, operationId, since);
  }

  listCommandInvocations(commandId: string): Promise<CommandInvocation[]> {
    return commandCalls.listCommandInvocations(this.calls, commandId);
  }

  cancelCommand(commandId: string, instanceIds?: readonly string[]): Promise<void> {
    return commandCalls.cancelCommand(this.calls, commandId, instanceIds);
  }

  tagInstances(instanceIds: readonly string[], key: string, value: string): Promise<void> {
    return commandCalls.tagInstances(this.calls, instanceIds, key, value);
  }

  untagInstances(instanceIds: readonly string[], key: string, value: string): Promise<void> {
    return commandCalls.untagInstances(this.calls, instanceIds, key, value);
  }

  rebootInstances(instanceIds: readonly string[]): Promise<void> {
    return commandCalls.rebootInstances(this.calls, instanceIds);
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
        {
          service,
          operation,
          code: mapped.code,
          awsCode: mapped.awsCode,
          requestId: mapped.requestId,
          ms: Date.now() - started,
        },
        'aws call failed',
      );
      throw mapped;
    }
  }
}
