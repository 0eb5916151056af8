/**
 * Maintenance windows: the windows with their next run, targets and tasks, and the executions
 * down to each task invocation (a RUN_COMMAND invocation's ExecutionId is its command id).
 */
import { SimulatorError, validationException } from '../errors';
import { checkPattern, reqString, type Input } from '../validate';
import { newestFirstKey } from '../paging';
import { formatExecutionTime, nextExecution } from '../cron';
import { executionView, taskExecutionView, taskInvocationView } from '../fleet/windows';
import type { MaintenanceWindow, WindowExecution } from '../fleet/model';
import { keyValueFilters, padKey, pageOf, parseTimestamp, valueMatches, type SsmContext } from './common';

const WINDOW_ID = /^mw-[0-9a-f]{17}$/;
const EXECUTION_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function unknownFilter(valid: string[]) {
  return (key: string) => validationException(`The filter key ${key} is not valid. Valid keys: ${valid.join(', ')}.`);
}

function nextRun(window: MaintenanceWindow, now: number): string | undefined {
  if (!window.enabled) return undefined;
  const next = nextExecution(window.schedule, {
    after: new Date(now),
    ...(window.scheduleTimezone ? { timezone: window.scheduleTimezone } : {}),
    anchor: window.createdDate,
    ...(window.scheduleOffset ? { offsetDays: window.scheduleOffset } : {}),
  });
  return next ? formatExecutionTime(next, window.scheduleTimezone) : undefined;
}

function windowFields(window: MaintenanceWindow, now: number): Record<string, unknown> {
  return {
    WindowId: window.id,
    Name: window.name,
    ...(window.description ? { Description: window.description } : {}),
    Enabled: window.enabled,
    Duration: window.duration,
    Cutoff: window.cutoff,
    Schedule: window.schedule,
    ...(window.scheduleTimezone ? { ScheduleTimezone: window.scheduleTimezone } : {}),
    ...(window.scheduleOffset ? { ScheduleOffset: window.scheduleOffset } : {}),
    NextExecutionTime: nextRun(window, now),
  };
}

function requireWindow(ctx: SsmContext, input: Input): MaintenanceWindow {
  const id = reqString(input, 'WindowId');
  checkPattern('WindowId', id, WINDOW_ID);
  const window = ctx.partition.windows.get(id);
  if (!window) throw new SimulatorError('DoesNotExistException', `Maintenance window ${id} does not exist`);
  return window;
}

/** Lists windows, filtered by Name or Enabled. */
export function describeMaintenanceWindows(ctx: SsmContext, input: Input): object {
  const filters = keyValueFilters(input, {
    allowed: (k) => k === 'Name' || k === 'Enabled',
    unknownKey: unknownFilter(['Name', 'Enabled']),
  });
  const windows = [...ctx.partition.windows.values()].filter((w) =>
    filters.every((f) => (f.Key === 'Name' ? f.Values.includes(w.name) : f.Values.includes(String(w.enabled)))),
  );
  const page = pageOf(ctx, input, windows, (w) => w.id);
  return {
    WindowIdentities: page.items.map((w) => windowFields(w, ctx.now)),
    ...(page.NextToken ? { NextToken: page.NextToken } : {}),
  };
}

/** One window. */
export function getMaintenanceWindow(ctx: SsmContext, input: Input): object {
  const window = requireWindow(ctx, input);
  return {
    ...windowFields(window, ctx.now),
    AllowUnassociatedTargets: window.allowUnassociatedTargets,
    CreatedDate: window.createdDate,
    ModifiedDate: window.modifiedDate,
  };
}

