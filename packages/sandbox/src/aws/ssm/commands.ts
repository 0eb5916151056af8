/**
 * Run Command: SendCommand (AWS-RunPatchBaseline only) with SendCommand's real limits, ListCommands,
 * ListCommandInvocations, GetCommandInvocation and CancelCommand.
 */
import { SimulatorError, constraintMessage, validationException } from '../errors';
import {
  checkPattern,
  optBool,
  optInt,
  optList,
  optString,
  optStringListMap,
  reqString,
  stringItem,
  structItem,
  type Input,
} from '../validate';
import { newestFirstKey } from '../paging';
import { cancelCommand, commandSummary, createCommand, invocationStatus } from '../fleet/commands';
import { resolveTargets } from '../fleet/targets';
import type { PatchOperation, RebootOption, SimCommand, SimInvocation, Target } from '../fleet/model';
import { padKey, pageOf, parseTimestamp, type SsmContext } from './common';

const PATCH_DOCUMENT = 'AWS-RunPatchBaseline';
const DOCUMENT_PARAMETERS = ['Operation', 'SnapshotId', 'InstallOverrideList', 'RebootOption', 'BaselineOverride', 'AssociationId'];
const COMMAND_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const INSTANCE_ID = /(^i-(\w{8}|\w{17})$)|(^mi-\w{17}$)/;
const MAX_CONCURRENCY = /^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$/;
const MAX_ERRORS = /^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$/;
const COMMAND_STATUSES = ['Pending', 'InProgress', 'Success', 'Cancelled', 'Failed', 'TimedOut', 'Cancelling'];

function readTargets(input: Input): Target[] | undefined {
  return optList(
    input,
    'Targets',
    (value, index) => {
      const t = structItem('Targets')(value);
      const key = t['Key'];
      const values = t['Values'] ?? [];
      if (typeof key !== 'string' || key.length === 0 || key.length > 163) {
        throw validationException(constraintMessage(`targets.${index + 1}.member.key`, key, 'Member must have length between 1 and 163'));
      }
      if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) {
        throw new SimulatorError('SerializationException', 'Unexpected value for Targets.Values: expected a list of strings');
      }
      if (values.length > 50) {
        throw validationException(constraintMessage(`targets.${index + 1}.member.values`, values, 'Member must have length less than or equal to 50'));
      }
      if (key !== 'InstanceIds' && key !== 'tag-key' && !key.startsWith('tag:')) {
        throw new SimulatorError('InvalidTarget', `Target key ${key} is not supported by the sandbox (use InstanceIds, tag:<key> or tag-key).`);
      }
      return { Key: key, Values: values as string[] };
    },
    { max: 5 },
  );
}

function checkParameters(parameters: Record<string, string[]>): { operation: PatchOperation; rebootOption: RebootOption } {
  for (const name of Object.keys(parameters)) {
    if (!DOCUMENT_PARAMETERS.includes(name)) throw new SimulatorError('InvalidParameters', `Parameter "${name}" is not defined in document ${PATCH_DOCUMENT}.`);
  }
  const operation = parameters['Operation'];
  if (!operation || operation.length !== 1) throw new SimulatorError('InvalidParameters', 'Parameter "Operation" is required and takes one value.');
  if (operation[0] !== 'Scan' && operation[0] !== 'Install') {
    throw new SimulatorError('InvalidParameters', `Parameter "Operation" "${String(operation[0])}" is not one of the allowed values: Scan, Install.`);
  }
  const reboot = parameters['RebootOption'] ?? ['RebootIfNeeded'];
  if (reboot.length !== 1 || (reboot[0] !== 'RebootIfNeeded' && reboot[0] !== 'NoReboot')) {
    throw new SimulatorError('InvalidParameters', `Parameter "RebootOption" "${String(reboot[0])}" is not one of the allowed values: RebootIfNeeded, NoReboot.`);
  }
  return { operation: operation[0], rebootOption: reboot[0] };
}

