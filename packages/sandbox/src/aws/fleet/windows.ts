/**
 * Maintenance window executions: tasks run one after another in priority order, each as one
 * AWS-RunPatchBaseline command over the instances its window targets select at the moment the
 * task starts. Progress is computed lazily like commands: a task starts when the previous one's
 * command has finished, at that command's finish time.
 */
import type { Partition } from '../partition';
import type { Timing } from '../knobs';
import { commandSummary, invocationStatus } from './command-status';
import { createCommand } from './commands';
import { resolveTargets } from './targets';
import type {
  MaintenanceWindow,
  PatchOperation,
  RebootOption,
  SimInstance,
  WindowExecution,
  WindowExecutionStatus,
  WindowTaskExecution,
} from './model';

/** Starts an execution of `window` at `at`; its first task starts at once. */
export function startWindowExecution(
  partition: Partition,
  window: MaintenanceWindow,
  at: number,
  timing: Timing,
  applyEffects = true,
): WindowExecution {
  const tasks: WindowTaskExecution[] = [...window.tasks]
    .sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : 1))
    .map((task) => ({ id: partition.ids.uuid(), task, invocations: [] }));
  const execution: WindowExecution = {
    id: partition.ids.uuid(),
    windowId: window.id,
    startedAt: at,
    tasks,
    current: 0,
    applyEffects,
  };
  partition.executions.set(execution.id, execution);
  partition.activeExecutions.add(execution);
  startNextTask(partition, execution, at, timing);
  return execution;
}

function startNextTask(partition: Partition, execution: WindowExecution, at: number, timing: Timing): void {
  const window = partition.windows.get(execution.windowId);
  const taskExecution = execution.tasks[execution.current];
  if (!window || !taskExecution) {
    execution.endedAt = at;
    partition.activeExecutions.delete(execution);
    return;
  }
  const { task } = taskExecution;
  const targetIds = task.targets.filter((t) => t.Key === 'WindowTargetIds').flatMap((t) => t.Values);
  const seen = new Set<string>();
  const selected: { instance: SimInstance; windowTargetId: string; ownerInformation?: string }[] = [];
  for (const windowTarget of window.targets.filter((t) => targetIds.includes(t.id))) {
    for (const instance of resolveTargets(partition, windowTarget.targets)) {
      if (seen.has(instance.id)) continue;
      seen.add(instance.id);
      selected.push({
        instance,
        windowTargetId: windowTarget.id,
        ...(windowTarget.ownerInformation ? { ownerInformation: windowTarget.ownerInformation } : {}),
      });
    }
  }
  const command = createCommand(
    partition,
    {
      documentName: task.taskArn,
      comment: '',
      parameters: task.parameters,
      instanceIds: [],
      targets: selected.length ? [{ Key: 'InstanceIds', Values: selected.map((s) => s.instance.id) }] : [],
      resolved: selected.map((s) => s.instance),
      timeoutSeconds: 600,
      maxConcurrency: task.maxConcurrency,
      maxErrors: task.maxErrors,
      ...(task.serviceRoleArn ? { serviceRoleArn: task.serviceRoleArn } : {}),
      operation: (task.parameters['Operation']?.[0] ?? 'Scan') as PatchOperation,
      rebootOption: (task.parameters['RebootOption']?.[0] ?? 'RebootIfNeeded') as RebootOption,
    },
    at,
    timing,
    execution.applyEffects,
  );
  taskExecution.commandId = command.id;
  taskExecution.startedAt = at;
  taskExecution.invocations = selected.map((s) => ({
    id: partition.ids.uuid(),
    instanceId: s.instance.id,
    windowTargetId: s.windowTargetId,
    ...(s.ownerInformation ? { ownerInformation: s.ownerInformation } : {}),
  }));
}

/**
 * Starts the next task of every execution whose current task finished by `now`. Returns true
 * when it started something, so the caller settles the new commands too.
 */
export function advanceWindows(partition: Partition, now: number, timing: Timing): boolean {
  let started = false;
  for (const execution of [...partition.activeExecutions]) {
    const current = execution.tasks[execution.current];
    const command = current?.commandId ? partition.commands.get(current.commandId) : undefined;
    if (!command || command.open > 0) continue;
    const finishedAt = command.invocations.reduce(
      (latest, inv) => Math.max(latest, inv.final?.at ?? 0),
      command.requestedAt,
    );
    if (finishedAt > now) continue;
    execution.current++;
    startNextTask(partition, execution, finishedAt, timing);
    started = true;
  }
  return started;
}

