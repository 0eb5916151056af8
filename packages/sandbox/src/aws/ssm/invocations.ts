/** Run Command's invocations: ListCommandInvocations and GetCommandInvocation, with their output. */
import { SimulatorError } from '../errors';
import { checkPattern, optBool, optString, reqString, type Input } from '../validate';
import { newestFirstKey } from '../paging';
import { invocationStatus } from '../fleet/command-status';
import type { SimCommand, SimInvocation } from '../fleet/model';
import { padKey, pageOf, type SsmContext } from './common';
import { COMMAND_ID, INSTANCE_ID, commandMatches, outputRegion, readCommandFilters, requireCommand } from './commands';
import { STDERR_CAP, STDOUT_CAP, firstChars, pluginOutput } from '../fleet/output';

function pluginName(ctx: SsmContext, invocation: SimInvocation): string {
  return ctx.partition.instances.get(invocation.instanceId)?.os === 'WINDOWS' ? 'PatchWindows' : 'PatchLinux';
}

function invocationView(ctx: SsmContext, command: SimCommand, invocation: SimInvocation, details: boolean): object {
  const { status, details: statusDetails } = invocationStatus(invocation, ctx.now);
  const started = invocation.delivered ? invocation.runAt : undefined;
  const final = invocation.final;
  const pluginStatus = status === 'Delayed' || status === 'Cancelling' ? 'InProgress' : status;
  return {
    CommandId: command.id,
    InstanceId: invocation.instanceId,
    InstanceName: invocation.instanceName,
    Comment: command.comment,
    DocumentName: command.documentName,
    DocumentVersion: command.documentVersion,
    RequestedDateTime: new Date(command.requestedAt),
    Status: status,
    StatusDetails: statusDetails,
    TraceOutput: '',
    // Populated "if there is just one plugin defined for the command": AWS-RunPatchBaseline defines
    // three steps (PatchWindows, PatchLinux, PatchMacOS), so the URLs are on the plugin below.
    StandardOutputUrl: '',
    StandardErrorUrl: '',
    ...(details
      ? {
          CommandPlugins: [
            {
              Name: pluginName(ctx, invocation),
              Status: pluginStatus,
              StatusDetails: statusDetails,
              ResponseCode: final?.responseCode ?? -1,
              ...(started !== undefined ? { ResponseStartDateTime: new Date(started) } : {}),
              ...(final && started !== undefined ? { ResponseFinishDateTime: new Date(final.at) } : {}),
              Output: pluginOutput(final?.output ?? ''),
              StandardOutputUrl: final?.outputUrls?.stdout ?? '',
              StandardErrorUrl: final?.outputUrls?.stderr ?? '',
              OutputS3Region: outputRegion(ctx, command),
              OutputS3BucketName: command.outputS3?.bucket ?? '',
              OutputS3KeyPrefix: command.outputS3?.prefix ?? '',
            },
          ],
        }
      : { CommandPlugins: [] }),
    ServiceRole: command.serviceRoleArn ?? '',
    NotificationConfig: { NotificationArn: '', NotificationEvents: [], NotificationType: '' },
    CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
  };
}

/** Invocations of one command (or of every command), newest command first, by instance launch order. */
export function listCommandInvocations(ctx: SsmContext, input: Input): object {
  const commandId = optString(input, 'CommandId');
  const instanceId = optString(input, 'InstanceId');
  if (instanceId !== undefined) checkPattern('InstanceId', instanceId, INSTANCE_ID);
  const details = optBool(input, 'Details') ?? false;
  const filters = readCommandFilters(input);
  const pool =
    commandId !== undefined ? [requireCommand(ctx, commandId)] : [...ctx.partition.commands.values()].reverse();
  const rows: { command: SimCommand; invocation: SimInvocation; key: string }[] = [];
  for (const command of pool) {
    if (
      !commandMatches(
        ctx,
        command,
        filters.filter((f) => f.key !== 'Status'),
      )
    )
      continue;
    const statusFilter = filters.find((f) => f.key === 'Status');
    command.invocations.forEach((invocation, index) => {
      if (instanceId !== undefined && invocation.instanceId !== instanceId) return;
      if (statusFilter && invocationStatus(invocation, ctx.now).status !== statusFilter.value) return;
      rows.push({ command, invocation, key: `${newestFirstKey(command.requestedAt, command.id)}|${padKey(index)}` });
    });
  }
  rows.sort((a, b) => (a.key < b.key ? -1 : 1));
  const page = pageOf(ctx, input, rows, (r) => r.key);
  return {
    CommandInvocations: page.items.map((r) => invocationView(ctx, r.command, r.invocation, details)),
    ...(page.NextToken ? { NextToken: page.NextToken } : {}),
  };
}

/** ISO 8601 duration of an elapsed time, as GetCommandInvocation writes it (`PT12.345S`). */
function elapsed(ms: number): string {
  return `PT${(ms / 1000).toFixed(3)}S`;
}

/** One instance's invocation of a command, with its output. */
export function getCommandInvocation(ctx: SsmContext, input: Input): object {
  const commandId = reqString(input, 'CommandId');
  const instanceId = reqString(input, 'InstanceId');
  checkPattern('InstanceId', instanceId, INSTANCE_ID);
  const plugin = optString(input, 'PluginName', { min: 4 });
  const command = COMMAND_ID.test(commandId) ? ctx.partition.commands.get(commandId) : undefined;
  const invocation = command?.byInstance.get(instanceId);
  if (!command || !invocation)
    throw new SimulatorError(
      'InvocationDoesNotExist',
      `Invocation for command ${commandId} on instance ${instanceId} does not exist.`,
    );
  const name = pluginName(ctx, invocation);
  if (plugin !== undefined && plugin !== name)
    throw new SimulatorError(
      'InvalidPluginName',
      `Plugin ${plugin} is not part of document ${command.documentName} on this instance.`,
    );
  const { status, details } = invocationStatus(invocation, ctx.now);
  const final = invocation.final;
  const started = invocation.delivered ? invocation.runAt : undefined;
  const iso = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString());
  return {
    CommandId: command.id,
    InstanceId: instanceId,
    Comment: command.comment,
    DocumentName: command.documentName,
    DocumentVersion: command.documentVersion,
    PluginName: name,
    ResponseCode: final?.responseCode ?? -1,
    ExecutionStartDateTime: iso(started),
    ExecutionElapsedTime: started === undefined ? '' : elapsed((final?.at ?? ctx.now) - started),
    ExecutionEndDateTime: started !== undefined && final ? iso(final.at) : '',
    Status: status,
    StatusDetails: details,
    StandardOutputContent: firstChars(final?.output ?? '', STDOUT_CAP),
    StandardOutputUrl: final?.outputUrls?.stdout ?? '',
    StandardErrorContent: firstChars(final?.stderr ?? '', STDERR_CAP),
    StandardErrorUrl: final?.outputUrls?.stderr ?? '',
    CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
  };
}
