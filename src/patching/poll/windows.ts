/**
 * The maintenance-window results poller: finished executions not yet posted, with their tasks and
 * the instances whose part failed or timed out. Seen executions are kept in the store
 * (window_executions_seen), so an execution is posted once across restarts. The caller marks a
 * result with markPosted only after posting it: a Slack failure leaves it unmarked and the next
 * poll returns it again. The first poll of a window marks its already finished executions seen
 * (baseline) and returns nothing, so a new bot does not replay history.
 *
 * Failed instances are named by their EC2 Name tag, looked up by id as every other answer names
 * them (Run Command's InstanceName is the host name, not the Name tag); a window that targets
 * instance ids is mapped to groups through those instances' tags (resolveWindowGroups).
 */
import type { CommandInvocation, WindowExecution, WindowExecutionTask } from '../fleet-types';
import type { FleetPort } from '../ports';
import { mapLimit } from '../../shared/concurrency';
import type { Store } from '../ports';
import { fanOut, type PatchGateway } from '../group-fleet';
import { resolveWindowGroups } from '../windows';
import type { ScopeFailure } from '../record-schemas';
import type { PollDeps } from './compliance';
import type { WindowResult, WindowTaskFailure, WindowTaskResult } from './poll-results';
import { withFailureOutput } from './window-output';

/** What the window poller asks of a gateway beyond PatchGateway. */
export type WindowPollGateway = PatchGateway &
  Pick<FleetPort, 'listWindowExecutionTasks' | 'listWindowTaskInvocations' | 'describeInstanceTags'>;

/** The window poller's dependencies: the pollers' deps with gateways that can read window task invocations. */
export interface WindowPollDeps extends Omit<PollDeps, 'gateways'> {
  gateways: readonly WindowPollGateway[];
}

/** SSM window execution statuses that are still moving. */
const UNFINISHED = new Set(['PENDING', 'IN_PROGRESS', 'CANCELLING']);
/** Run Command invocation statuses reported as failed instances. */
const FAILED_INVOCATIONS = new Set(['Failed', 'TimedOut', 'Cancelled']);
/** Window task invocation statuses reported as failed when there is no command to ask. */
const FAILED_TASK_INVOCATIONS = new Set(['FAILED', 'TIMED_OUT', 'CANCELLED']);
/**
 * How far before the newest seen execution's start the next listing looks (ExecutedAfter): a window
 * runs at most 24 hours, so an execution still running then started within that.
 */
export const WINDOW_LOOKBACK_MS = 24 * 3600_000;
/** Windows read at once per scope. */
const WINDOW_CONCURRENCY = 4;

/** The result of one window poll. */
export interface WindowPoll {
  results: WindowResult[];
  failures: ScopeFailure[];
}

/** Whether a window execution has finished (any status but pending, in progress, cancelling). */
export function isFinished(e: Pick<WindowExecution, 'status'>): boolean {
  return !UNFINISHED.has(e.status);
}

/**
 * Finished executions not yet posted, in every window of the gateways of `scopes` (all when
 * omitted), oldest end first. Nothing is marked: call markPosted after posting each result.
 */
export async function pollWindows(deps: WindowPollDeps, scopes?: readonly string[]): Promise<WindowPoll> {
  const { store, logger } = deps;
  const gateways = scopes ? deps.gateways.filter((g) => scopes.includes(g.scope)) : deps.gateways;
  const { results, failures } = await fanOut(
    gateways,
    async (gw) => {
      const windows = await gw.listMaintenanceWindows();
      const perWindow = await mapLimit(windows, WINDOW_CONCURRENCY, async (w) => {
        const firstPolled = await store.pollState.windowPolledAt(gw.scope, gw.region, w.windowId);
        const newest = firstPolled ? await store.pollState.newestSeenStart(gw.scope, gw.region, w.windowId) : undefined;
        const after = newest ? new Date(newest.getTime() - WINDOW_LOOKBACK_MS) : undefined;
        const executions = await gw.listWindowExecutions(w.windowId, after);
        const finished = executions.filter(isFinished);
        if (!firstPolled) {
          await store.pollState.markWindowPolled(
            gw.scope,
            gw.region,
            w.windowId,
            finished.map((e) => ({
              scope: gw.scope,
              region: gw.region,
              windowId: w.windowId,
              executionId: e.executionId,
              windowName: w.name,
              status: e.status,
              startTime: e.startTime ?? null,
              endTime: e.endTime ?? null,
              groups: [],
              baseline: true,
            })),
          );
          return [];
        }
        const unseen: typeof finished = [];
        for (const e of finished)
          if (!(await store.pollState.isSeen(gw.scope, gw.region, w.windowId, e.executionId))) unseen.push(e);
        if (unseen.length === 0) return [];
        const detail = await gw.getMaintenanceWindow(w.windowId);
        const groups = await resolveWindowGroups(
          gw,
          detail,
          deps.groups.filter((g) => g.scopes.includes(gw.scope)),
          logger,
        );
        const found = await mapLimit(unseen, 2, (e) =>
          executionResult(gw, { windowId: w.windowId, windowName: w.name, groups }, e),
        );
        // The first failed instances' output, read now that the window has ended (window-output.ts).
        return withFailureOutput(gw, await withInstanceNames(gw, found, logger), deps.groups, logger);
      });
      return perWindow.flat();
    },
    { logger, what: 'maintenance window results' },
  );
  const all = results.flatMap((r) => r.value);
  all.sort(
    (a, b) => (a.endTime?.getTime() ?? 0) - (b.endTime?.getTime() ?? 0) || (a.executionId < b.executionId ? -1 : 1),
  );
  return { results: all, failures };
}