/** A window's registered targets. */
export function describeMaintenanceWindowTargets(ctx: SsmContext, input: Input): object {
  const window = requireWindow(ctx, input);
  const valid = ['WindowTargetId', 'OwnerInformation', 'Name'];
  const filters = keyValueFilters(input, { allowed: (k) => valid.includes(k), unknownKey: unknownFilter(valid) });
  const targets = window.targets
    .filter((t) =>
      filters.every((f) => {
        const value = f.Key === 'WindowTargetId' ? t.id : f.Key === 'Name' ? t.name : (t.ownerInformation ?? '');
        return f.Values.some((v) => valueMatches(v, value));
      }),
    )
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const page = pageOf(ctx, input, targets, (t) => t.id);
  return {
    Targets: page.items.map((t) => ({
      WindowId: window.id,
      WindowTargetId: t.id,
      ResourceType: 'INSTANCE',
      Targets: t.targets,
      ...(t.ownerInformation ? { OwnerInformation: t.ownerInformation } : {}),
      Name: t.name,
      ...(t.description ? { Description: t.description } : {}),
    })),
    ...(page.NextToken ? { NextToken: page.NextToken } : {}),
  };
}

/** A window's registered tasks, in priority order. */
export function describeMaintenanceWindowTasks(ctx: SsmContext, input: Input): object {
  const window = requireWindow(ctx, input);
  const valid = ['WindowTaskId', 'TaskArn', 'Priority', 'TaskType'];
  const filters = keyValueFilters(input, { allowed: (k) => valid.includes(k), unknownKey: unknownFilter(valid) });
  const tasks = window.tasks.filter((t) =>
    filters.every((f) => {
      const value =
        f.Key === 'WindowTaskId'
          ? t.id
          : f.Key === 'TaskArn'
            ? t.taskArn
            : f.Key === 'Priority'
              ? String(t.priority)
              : 'RUN_COMMAND';
      return f.Values.includes(value);
    }),
  );
  const key = (t: (typeof tasks)[number]) => `${padKey(t.priority, 5)}|${t.id}`;
  const sorted = [...tasks].sort((a, b) => (key(a) < key(b) ? -1 : 1));
  const page = pageOf(ctx, input, sorted, key);
  return {
    Tasks: page.items.map((t) => ({
      WindowId: window.id,
      WindowTaskId: t.id,
      TaskArn: t.taskArn,
      Type: 'RUN_COMMAND',
      Targets: t.targets,
      TaskParameters: Object.fromEntries(Object.entries(t.parameters).map(([k, v]) => [k, { Values: v }])),
      Priority: t.priority,
      ...(t.serviceRoleArn ? { ServiceRoleArn: t.serviceRoleArn } : {}),
      MaxConcurrency: t.maxConcurrency,
      MaxErrors: t.maxErrors,
      Name: t.name,
      ...(t.description ? { Description: t.description } : {}),
      CutoffBehavior: t.cutoffBehavior,
    })),
    ...(page.NextToken ? { NextToken: page.NextToken } : {}),
  };
}

/** A window's executions, newest first, filtered by ExecutedBefore / ExecutedAfter. */
export function describeMaintenanceWindowExecutions(ctx: SsmContext, input: Input): object {
  const windowId = reqString(input, 'WindowId');
  checkPattern('WindowId', windowId, WINDOW_ID);
  const filters = keyValueFilters(input, {
    allowed: (k) => k === 'ExecutedBefore' || k === 'ExecutedAfter',
    unknownKey: unknownFilter(['ExecutedBefore', 'ExecutedAfter']),
  });
  const bounds = filters.map((f) => {
    if (f.Values.length !== 1) throw validationException(`Filter ${f.Key} takes exactly one value.`);
    return { key: f.Key, at: parseTimestamp(f.Values[0] as string, f.Key) };
  });
  const executions = [...ctx.partition.executions.values()]
    .filter((e) => e.windowId === windowId)
    .filter((e) => bounds.every((b) => (b.key === 'ExecutedAfter' ? e.startedAt >= b.at : e.startedAt <= b.at)))
    .sort((a, b) => (newestFirstKey(a.startedAt, a.id) < newestFirstKey(b.startedAt, b.id) ? -1 : 1));
  const page = pageOf(ctx, input, executions, (e) => newestFirstKey(e.startedAt, e.id));
  return {
    WindowExecutions: page.items.map((e) => {
      const view = executionView(ctx.partition, e, ctx.now);
      return {
        WindowId: e.windowId,
        WindowExecutionId: e.id,
        Status: view.status,
        ...(view.details ? { StatusDetails: view.details } : {}),
        StartTime: new Date(e.startedAt),
        ...(view.endTime !== undefined ? { EndTime: new Date(view.endTime) } : {}),
      };
    }),
    ...(page.NextToken ? { NextToken: page.NextToken } : {}),
  };
}

