/**
 * Run Command's commands: ListCommands and CancelCommand, and the command view and filters the
 * invocation handlers share. SendCommand is in send-command.ts, invocations in invocations.ts.
 */
import { SimulatorError, constraintMessage, validationException } from '../errors';
import { checkPattern, optList, optString, reqString, stringItem, structItem, type Input } from '../validate';
import { newestFirstKey } from '../paging';
import { commandSummary } from '../fleet/command-status';
import { cancelCommand } from '../fleet/commands';
import type { SimCommand } from '../fleet/model';
import { pageOf, parseTimestamp, type SsmContext } from './common';

/** A command id as SSM validates it. */
export const COMMAND_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** An instance id (EC2 or hybrid) as SSM validates it. */
export const INSTANCE_ID = /(^i-(\w{8}|\w{17})$)|(^mi-\w{17}$)/;
const COMMAND_STATUSES = ['Pending', 'InProgress', 'Success', 'Cancelled', 'Failed', 'TimedOut', 'Cancelling'];

/** The region Run Command reports for a command's output: the bucket's own ("determined automatically"). */
export function outputRegion(ctx: SsmContext, command: SimCommand): string {
  return (command.outputS3 && ctx.partition.s3.bucketRegion(command.outputS3.bucket)) ?? ctx.partition.region;
}

/** A command as ListCommands and SendCommand write it. */
export function commandView(ctx: SsmContext, command: SimCommand): object {
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
    OutputS3Region: outputRegion(ctx, command),
    OutputS3BucketName: command.outputS3?.bucket ?? '',
    OutputS3KeyPrefix: command.outputS3?.prefix ?? '',
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

/** The Filters of ListCommands and ListCommandInvocations, validated. */
export function readCommandFilters(input: Input): CommandFilter[] {
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
          throw validationException(
            constraintMessage('filters.member.key', key, `Member must satisfy enum value set: [${keys.join(', ')}]`),
          );
        }
        if (typeof val !== 'string' || val.length === 0 || val.length > 256) {
          throw validationException(
            constraintMessage('filters.member.value', val, 'Member must have length between 1 and 256'),
          );
        }
        if (key === 'Status' && !COMMAND_STATUSES.includes(val))
          throw new SimulatorError('InvalidFilterKey', `The filter value ${val} is not a valid command status.`);
        if (key === 'InvokedAfter' || key === 'InvokedBefore') parseTimestamp(val, key);
        return { key, value: val };
      },
      { min: 1, max: 5 },
    ) ?? []
  );
}

/** Whether a command passes every filter. */
export function commandMatches(ctx: SsmContext, command: SimCommand, filters: CommandFilter[]): boolean {
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
        return command.open > 0 === (f.value === 'Executing');
    }
  });
}

/** The command with this id, or SSM's InvalidCommandId. */
export function requireCommand(ctx: SsmContext, id: string): SimCommand {
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
  const pool =
    commandId !== undefined ? [requireCommand(ctx, commandId)] : [...ctx.partition.commands.values()].reverse();
  const commands = pool.filter(
    (c) => (instanceId === undefined || c.byInstance.has(instanceId)) && commandMatches(ctx, c, filters),
  );
  commands.sort((a, b) => (newestFirstKey(a.requestedAt, a.id) < newestFirstKey(b.requestedAt, b.id) ? -1 : 1));
  const page = pageOf(ctx, input, commands, (c) => newestFirstKey(c.requestedAt, c.id));
  return {
    Commands: page.items.map((c) => commandView(ctx, c)),
    ...(page.NextToken ? { NextToken: page.NextToken } : {}),
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
