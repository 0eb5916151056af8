/**
 * The domain's ports: what it asks of AWS (FleetPort, which src/aws's FleetGateway implements) and
 * of the store (the repositories' types, re-exported here so the rest of the domain reaches the
 * store only through this file). The vocabulary the fleet port speaks is in fleet-types.ts.
 */
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
} from './fleet-types';

export type {
  AuditEntry,
  ComplianceHistoryReader,
  GroupDay,
  HistoryPruned,
  InstanceDay,
  InstanceHistoryReader,
  NewHistoryDay,
  NewInstanceDay,
  NewSnapshotEntry,
  Operation,
  OperationCommand,
  OperationPost,
  SnapshotEntry,
  SnapshotScope,
  ScopeSummary,
  SnapshotSummary,
  SnapshotPatch,
  Store,
  StoreTx,
} from '../store';
export { SYSTEM_ACTOR, normalizeOperationId } from '../store';

/** Everything patchbot asks of SSM, EC2 and STS in one scope and region; lists are complete (paginated). */
export interface FleetPort {
  readonly scope: string;
  readonly region: string;
  /** The scope's account id when the configuration names it; views show it beside the scope's name. */
  readonly account?: string | undefined;
  /** The account and identity the scope's credentials resolve to. */
  whoAmI(): Promise<{ account: string; arn: string }>;
  /** The group's instances (SSM joined with EC2's Name and state; stopped ones from EC2 alone). */
  listManagedInstances(group: GroupTarget): Promise<ManagedInstance[]>;
  /** The group's members and patch states together, in the fewest calls (no agent platform or version, no Online ping time). */
  readGroup(group: GroupTarget): Promise<GroupRead>;
  /** Instances tagged with the other spelling of the patch group tag key, and not members already. */
  listOtherSpelling(group: GroupTarget): Promise<ManagedInstance[]>;
  /** The tags (and Name) of the given instances; ids EC2 no longer knows are left out. */
  describeInstanceTags(instanceIds: readonly string[]): Promise<InstanceTags[]>;
  /** Live instances (not terminated) with this id or Name tag, with their tags and SSM agent view. */
  findInstances(query: InstanceQuery): Promise<FoundInstance[]>;
  /** Patch states of every instance SSM counts in the patch group. */
  listPatchStates(group: GroupTarget): Promise<InstancePatchState[]>;
  /** Patch states of the given instances. */
  getPatchStates(instanceIds: readonly string[]): Promise<InstancePatchState[]>;
  /** The patches of each instance in the given states (default: Missing, Failed, InstalledPendingReboot). */
  listInstancePatches(
    instanceIds: readonly string[],
    states?: readonly PatchState[],
  ): Promise<Map<string, InstancePatch[]>>;
  /** SSM's own summary of the patch group. */
  getPatchGroupState(group: GroupTarget): Promise<PatchGroupState>;
  /** The baseline registered for the group, with its approval rules. */
  getBaseline(group: GroupTarget): Promise<PatchBaseline>;
  /** Every maintenance window with its schedule and next run. */
  listMaintenanceWindows(): Promise<MaintenanceWindow[]>;
  /** One window with its targets and tasks. */
  getMaintenanceWindow(windowId: string): Promise<MaintenanceWindowDetail>;
  /** Executions of a window, newest first, optionally only those started after `after`. */
  listWindowExecutions(windowId: string, after?: Date): Promise<WindowExecution[]>;
  /** The tasks of one window execution. */
  listWindowExecutionTasks(executionId: string): Promise<WindowExecutionTask[]>;
  /** The invocations of one task of a window execution. */
  listWindowTaskInvocations(executionId: string, taskExecutionId: string): Promise<WindowTaskInvocation[]>;
  /**
   * The combined state of Change Calendars (names or document ARNs; OPEN only if all are), now or at
   * `atTime`. A calendar that does not exist, is not a calendar, or may not be read throws a CalendarError.
   */
  getCalendarState(names: readonly string[], atTime?: Date): Promise<CalendarReading>;
  /** How long a send or reboot can still be on its way after it was started. */
  readonly sendTimeoutMs: number;
  /** Sends the patch document; one attempt (an AwsError with outcomeUnknown means it may have run). */
  sendPatchCommand(spec: PatchCommandSpec): Promise<string>;
  /** Patch commands whose Comment names the operation, sent after `since`. */
  findPatchCommands(operationId: string, since: Date): Promise<CommandSummary[]>;
  /** Every instance's invocation of a command. */
  listCommandInvocations(commandId: string): Promise<CommandInvocation[]>;
  /** One instance's invocation with its (truncated) output; `pluginName` is the step of a document with several. */
  getCommandInvocation(commandId: string, instanceId: string, pluginName?: string): Promise<InvocationOutput>;
  /** Cancels a command on all its instances, or on the given ones. */
  cancelCommand(commandId: string, instanceIds?: readonly string[]): Promise<void>;
  /** Puts one tag on instances; tagging again is harmless. */
  tagInstances(instanceIds: readonly string[], key: string, value: string): Promise<void>;
  /** Removes a tag from instances where it still has `value`. */
  untagInstances(instanceIds: readonly string[], key: string, value: string): Promise<void>;
  /** Reboots instances through EC2. */
  rebootInstances(instanceIds: readonly string[]): Promise<void>;
}

/** What the domain's group work asks of a gateway (everything but identity and window-task detail); tests may fake it. */
export type PatchGateway = Omit<
  FleetPort,
  'whoAmI' | 'getPatchGroupState' | 'listWindowExecutionTasks' | 'listWindowTaskInvocations'
>;

// The S3 side of a promote: the pinned list written right before the send (src/aws/s3-writer.ts).
/** Where an object goes, and with which scope's credentials and region it is written. */
export interface ObjectPut {
  /** The scope and region whose credentials write it (the group's first sending gateway). */
  scope: string;
  region: string;
  bucket: string;
  key: string;
  body: string;
  contentType: string;
}

/** Writes objects; a failure is an AwsError naming the bucket's problem (denied, no such bucket). */
export interface ObjectWriter {
  /** Writes (or rewrites) one object; the same key and body written twice leave the same object. */
  putObject(put: ObjectPut): Promise<void>;
}
