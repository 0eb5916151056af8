/** FleetGateway's maintenance-window reads: windows, their targets and tasks, executions and invocations. */
import {
  GetMaintenanceWindowCommand,
  paginateDescribeMaintenanceWindowExecutions,
  paginateDescribeMaintenanceWindowExecutionTaskInvocations,
  paginateDescribeMaintenanceWindowExecutionTasks,
  paginateDescribeMaintenanceWindows,
  paginateDescribeMaintenanceWindowTargets,
  paginateDescribeMaintenanceWindowTasks,
} from '@aws-sdk/client-ssm';
import {
  LIMITS,
  type MaintenanceWindow,
  type MaintenanceWindowDetail,
  type WindowExecution,
  type WindowExecutionTask,
  type WindowTaskInvocation,
} from '../patching/fleet-types';
import { filterTimestamp, type GatewayCalls } from './gateway-calls';
import * as map from './mappers';

/** Every maintenance window with its schedule and next run. */
export function listMaintenanceWindows(g: GatewayCalls): Promise<MaintenanceWindow[]> {
  return g.call('ssm', 'DescribeMaintenanceWindows', async () => {
    const windows: MaintenanceWindow[] = [];
    const pages = paginateDescribeMaintenanceWindows({ client: g.clients.ssm, pageSize: LIMITS.windowsPage }, {});
    for await (const page of pages) windows.push(...(page.WindowIdentities ?? []).map(map.toWindow));
    return windows;
  });
}

/** One window with its targets and tasks. */
export async function getMaintenanceWindow(g: GatewayCalls, windowId: string): Promise<MaintenanceWindowDetail> {
  const [window, targets, tasks] = await Promise.all([
    g.call('ssm', 'GetMaintenanceWindow', async () => {
      const w = await g.clients.ssm.send(new GetMaintenanceWindowCommand({ WindowId: windowId }));
      return map.toWindow({ ...w, NextExecutionTime: w.NextExecutionTime });
    }),
    g.call('ssm', 'DescribeMaintenanceWindowTargets', async () => {
      const found = [];
      const pages = paginateDescribeMaintenanceWindowTargets(
        { client: g.clients.ssm, pageSize: LIMITS.windowsPage },
        { WindowId: windowId },
      );
      for await (const page of pages) found.push(...(page.Targets ?? []).map(map.toWindowTarget));
      return found;
    }),
    g.call('ssm', 'DescribeMaintenanceWindowTasks', async () => {
      const found = [];
      const pages = paginateDescribeMaintenanceWindowTasks(
        { client: g.clients.ssm, pageSize: LIMITS.windowsPage },
        { WindowId: windowId },
      );
      for await (const page of pages) found.push(...(page.Tasks ?? []).map(map.toWindowTask));
      return found;
    }),
  ]);
  return { ...window, targets, tasks };
}

/** Executions of a window, newest first as SSM lists them, optionally only those started after `after`. */
export function listWindowExecutions(g: GatewayCalls, windowId: string, after?: Date): Promise<WindowExecution[]> {
  return g.call('ssm', 'DescribeMaintenanceWindowExecutions', async () => {
    const found: WindowExecution[] = [];
    const pages = paginateDescribeMaintenanceWindowExecutions(
      { client: g.clients.ssm, pageSize: LIMITS.windowsPage },
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
export function listWindowExecutionTasks(g: GatewayCalls, executionId: string): Promise<WindowExecutionTask[]> {
  return g.call('ssm', 'DescribeMaintenanceWindowExecutionTasks', async () => {
    const found: WindowExecutionTask[] = [];
    const pages = paginateDescribeMaintenanceWindowExecutionTasks(
      { client: g.clients.ssm, pageSize: LIMITS.windowsPage },
      { WindowExecutionId: executionId },
    );
    for await (const page of pages)
      found.push(...(page.WindowExecutionTaskIdentities ?? []).map(map.toWindowExecutionTask));
    return found;
  });
}

/** The invocations of one task of a window execution. */
export function listWindowTaskInvocations(
  g: GatewayCalls,
  executionId: string,
  taskExecutionId: string,
): Promise<WindowTaskInvocation[]> {
  return g.call('ssm', 'DescribeMaintenanceWindowExecutionTaskInvocations', async () => {
    const found: WindowTaskInvocation[] = [];
    const pages = paginateDescribeMaintenanceWindowExecutionTaskInvocations(
      { client: g.clients.ssm, pageSize: LIMITS.windowsPage },
      { WindowExecutionId: executionId, TaskId: taskExecutionId },
    );
    for await (const page of pages) {
      found.push(...(page.WindowExecutionTaskInvocationIdentities ?? []).map(map.toWindowTaskInvocation));
    }
    return found;
  });
}