/** Sends AWS-RunPatchBaseline to instances (by id) or to targets (by tag). */
export function sendCommand(ctx: SsmContext, input: Input): object {
  const documentName = reqString(input, 'DocumentName');
  checkPattern('DocumentName', documentName, /^[a-zA-Z0-9_\-.:/]{3,128}$/);
  const instanceIds = optList(input, 'InstanceIds', stringItem('InstanceIds', { min: 10, max: 20 }), { max: 50 });
  const targets = readTargets(input);
  const comment = optString(input, 'Comment', { max: 100 }) ?? '';
  const timeoutSeconds = optInt(input, 'TimeoutSeconds', { min: 30, max: 2_592_000 }) ?? 3600;
  const maxConcurrency = optString(input, 'MaxConcurrency', { min: 1, max: 7 }) ?? '50';
  checkPattern('MaxConcurrency', maxConcurrency, MAX_CONCURRENCY);
  const maxErrors = optString(input, 'MaxErrors', { min: 1, max: 7 }) ?? '0';
  checkPattern('MaxErrors', maxErrors, MAX_ERRORS);
  const serviceRoleArn = optString(input, 'ServiceRoleArn');
  const documentVersion = optString(input, 'DocumentVersion');
  const parameters = optStringListMap(input, 'Parameters') ?? {};
  const hasIds = instanceIds !== undefined && instanceIds.length > 0;
  const hasTargets = targets !== undefined && targets.length > 0;
  if (hasIds && hasTargets) throw validationException('Specify either InstanceIds or Targets, not both.');
  if (!hasIds && !hasTargets) throw validationException('Specify InstanceIds or Targets.');
  if (documentName !== PATCH_DOCUMENT) {
    throw new SimulatorError('InvalidDocument', `Document with name ${documentName} does not exist (the sandbox models ${PATCH_DOCUMENT} only).`);
  }
  if (documentVersion !== undefined && !['$DEFAULT', '$LATEST', '1'].includes(documentVersion)) {
    throw new SimulatorError('InvalidDocumentVersion', `Document version ${documentVersion} is not valid for ${documentName}.`);
  }
  const { operation, rebootOption } = checkParameters(parameters);
  for (const id of instanceIds ?? []) checkPattern('InstanceIds.member', id, INSTANCE_ID);
  const unknown = (instanceIds ?? []).filter((id) => !ctx.partition.instances.has(id));
  if (unknown.length > 0) {
    throw new SimulatorError('InvalidInstanceId', `Instances [[${unknown.join(', ')}]] not in a valid state for account ${ctx.partition.account}`);
  }
  const requestTargets = hasIds ? [{ Key: 'InstanceIds', Values: instanceIds }] : (targets ?? []);
  const command = createCommand(
    ctx.partition,
    {
      documentName,
      comment,
      parameters: { ...parameters, Operation: [operation], RebootOption: [rebootOption] },
      instanceIds: hasIds ? instanceIds : [],
      targets: hasIds ? [] : (targets ?? []),
      resolved: resolveTargets(ctx.partition, requestTargets),
      timeoutSeconds,
      maxConcurrency,
      maxErrors,
      ...(serviceRoleArn ? { serviceRoleArn } : {}),
      operation,
      rebootOption,
    },
    ctx.now,
    ctx.sim.knobs.timing,
  );
  ctx.sim.journal.record(ctx.partition.key, 'SendCommand', {
    commandId: command.id,
    comment,
    operation,
    rebootOption,
    instanceIds: hasIds ? instanceIds : [],
    targets: hasIds ? [] : (targets ?? []),
    maxConcurrency,
    maxErrors,
    resolved: command.invocations.map((i) => i.instanceId),
  });
  return { Command: commandView(ctx, command) };
}

function commandView(ctx: SsmContext, command: SimCommand): object {
  const summary = commandSummary(command, ctx.now);
  return {
    CommandId: command.id,
    DocumentName: command.documentName,
    DocumentVersion: command.documentVersion,
    Comment: command.comment,
    ExpiresAfter: new Date(command.requestedAt + command.timeoutSeconds * 1000),
    Parameters: command.parameters,
    InstanceIds: command.instanceIds,
    Targets: command.targets,
    RequestedDateTime: new Date(command.requestedAt),
    Status: summary.status,
    StatusDetails: summary.details,
    OutputS3Region: ctx.partition.region,
    OutputS3BucketName: '',
    OutputS3KeyPrefix: '',
    MaxConcurrency: command.maxConcurrency,
    MaxErrors: command.maxErrors,
    TargetCount: summary.targetCount,
    CompletedCount: summary.completedCount,
    ErrorCount: summary.errorCount,
    DeliveryTimedOutCount: summary.deliveryTimedOutCount,
    ServiceRole: command.serviceRoleArn ?? '',
    NotificationConfig: { NotificationArn: '', NotificationEvents: [], NotificationType: '' },
    CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
    TimeoutSeconds: command.timeoutSeconds,
  };
}

interface CommandFilter {
  key: string;
  value: string;
}

