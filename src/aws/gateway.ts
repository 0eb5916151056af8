import {
  DescribeInstancePatchStatesCommand,
  DescribeInstancePatchStatesForPatchGroupCommand,
  DescribePatchGroupStateCommand,
  GetPatchBaselineCommand,
  GetPatchBaselineForPatchGroupCommand,
  paginateDescribeInstancePatches,
  type OperatingSystem,
} from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Logger } from '../logger';
import type { RegionClients } from './clients';
import { chunk, mapLimit } from '../shared/concurrency';
import { toAwsError } from './error-mapping';
import * as map from './mappers';
import { patchStatePage } from './patch-state-pages';
import * as commandCalls from './command-calls';
import * as instanceCalls from './instance-calls';
import * as groupRead from './group-read';
import type { GatewayCalls } from './gateway-calls';
import * as windowCalls from './window-calls';
import * as calendarCalls from './calendar-calls';
import type { FleetPort } from '../patching/ports';
import { LIMITS } from '../patching/fleet-types';
import type {
  CalendarReading,
  CommandInvocation,
  CommandSummary,
  FoundInstance,
  GroupRead,
  GroupTarget,
  InstancePatch,
  InstancePatchState,
  InstanceQuery,
  InstanceTags,
  InvocationOutput,
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

/** How many per-instance calls (DescribeInstancePatches) run at once in one scope and region. */
const PER_INSTANCE_CONCURRENCY = 8;

/** Where a gateway works: the clients of one scope and region. */
export interface FleetGatewayDeps {
  clients: RegionClients;
  scope: string;
  region: string;
  logger: Logger;
  /** The scope's account id when the config names it: the document ARN a denied calendar read names. */
  account?: string | undefined;
}

/** Everything patchbot asks of SSM, EC2 and STS in one scope and region; every list paginates to completion. */
export class FleetGateway implements FleetPort {
  readonly scope: string;
  readonly region: string;
  /** The scope's account id when the config names it (accountId or the role's ARN). */
  readonly account: string | undefined;
  private readonly clients: RegionClients;
  private readonly log: Logger;
  /** What the instance, window and command calls (instance-calls.ts, window-calls.ts, command-calls.ts) use of this gateway. */
  private readonly calls: GatewayCalls;

  constructor(deps: FleetGatewayDeps) {
    this.clients = deps.clients;
    this.scope = deps.scope;
    this.region = deps.region;
    this.account = deps.account;
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

  // Instance reads: each does what FleetPort says; the work is in instance-calls.ts.
  listManagedInstances(group: GroupTarget): Promise<ManagedInstance[]> {
    return instanceCalls.listManagedInstances(this.calls, group);
  }

  readGroup(group: GroupTarget): Promise<GroupRead> {
    return groupRead.readGroup(this.calls, group, (g) => this.listPatchStates(g));
  }

  listOtherSpelling(group: GroupTarget): Promise<ManagedInstance[]> {
    return instanceCalls.listOtherSpelling(this.calls, group);
  }

  describeInstanceTags(instanceIds: readonly string[]): Promise<InstanceTags[]> {
    return instanceCalls.describeInstanceTags(this.calls, instanceIds);
  }

  findInstances(query: InstanceQuery): Promise<FoundInstance[]> {
    return instanceCalls.findInstances(this.calls, query);
  }

  /** Patch states of every instance SSM counts in the patch group. */
  listPatchStates(group: GroupTarget): Promise<InstancePatchState[]> {
    return this.call('ssm', 'DescribeInstancePatchStatesForPatchGroup', async () => {
      return this.allPatchStates(
        (token) =>
          new DescribeInstancePatchStatesForPatchGroupCommand({
            PatchGroup: group.tagValue,
            MaxResults: LIMITS.patchStatesPage,
            NextToken: token,
          }),
      );
    });
  }

  /** Patch states of the given instances, asked 50 ids at a time. */
  getPatchStates(instanceIds: readonly string[]): Promise<InstancePatchState[]> {
    return this.call('ssm', 'DescribeInstancePatchStates', async () => {
      const batches = await mapLimit(chunk(instanceIds, LIMITS.instanceIdsPerCall), 4, (ids) =>
        this.allPatchStates(
          (token) =>
            new DescribeInstancePatchStatesCommand({
              InstanceIds: ids,
              MaxResults: LIMITS.patchStatesPage,
              NextToken: token,
            }),
        ),
      );
      return batches.flat();
    });
  }

  /** Every page of one patch state listing, each asked with the token the page before gave. */
  private async allPatchStates(
    command: (token: string | undefined) => Parameters<typeof patchStatePage>[1],
  ): Promise<InstancePatchState[]> {
    const states: InstancePatchState[] = [];
    let token: string | undefined;
    do {
      const page = await patchStatePage(this.clients.ssm, command(token), this.clients.turns);
      for (const s of page.states) states.push(map.toPatchState(s));
      token = page.nextToken;
    } while (token);
    return states;
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

  getCalendarState(names: readonly string[], atTime?: Date): Promise<CalendarReading> {
    return calendarCalls.getCalendarState(
      this.calls,
      { scope: this.scope, region: this.region, account: this.account },
      names,
      atTime,
    );
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

  getCommandInvocation(commandId: string, instanceId: string, pluginName?: string): Promise<InvocationOutput> {
    return commandCalls.getCommandInvocation(this.calls, commandId, instanceId, pluginName);
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
