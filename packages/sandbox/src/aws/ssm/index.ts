/** The SSM operations the simulator answers, by X-Amz-Target operation name. */
import type { SsmHandler } from './common';
import { describeInstanceInformation } from './instances';
import {
  describeInstancePatchStates,
  describeInstancePatchStatesForPatchGroup,
  describeInstancePatches,
  describePatchGroupState,
} from './patch-states';
import {
  describePatchBaselines,
  describePatchGroups,
  getPatchBaseline,
  getPatchBaselineForPatchGroup,
  registerPatchBaselineForPatchGroup,
  updatePatchBaseline,
} from './baselines';
import {
  describeMaintenanceWindowExecutionTaskInvocations,
  describeMaintenanceWindowExecutionTasks,
  describeMaintenanceWindowExecutions,
  describeMaintenanceWindowTargets,
  describeMaintenanceWindowTasks,
  describeMaintenanceWindows,
  getMaintenanceWindow,
} from './windows';
import { cancelCommandHandler, listCommands } from './commands';
import { getCommandInvocation, listCommandInvocations } from './invocations';
import { sendCommand } from './send-command';
import { getCalendarState } from './calendar';
import { deleteMaintenanceWindow, updateMaintenanceWindow } from './window-changes';

export type { SsmContext, SsmHandler } from './common';

/** Operation name → handler. */
export const SSM_OPERATIONS: Readonly<Record<string, SsmHandler>> = {
  DescribeInstanceInformation: describeInstanceInformation,
  DescribeInstancePatchStates: describeInstancePatchStates,
  DescribeInstancePatchStatesForPatchGroup: describeInstancePatchStatesForPatchGroup,
  DescribeInstancePatches: describeInstancePatches,
  DescribePatchGroupState: describePatchGroupState,
  DescribePatchGroups: describePatchGroups,
  DescribePatchBaselines: describePatchBaselines,
  GetPatchBaseline: getPatchBaseline,
  GetPatchBaselineForPatchGroup: getPatchBaselineForPatchGroup,
  RegisterPatchBaselineForPatchGroup: registerPatchBaselineForPatchGroup,
  UpdatePatchBaseline: updatePatchBaseline,
  DescribeMaintenanceWindows: describeMaintenanceWindows,
  GetMaintenanceWindow: getMaintenanceWindow,
  UpdateMaintenanceWindow: updateMaintenanceWindow,
  DeleteMaintenanceWindow: deleteMaintenanceWindow,
  DescribeMaintenanceWindowTargets: describeMaintenanceWindowTargets,
  DescribeMaintenanceWindowTasks: describeMaintenanceWindowTasks,
  DescribeMaintenanceWindowExecutions: describeMaintenanceWindowExecutions,
  DescribeMaintenanceWindowExecutionTasks: describeMaintenanceWindowExecutionTasks,
  DescribeMaintenanceWindowExecutionTaskInvocations: describeMaintenanceWindowExecutionTaskInvocations,
  SendCommand: sendCommand,
  ListCommands: listCommands,
  ListCommandInvocations: listCommandInvocations,
  GetCommandInvocation: getCommandInvocation,
  CancelCommand: cancelCommandHandler,
  GetCalendarState: getCalendarState,
};
