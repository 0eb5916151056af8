/** FleetGateway's changes: Run Command (send, find, list, cancel), instance tags and EC2 reboots. */
import { CreateTagsCommand, DeleteTagsCommand, RebootInstancesCommand } from '@aws-sdk/client-ec2';
import {
  CancelCommandCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  paginateListCommandInvocations,
  paginateListCommands,
} from '@aws-sdk/client-ssm';
import { z } from 'zod';
import { InputError } from '../errors';
import {
  LIMITS,
  type CommandInvocation,
  type CommandSummary,
  type InvocationOutput,
  type PatchCommandSpec,
} from '../patching/fleet-types';
import { chunk } from '../shared/concurrency';
import { filterTimestamp, type GatewayCalls } from './gateway-calls';
import * as map from './mappers';

/** The SSM document patchbot runs. */
export const PATCH_DOCUMENT = 'AWS-RunPatchBaseline';

/**
 * Sends AWS-RunPatchBaseline to the group's tag (or to given instances, or to a tag of patchbot's);
 * returns the command id. One attempt, never retried by the SDK: when it fails with an AwsError
 * whose `outcomeUnknown` is true, the command may have run, and only findPatchCommands can tell.
 */
export function sendPatchCommand(g: GatewayCalls, spec: PatchCommandSpec): Promise<string> {
  const comment = patchCommandComment(spec.operationId);
  if (spec.instanceIds && (spec.instanceIds.length === 0 || spec.instanceIds.length > LIMITS.instanceIdsPerCall)) {
    throw new InputError(
      `a patch command takes 1 to ${LIMITS.instanceIdsPerCall} instance ids, got ${spec.instanceIds.length}`,
    );
  }
  return g.call('ssm', 'SendCommand', async () => {
    const out = await g.clients.once.ssm.send(
      new SendCommandCommand({
        DocumentName: PATCH_DOCUMENT,
        Parameters: {
          Operation: [spec.operation],
          RebootOption: [spec.rebootOption],
          ...(spec.installOverrideList ? { InstallOverrideList: [spec.installOverrideList] } : {}),
        },
        ...(spec.instanceIds
          ? { InstanceIds: spec.instanceIds }
          : spec.tagTarget
            ? { Targets: [{ Key: `tag:${spec.tagTarget.key}`, Values: [spec.tagTarget.value] }] }
            : { Targets: [{ Key: `tag:${spec.group.tagKey}`, Values: [spec.group.tagValue] }] }),
        MaxConcurrency: spec.maxConcurrency,
        MaxErrors: spec.maxErrors,
        Comment: comment,
        TimeoutSeconds: spec.timeoutSeconds,
        ...(spec.outputS3
          ? {
              OutputS3BucketName: spec.outputS3.bucket,
              ...(spec.outputS3.prefix ? { OutputS3KeyPrefix: spec.outputS3.prefix } : {}),
            }
          : {}),
      }),
    );
    const commandId = out.Command?.CommandId;
    if (!commandId) throw new Error('SendCommand answered without a command id');
    g.log.info({ commandId, operationId: spec.operationId, operation: spec.operation }, 'patch command sent');
    return commandId;
  });
}

/** Patch commands whose Comment carries the operation id, sent after `since` (how a restart finds a send that happened). */
export function findPatchCommands(g: GatewayCalls, operationId: string, since: Date): Promise<CommandSummary[]> {
  const comment = patchCommandComment(operationId);
  return g.call('ssm', 'ListCommands', async () => {
    const found: CommandSummary[] = [];
    const pages = paginateListCommands(
      { client: g.clients.ssm, pageSize: LIMITS.commandsPage },
      {
        Filters: [
          { key: 'DocumentName', value: PATCH_DOCUMENT },
          { key: 'InvokedAfter', value: filterTimestamp(since) },
        ],
      },
    );
    for await (const page of pages) {
      for (const c of page.Commands ?? []) if (c.Comment === comment) found.push(map.toCommandSummary(c));
    }
    return found;
  });
}

/** Every instance's invocation of a command. */
export function listCommandInvocations(g: GatewayCalls, commandId: string): Promise<CommandInvocation[]> {
  return g.call('ssm', 'ListCommandInvocations', async () => {
    const found: CommandInvocation[] = [];
    const pages = paginateListCommandInvocations(
      { client: g.clients.ssm, pageSize: LIMITS.commandsPage },
      { CommandId: commandId },
    );
    for await (const page of pages) found.push(...(page.CommandInvocations ?? []).map(map.toInvocation));
    return found;
  });
}

