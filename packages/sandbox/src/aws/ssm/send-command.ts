/** Run Command's SendCommand: AWS-RunPatchBaseline only, with SendCommand's real limits and validation. */
import { SimulatorError, constraintMessage, validationException } from '../errors';
import {
  checkPattern,
  optInt,
  optList,
  optString,
  optStringListMap,
  reqString,
  stringItem,
  structItem,
  type Input,
} from '../validate';
import { createCommand } from '../fleet/commands';
import { resolveTargets } from '../fleet/targets';
import type { PatchOperation, RebootOption, Target } from '../fleet/model';
import type { SsmContext } from './common';
import { INSTANCE_ID, commandView } from './commands';

/** The one Command document the simulator runs. */
export const PATCH_DOCUMENT = 'AWS-RunPatchBaseline';
const DOCUMENT_PARAMETERS = [
  'Operation',
  'SnapshotId',
  'InstallOverrideList',
  'RebootOption',
  'BaselineOverride',
  'AssociationId',
];
/** The document's allowedPattern for InstallOverrideList (and BaselineOverride): empty, an https URL or an s3:// URL. */
const OVERRIDE_URL = /(^$)|^https:\/\/.+$|^s3:\/\/([^/]+)\/(.*?([^/]+))$/;
const MAX_CONCURRENCY = /^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$/;
const MAX_ERRORS = /^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$/;

function readTargets(input: Input): Target[] | undefined {
  return optList(
    input,
    'Targets',
    (value, index) => {
      const t = structItem('Targets')(value);
      const key = t['Key'];
      const values = t['Values'] ?? [];
      if (typeof key !== 'string' || key.length === 0 || key.length > 163) {
        throw validationException(
          constraintMessage(`targets.${index + 1}.member.key`, key, 'Member must have length between 1 and 163'),
        );
      }
      if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) {
        throw new SimulatorError(
          'SerializationException',
          'Unexpected value for Targets.Values: expected a list of strings',
        );
      }
      if (values.length > 50) {
        throw validationException(
          constraintMessage(
            `targets.${index + 1}.member.values`,
            values,
            'Member must have length less than or equal to 50',
          ),
        );
      }
      if (key !== 'InstanceIds' && key !== 'tag-key' && !key.startsWith('tag:')) {
        throw new SimulatorError(
          'InvalidTarget',
          `Target key ${key} is not supported by the sandbox (use InstanceIds, tag:<key> or tag-key).`,
        );
      }
      return { Key: key, Values: values as string[] };
    },
    { max: 5 },
  );
}

function checkParameters(parameters: Record<string, string[]>): {
  operation: PatchOperation;
  rebootOption: RebootOption;
} {
  for (const name of Object.keys(parameters)) {
    if (!DOCUMENT_PARAMETERS.includes(name))
      throw new SimulatorError(
        'InvalidParameters',
        `Parameter "${name}" is not defined in document ${PATCH_DOCUMENT}.`,
      );
  }
  const operation = parameters['Operation'];
  if (operation?.length !== 1)
    throw new SimulatorError('InvalidParameters', 'Parameter "Operation" is required and takes one value.');
  if (operation[0] !== 'Scan' && operation[0] !== 'Install') {
    throw new SimulatorError(
      'InvalidParameters',
      `Parameter "Operation" "${String(operation[0])}" is not one of the allowed values: Scan, Install.`,
    );
  }
  for (const name of ['InstallOverrideList', 'BaselineOverride']) {
    const value = parameters[name];
    if (value === undefined) continue;
    if (value.length !== 1 || !OVERRIDE_URL.test(value[0] as string))
      throw new SimulatorError(
        'InvalidParameters',
        `Parameter "${name}" "${String(value[0])}" failed to satisfy constraint: Member must satisfy regular expression pattern: ${OVERRIDE_URL.source}`,
      );
  }
  const reboot = parameters['RebootOption'] ?? ['RebootIfNeeded'];
  if (reboot.length !== 1 || (reboot[0] !== 'RebootIfNeeded' && reboot[0] !== 'NoReboot')) {
    throw new SimulatorError(
      'InvalidParameters',
      `Parameter "RebootOption" "${String(reboot[0])}" is not one of the allowed values: RebootIfNeeded, NoReboot.`,
    );
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
  const outputBucket = optString(input, 'OutputS3BucketName', { min: 3, max: 63 });
  const outputPrefix = optString(input, 'OutputS3KeyPrefix', { max: 500 });
  // Deprecated: "The system ignores it" (SendCommand reference); read only for its length rule.
  optString(input, 'OutputS3Region', { min: 3, max: 20 });
  const hasIds = instanceIds !== undefined && instanceIds.length > 0;
  const hasTargets = targets !== undefined && targets.length > 0;
  if (hasIds && hasTargets) throw validationException('Specify either InstanceIds or Targets, not both.');
  if (!hasIds && !hasTargets) throw validationException('Specify InstanceIds or Targets.');
  if (documentName !== PATCH_DOCUMENT) {
    throw new SimulatorError(
      'InvalidDocument',
      `Document with name ${documentName} does not exist (the sandbox models ${PATCH_DOCUMENT} only).`,
    );
  }
  if (documentVersion !== undefined && !['$DEFAULT', '$LATEST', '1'].includes(documentVersion)) {
    throw new SimulatorError(
      'InvalidDocumentVersion',
      `Document version ${documentVersion} is not valid for ${documentName}.`,
    );
  }
  const { operation, rebootOption } = checkParameters(parameters);
  for (const id of instanceIds ?? []) checkPattern('InstanceIds.member', id, INSTANCE_ID);
  // An EC2 instance that is not a managed node is as unknown to SendCommand as a made-up id.
  const unknown = (instanceIds ?? []).filter((id) => !ctx.partition.instances.get(id)?.ssmManaged);
  if (unknown.length > 0) {
    throw new SimulatorError(
      'InvalidInstanceId',
      `Instances [[${unknown.join(', ')}]] not in a valid state for account ${ctx.partition.account}`,
    );
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
      ...(outputBucket ? { outputS3: { bucket: outputBucket, prefix: outputPrefix ?? '' } } : {}),
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
    /** The Parameters map exactly as received (InstallOverrideList included). */
    parameters,
    ...(parameters['InstallOverrideList'] ? { installOverrideList: parameters['InstallOverrideList'][0] } : {}),
    ...(outputBucket ? { outputS3BucketName: outputBucket, outputS3KeyPrefix: outputPrefix ?? '' } : {}),
    resolved: command.invocations.map((i) => i.instanceId),
  });
  return { Command: commandView(ctx, command) };
}