function readCommandFilters(input: Input): CommandFilter[] {
  return (
    optList(
      input,
      'Filters',
      (value) => {
        const f = structItem('Filters')(value);
        const key = f['key'];
        const val = f['value'];
        const keys = ['InvokedAfter', 'InvokedBefore', 'Status', 'ExecutionStage', 'DocumentName'];
        if (typeof key !== 'string' || !keys.includes(key)) {
          throw validationException(constraintMessage('filters.member.key', key, `Member must satisfy enum value set: [${keys.join(', ')}]`));
        }
        if (typeof val !== 'string' || val.length === 0 || val.length > 256) {
          throw validationException(constraintMessage('filters.member.value', val, 'Member must have length between 1 and 256'));
        }
        if (key === 'Status' && !COMMAND_STATUSES.includes(val)) throw new SimulatorError('InvalidFilterKey', `The filter value ${val} is not a valid command status.`);
        if (key === 'InvokedAfter' || key === 'InvokedBefore') parseTimestamp(val, key);
        return { key, value: val };
      },
      { min: 1, max: 5 },
    ) ?? []
  );
}

function commandMatches(ctx: SsmContext, command: SimCommand, filters: CommandFilter[]): boolean {
  return filters.every((f) => {
    switch (f.key) {
      case 'InvokedAfter':
        return command.requestedAt >= Date.parse(f.value);
      case 'InvokedBefore':
        return command.requestedAt <= Date.parse(f.value);
      case 'DocumentName':
        return command.documentName === f.value;
      case 'Status':
        return commandSummary(command, ctx.now).status === f.value;
      default:
        // ExecutionStage (Executing | Complete).
        return (command.open > 0) === (f.value === 'Executing');
    }
  });
}

function requireCommand(ctx: SsmContext, id: string): SimCommand {
  const command = COMMAND_ID.test(id) ? ctx.partition.commands.get(id) : undefined;
  if (!command) throw new SimulatorError('InvalidCommandId', `Command ${id} is not a valid command id.`);
  return command;
}

/** Commands newest first, by id, instance or filters. */
export function listCommands(ctx: SsmContext, input: Input): object {
  const commandId = optString(input, 'CommandId');
  const instanceId = optString(input, 'InstanceId');
  if (instanceId !== undefined) checkPattern('InstanceId', instanceId, INSTANCE_ID);
  const filters = readCommandFilters(input);
  const pool = commandId !== undefined ? [requireCommand(ctx, commandId)] : [...ctx.partition.commands.values()].reverse();
  const commands = pool.filter((c) => (instanceId === undefined || c.byInstance.has(instanceId)) && commandMatches(ctx, c, filters));
  commands.sort((a, b) => (newestFirstKey(a.requestedAt, a.id) < newestFirstKey(b.requestedAt, b.id) ? -1 : 1));
  const page = pageOf(ctx, input, commands, (c) => newestFirstKey(c.requestedAt, c.id));
  return { Commands: page.items.map((c) => commandView(ctx, c)), ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
}

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
              Output: final?.output ?? '',
              StandardOutputUrl: '',
              StandardErrorUrl: '',
              OutputS3Region: ctx.partition.region,
              OutputS3BucketName: '',
              OutputS3KeyPrefix: '',
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
  const pool = commandId !== undefined ? [requireCommand(ctx, commandId)] : [...ctx.partition.commands.values()].reverse();
  const rows: { command: SimCommand; invocation: SimInvocation; key: string }[] = [];
  for (const command of pool) {
    if (!commandMatches(ctx, command, filters.filter((f) => f.key !== 'Status'))) continue;
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
  if (!command || !invocation) throw new SimulatorError('InvocationDoesNotExist', `Invocation for command ${commandId} on instance ${instanceId} does not exist.`);
  const name = pluginName(ctx, invocation);
  if (plugin !== undefined && plugin !== name) throw new SimulatorError('InvalidPluginName', `Plugin ${plugin} is not part of document ${command.documentName} on this instance.`);
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
    StandardOutputContent: final?.output ?? '',
    StandardOutputUrl: '',
    StandardErrorContent: final?.status === 'Failed' && final.details === 'Failed' ? 'failed to run commands: exit status 1' : '',
    StandardErrorUrl: '',
    CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
  };
}

/** Cancels a command on all its instances or on the given ones; finished invocations keep their status. */
export function cancelCommandHandler(ctx: SsmContext, input: Input): object {
  const commandId = reqString(input, 'CommandId');
  const instanceIds = optList(input, 'InstanceIds', stringItem('InstanceIds'), { max: 50 });
  const command = requireCommand(ctx, commandId);
  cancelCommand(ctx.partition, command, ctx.now, instanceIds);
  return {};
}