/**
 * GetCommandInvocation's answer as patchbot reads it: every field optional (an empty string is
 * SSM's "none"), the status and exit code required, since without them the answer says nothing.
 */
const InvocationOutputSchema = z.object({
  CommandId: z.string().optional(),
  InstanceId: z.string().optional(),
  PluginName: z.string().optional(),
  ResponseCode: z.number().int(),
  Status: z.string().min(1),
  StatusDetails: z.string().optional(),
  StandardOutputContent: z.string().optional(),
  StandardErrorContent: z.string().optional(),
  StandardOutputUrl: z.string().optional(),
  StandardErrorUrl: z.string().optional(),
});

/**
 * One instance's invocation with its output (SSM keeps the first 24,000 characters of standard
 * output and 8,000 of standard error). `pluginName` names the step of a document with several
 * (AWS-RunPatchBaseline: PatchLinux, PatchWindows, PatchMacOS), which SSM requires for such documents.
 */
export function getCommandInvocation(
  g: GatewayCalls,
  commandId: string,
  instanceId: string,
  pluginName?: string,
): Promise<InvocationOutput> {
  return g.call('ssm', 'GetCommandInvocation', async () => {
    const out = await g.clients.ssm.send(
      new GetCommandInvocationCommand({
        CommandId: commandId,
        InstanceId: instanceId,
        ...(pluginName ? { PluginName: pluginName } : {}),
      }),
    );
    const a = InvocationOutputSchema.parse(out);
    return {
      commandId: a.CommandId || commandId,
      instanceId: a.InstanceId || instanceId,
      pluginName: a.PluginName || undefined,
      responseCode: a.ResponseCode,
      status: a.Status,
      statusDetails: a.StatusDetails || undefined,
      standardOutput: a.StandardOutputContent ?? '',
      standardError: a.StandardErrorContent ?? '',
      standardOutputUrl: a.StandardOutputUrl || undefined,
      standardErrorUrl: a.StandardErrorUrl || undefined,
    };
  });
}

/** Cancels a command on all its instances, or on the given ones. */
export async function cancelCommand(
  g: GatewayCalls,
  commandId: string,
  instanceIds?: readonly string[],
): Promise<void> {
  await g.call('ssm', 'CancelCommand', () =>
    g.clients.ssm.send(
      new CancelCommandCommand({ CommandId: commandId, ...(instanceIds ? { InstanceIds: [...instanceIds] } : {}) }),
    ),
  );
}

/** Puts one tag on instances (EC2 CreateTags, 1,000 ids a call); tagging again is harmless, so a retry is safe. */
export async function tagInstances(
  g: GatewayCalls,
  instanceIds: readonly string[],
  key: string,
  value: string,
): Promise<void> {
  for (const ids of chunk(instanceIds, LIMITS.tagResourcesPerCall)) {
    await g.call('ec2', 'CreateTags', () =>
      g.clients.ec2.send(new CreateTagsCommand({ Resources: ids, Tags: [{ Key: key, Value: value }] })),
    );
  }
}

/** Removes a tag from instances where it still has `value` (EC2 DeleteTags, 1,000 ids a call). */
export async function untagInstances(
  g: GatewayCalls,
  instanceIds: readonly string[],
  key: string,
  value: string,
): Promise<void> {
  for (const ids of chunk(instanceIds, LIMITS.tagResourcesPerCall)) {
    await g.call('ec2', 'DeleteTags', () =>
      g.clients.ec2.send(new DeleteTagsCommand({ Resources: ids, Tags: [{ Key: key, Value: value }] })),
    );
  }
}

/** Reboots instances through EC2, 50 ids per call. */
export async function rebootInstances(g: GatewayCalls, instanceIds: readonly string[]): Promise<void> {
  for (const ids of chunk(instanceIds, LIMITS.instanceIdsPerCall)) {
    await g.call('ec2', 'RebootInstances', () =>
      g.clients.once.ec2.send(new RebootInstancesCommand({ InstanceIds: ids })),
    );
  }
}

/** The Comment patchbot puts on its commands: it names the operation so a restart can find the command. */
export function patchCommandComment(operationId: string): string {
  const comment = `patchbot ${operationId}`;
  if (comment.length > LIMITS.commentLength)
    throw new InputError(`operation id too long for an SSM Comment: ${operationId}`);
  return comment;
}