/**
 * Names the failed instances of `results` by their EC2 Name tag (one lookup for all of them). When
 * EC2 cannot be read the results go out with instance ids alone, and the lookup failure is logged.
 */
async function withInstanceNames(
  gw: WindowPollGateway,
  results: WindowResult[],
  logger: WindowPollDeps['logger'],
): Promise<WindowResult[]> {
  const ids = [...new Set(results.flatMap((r) => r.tasks.flatMap((t) => t.failed.map((f) => f.instanceId))))];
  if (ids.length === 0) return results;
  let names: Map<string, string>;
  try {
    names = new Map(
      (await gw.describeInstanceTags(ids)).flatMap((i) => (i.name ? [[i.instanceId, i.name] as const] : [])),
    );
  } catch (err) {
    logger.warn(
      { err, scope: gw.scope, region: gw.region },
      'could not read the Name tags of failed window instances; posting their ids alone',
    );
    return results;
  }
  return results.map((r) => ({
    ...r,
    tasks: r.tasks.map((t) => ({
      ...t,
      failed: t.failed.map((f) => (names.has(f.instanceId) ? { ...f, name: names.get(f.instanceId) as string } : f)),
    })),
  }));
}

/** One execution with its tasks and failed instances. */
async function executionResult(
  gw: WindowPollGateway,
  window: { windowId: string; windowName: string; groups: string[] },
  e: WindowExecution,
): Promise<WindowResult> {
  const tasks = await gw.listWindowExecutionTasks(e.executionId);
  tasks.sort((a, b) => (a.startTime?.getTime() ?? 0) - (b.startTime?.getTime() ?? 0));
  const taskResults = await mapLimit(tasks, 2, (t) => taskResult(gw, e.executionId, t));
  return {
    scope: gw.scope,
    region: gw.region,
    windowId: window.windowId,
    windowName: window.windowName,
    executionId: e.executionId,
    status: e.status,
    statusDetails: e.statusDetails,
    startTime: e.startTime,
    endTime: e.endTime,
    durationMs: e.startTime && e.endTime ? e.endTime.getTime() - e.startTime.getTime() : undefined,
    tasks: taskResults,
    groups: window.groups,
  };
}

async function taskResult(
  gw: WindowPollGateway,
  executionId: string,
  task: WindowExecutionTask,
): Promise<WindowTaskResult> {
  const invocations = await gw.listWindowTaskInvocations(executionId, task.taskExecutionId);
  const operation = invocations.map((i) => operationOf(i.parameters)).find((o) => o !== undefined);
  const failed: WindowTaskFailure[] = [];
  const seen = new Set<string>();
  if (task.taskType === 'RUN_COMMAND') {
    const commandIds = [...new Set(invocations.flatMap((i) => (i.executionId ? [i.executionId] : [])))];
    for (const commandId of commandIds) {
      const list: CommandInvocation[] = await gw.listCommandInvocations(commandId);
      for (const inv of list) {
        if (!FAILED_INVOCATIONS.has(inv.status) || seen.has(inv.instanceId)) continue;
        seen.add(inv.instanceId);
        // No name yet: Run Command's InstanceName is the host name; withInstanceNames adds the Name tag.
        failed.push({
          instanceId: inv.instanceId,
          status: inv.status,
          statusDetails: inv.statusDetails,
          commandId,
        });
      }
    }
  }
  // Invocations that failed without a command to ask (never sent, or not Run Command).
  for (const inv of invocations) {
    if (inv.executionId && task.taskType === 'RUN_COMMAND') continue;
    if (!FAILED_TASK_INVOCATIONS.has(inv.status)) continue;
    const instanceId = instanceOf(inv.parameters) ?? inv.invocationId;
    if (seen.has(instanceId)) continue;
    seen.add(instanceId);
    failed.push({ instanceId, status: inv.status, statusDetails: inv.statusDetails });
  }
  failed.sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
  return {
    taskExecutionId: task.taskExecutionId,
    taskArn: task.taskArn,
    ...(operation ? { operation } : {}),
    status: task.status,
    statusDetails: task.statusDetails,
    failed,
  };
}

/** AWS-RunPatchBaseline's Operation from an invocation's Parameters JSON. */
function operationOf(parameters: string | undefined): 'Scan' | 'Install' | undefined {
  const m = parameters ? /"Operation"\s*:\s*\[?\s*"(Scan|Install)"/.exec(parameters) : null;
  return m ? (m[1] as 'Scan' | 'Install') : undefined;
}

/** The single instance id an invocation ran on, from its Parameters JSON. */
function instanceOf(parameters: string | undefined): string | undefined {
  const m = parameters ? /"instanceIds"\s*:\s*\[\s*"(i-[0-9a-f]+|mi-[0-9a-f]+)"\s*\]/.exec(parameters) : null;
  return m?.[1];
}

/**
 * Marks a result posted so no poll, in this process or after a restart, returns it again. Returns
 * false when it already was (another process posted it first).
 */
export function markPosted(store: Store, result: WindowResult): Promise<boolean> {
  return store.pollState.markSeen({
    scope: result.scope,
    region: result.region,
    windowId: result.windowId,
    executionId: result.executionId,
    windowName: result.windowName,
    status: result.status,
    startTime: result.startTime ?? null,
    endTime: result.endTime ?? null,
    groups: result.groups,
    baseline: false,
  });
}