const TASK_STATUS: Record<string, WindowExecutionStatus> = {
  Pending: 'PENDING',
  InProgress: 'IN_PROGRESS',
  Delayed: 'IN_PROGRESS',
  Success: 'SUCCESS',
  Failed: 'FAILED',
  TimedOut: 'TIMED_OUT',
  Cancelled: 'CANCELLED',
  Cancelling: 'CANCELLING',
};

/** A task execution's status, details and times at `now`. */
export function taskExecutionView(
  partition: Partition,
  taskExecution: WindowTaskExecution,
  now: number,
): { status: WindowExecutionStatus; details?: string; startTime?: number; endTime?: number } {
  const command = taskExecution.commandId ? partition.commands.get(taskExecution.commandId) : undefined;
  if (!command) return { status: 'PENDING' };
  const startTime = taskExecution.startedAt;
  const base = startTime === undefined ? {} : { startTime };
  if (command.open > 0) {
    const summary = commandSummary(command, now);
    return { status: summary.status === 'Pending' ? 'PENDING' : 'IN_PROGRESS', ...base };
  }
  const endTime = command.invocations.reduce(
    (latest, inv) => Math.max(latest, inv.final?.at ?? 0),
    command.requestedAt,
  );
  const statuses = command.invocations.map((inv) => inv.final?.status);
  if (command.cancelledAt !== undefined)
    return { status: 'CANCELLED', details: 'The task was cancelled.', ...base, endTime };
  if (statuses.includes('Failed'))
    return { status: 'FAILED', details: 'The task failed on one or more targets.', ...base, endTime };
  if (statuses.includes('TimedOut'))
    return { status: 'TIMED_OUT', details: 'The task timed out on one or more targets.', ...base, endTime };
  if (statuses.includes('Cancelled'))
    return { status: 'CANCELLED', details: 'The task was cancelled on one or more targets.', ...base, endTime };
  return statuses.length === 0
    ? { status: 'SUCCESS', details: 'No invocations to execute.', ...base, endTime }
    : { status: 'SUCCESS', ...base, endTime };
}

/** An execution's status and details at `now`. */
export function executionView(
  partition: Partition,
  execution: WindowExecution,
  now: number,
): { status: WindowExecutionStatus; details?: string; endTime?: number } {
  const tasks = execution.tasks.map((t) => taskExecutionView(partition, t, now));
  if (execution.endedAt === undefined) {
    return { status: tasks.some((t) => t.status !== 'PENDING') ? 'IN_PROGRESS' : 'PENDING' };
  }
  const statuses = tasks.map((t) => t.status);
  const endTime = execution.endedAt;
  if (statuses.includes('CANCELLED'))
    return { status: 'CANCELLED', details: 'One or more tasks in the orchestration were cancelled.', endTime };
  if (statuses.includes('FAILED'))
    return { status: 'FAILED', details: 'One or more tasks in the orchestration failed.', endTime };
  if (statuses.includes('TIMED_OUT'))
    return { status: 'TIMED_OUT', details: 'One or more tasks in the orchestration timed out.', endTime };
  return { status: 'SUCCESS', endTime };
}

/** A task invocation's status at `now`, from its instance's command invocation. */
export function taskInvocationView(
  partition: Partition,
  taskExecution: WindowTaskExecution,
  instanceId: string,
  now: number,
): { status: WindowExecutionStatus; details: string; startTime?: number; endTime?: number } {
  const command = taskExecution.commandId ? partition.commands.get(taskExecution.commandId) : undefined;
  const invocation = command?.byInstance.get(instanceId);
  if (!invocation) return { status: 'PENDING', details: 'Pending' };
  const { status, details } = invocationStatus(invocation, now);
  return {
    status: TASK_STATUS[status] ?? 'IN_PROGRESS',
    details,
    ...(invocation.runAt <= now ? { startTime: invocation.runAt } : {}),
    ...(invocation.final ? { endTime: invocation.final.at } : {}),
  };
}