function requireExecution(ctx: SsmContext, input: Input): WindowExecution {
  const id = reqString(input, 'WindowExecutionId');
  checkPattern('WindowExecutionId', id, EXECUTION_ID);
  const execution = ctx.partition.executions.get(id);
  if (!execution)
    throw new SimulatorError('DoesNotExistException', `Maintenance window execution ${id} does not exist`);
  return execution;
}

/** The task executions of one window execution, in the order they ran. */
export function describeMaintenanceWindowExecutionTasks(ctx: SsmContext, input: Input): object {
  const execution = requireExecution(ctx, input);
  const filters = keyValueFilters(input, { allowed: (k) => k === 'Status', unknownKey: unknownFilter(['Status']) });
  const tasks = execution.tasks
    .map((t, index) => ({ t, index, view: taskExecutionView(ctx.partition, t, ctx.now) }))
    .filter(({ view }) => filters.every((f) => f.Values.includes(view.status)));
  const page = pageOf(ctx, input, tasks, ({ index }) => padKey(index, 5));
  return {
    WindowExecutionTaskIdentities: page.items.map(({ t, view }) => ({
      WindowExecutionId: execution.id,
      TaskExecutionId: t.id,
      Status: view.status,
      ...(view.details ? { StatusDetails: view.details } : {}),
      ...(view.startTime !== undefined ? { StartTime: new Date(view.startTime) } : {}),
      ...(view.endTime !== undefined ? { EndTime: new Date(view.endTime) } : {}),
      TaskArn: t.task.taskArn,
      TaskType: 'RUN_COMMAND',
    })),
    ...(page.NextToken ? { NextToken: page.NextToken } : {}),
  };
}

/** The per-target invocations of one task execution; ExecutionId is the Run Command command id. */
export function describeMaintenanceWindowExecutionTaskInvocations(ctx: SsmContext, input: Input): object {
  const execution = requireExecution(ctx, input);
  const taskId = reqString(input, 'TaskId');
  checkPattern('TaskId', taskId, EXECUTION_ID);
  const task = execution.tasks.find((t) => t.id === taskId);
  if (!task)
    throw new SimulatorError(
      'DoesNotExistException',
      `Task execution ${taskId} does not exist in window execution ${execution.id}`,
    );
  const filters = keyValueFilters(input, { allowed: (k) => k === 'Status', unknownKey: unknownFilter(['Status']) });
  const command = task.commandId ? ctx.partition.commands.get(task.commandId) : undefined;
  const invocations = task.invocations
    .map((inv, index) => ({ inv, index, view: taskInvocationView(ctx.partition, task, inv.instanceId, ctx.now) }))
    .filter(({ view }) => filters.every((f) => f.Values.includes(view.status)));
  const page = pageOf(ctx, input, invocations, ({ index }) => padKey(index));
  return {
    WindowExecutionTaskInvocationIdentities: page.items.map(({ inv, view }) => ({
      WindowExecutionId: execution.id,
      TaskExecutionId: task.id,
      InvocationId: inv.id,
      ...(command ? { ExecutionId: command.id } : {}),
      TaskType: 'RUN_COMMAND',
      Parameters: JSON.stringify({
        comment: command?.comment ?? '',
        documentName: task.task.taskArn,
        instanceIds: [inv.instanceId],
        maxConcurrency: task.task.maxConcurrency,
        maxErrors: task.task.maxErrors,
        parameters: task.task.parameters,
        timeoutSeconds: command?.timeoutSeconds ?? 600,
      }),
      Status: view.status,
      StatusDetails: view.details,
      ...(view.startTime !== undefined ? { StartTime: new Date(view.startTime) } : {}),
      ...(view.endTime !== undefined ? { EndTime: new Date(view.endTime) } : {}),
      ...(inv.ownerInformation ? { OwnerInformation: inv.ownerInformation } : {}),
      WindowTargetId: inv.windowTargetId,
    })),
    ...(page.NextToken ? { NextToken: page.NextToken } : {}),
  };
}
