/**
 * EC2 over the ec2Query protocol: DescribeInstances, RebootInstances, CreateTags and DeleteTags,
 * with EC2's own error codes (InvalidInstanceID.NotFound, InvalidParameterCombination...) in EC2's
 * XML error shape.
 */
import type { Simulator } from './simulator';
import type { Partition } from './partition';
import { SimulatorError } from './errors';
import { paginate } from './paging';
import { queryString, queryStringList, queryStructList, type QueryStruct } from './protocol/query';
import { XmlList, escapeXml, xmlDocument, type XmlValue } from './protocol/xml';
import { applyReboot } from './fleet/compliance';
import type { SimInstance } from './fleet/model';

/** The namespace of EC2's 2016-11-15 API. */
export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const INSTANCE_ID = /^i-[0-9a-f]{8}([0-9a-f]{9})?$/;

/** Where and when an EC2 request runs. */
export interface Ec2Context {
  sim: Simulator;
  partition: Partition;
  now: number;
  requestId: string;
}

type Ec2Handler = (ctx: Ec2Context, params: QueryStruct) => string;

/** EC2's XML error body. */
export function ec2ErrorBody(error: SimulatorError, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
}

function invalidParameterValue(message: string): SimulatorError {
  return new SimulatorError('InvalidParameterValue', message);
}

function checkIds(ids: string[]): void {
  const malformed = ids.find((id) => !INSTANCE_ID.test(id));
  if (malformed !== undefined) throw new SimulatorError('InvalidInstanceID.Malformed', `Invalid id: "${malformed}"`);
}

function requireInstances(partition: Partition, ids: string[]): SimInstance[] {
  checkIds(ids);
  const unknown = ids.filter((id) => !partition.instances.has(id));
  if (unknown.length === 1)
    throw new SimulatorError('InvalidInstanceID.NotFound', `The instance ID '${unknown[0]}' does not exist`);
  if (unknown.length > 1)
    throw new SimulatorError('InvalidInstanceID.NotFound', `The instance IDs '${unknown.join(', ')}' do not exist`);
  return [...new Set(ids)].map((id) => partition.instances.get(id) as SimInstance);
}

function checkDryRun(params: QueryStruct): void {
  if (queryString(params, 'DryRun') === 'true') {
    throw new SimulatorError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
  }
}

/** EC2 filter values may use * and ? wildcards. */
function globMatches(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(value);
}

/** Filter names the simulator answers (besides `tag:<key>`). */
const KNOWN_FILTERS = new Set([
  'tag-key',
  'tag-value',
  'instance-id',
  'instance-state-name',
  'instance-state-code',
  'instance-type',
  'platform',
  'private-ip-address',
  'availability-zone',
  'image-id',
  'vpc-id',
  'subnet-id',
  'reservation-id',
]);

const STATE_CODES: Record<string, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

function filterValues(instance: SimInstance, name: string): string[] | undefined {
  if (name.startsWith('tag:')) {
    const value = instance.tags.get(name.slice(4));
    return value === undefined ? [] : [value];
  }
  switch (name) {
    case 'tag-key':
      return [...instance.tags.keys()];
    case 'tag-value':
      return [...instance.tags.values()];
    case 'instance-id':
      return [instance.id];
    case 'instance-state-name':
      return [instance.state];
    case 'instance-state-code':
      return [String(STATE_CODES[instance.state])];
    case 'instance-type':
      return [instance.instanceType];
    case 'platform':
      return instance.os === 'WINDOWS' ? ['windows'] : [];
    case 'private-ip-address':
      return [instance.privateIp];
    case 'availability-zone':
      return [instance.availabilityZone];
    case 'image-id':
      return [instance.imageId];
    case 'vpc-id':
      return [instance.vpcId];
    case 'subnet-id':
      return [instance.subnetId];
    case 'reservation-id':
      return [instance.reservationId];
    default:
      return undefined;
  }
}

function instanceXml(instance: SimInstance): XmlValue {
  const stopped = instance.state === 'stopped';
  const stamp = instance.stateChangedAt.toISOString().replace('T', ' ').slice(0, 19);
  return {
    instanceId: instance.id,
    imageId: instance.imageId,
    instanceState: { code: STATE_CODES[instance.state], name: instance.state },
    privateDnsName:
      instance.os === 'WINDOWS' ? `ip-${instance.privateIp.replace(/\./g, '-')}.ec2.internal` : instance.computerName,
    dnsName: '',
    reason: stopped ? `User initiated (${stamp} GMT)` : '',
    amiLaunchIndex: 0,
    productCodes: new XmlList([], 'item'),
    instanceType: instance.instanceType,
    launchTime: instance.launchTime,
    placement: { availabilityZone: instance.availabilityZone, groupName: '', tenancy: 'default' },
    ...(instance.os === 'WINDOWS' ? { platform: 'windows' } : {}),
    monitoring: { state: 'disabled' },
    subnetId: instance.subnetId,
    vpcId: instance.vpcId,
    privateIpAddress: instance.privateIp,
    ...(stopped
      ? {
          stateReason: {
            code: 'Client.UserInitiatedShutdown',
            message: 'Client.UserInitiatedShutdown: User initiated shutdown',
          },
        }
      : {}),
    architecture: 'x86_64',
    rootDeviceType: 'ebs',
    rootDeviceName: instance.os === 'WINDOWS' ? '/dev/sda1' : '/dev/xvda',
    virtualizationType: 'hvm',
    tagSet: new XmlList(
      [...instance.tags].map(([key, value]) => ({ key, value })),
      'item',
    ),
    hypervisor: 'xen',
    ebsOptimized: true,
    platformDetails: instance.os === 'WINDOWS' ? 'Windows' : 'Linux/UNIX',
    usageOperation: instance.os === 'WINDOWS' ? 'RunInstances:0002' : 'RunInstances',
  };
}

/** DescribeInstances: by ids (never with MaxResults) or by filters, paged by MaxResults 5..1000. */
function describeInstances(ctx: Ec2Context, params: QueryStruct): string {
  checkDryRun(params);
  const ids = queryStringList(params, 'InstanceId') ?? [];
  const maxResultsText = queryString(params, 'MaxResults');
  const nextToken = queryString(params, 'NextToken');
  if (ids.length > 0 && maxResultsText !== undefined) {
    throw new SimulatorError(
      'InvalidParameterCombination',
      'The parameter instancesSet cannot be used with the parameter maxResults',
    );
  }
  let maxResults: number | undefined;
  if (maxResultsText !== undefined) {
    maxResults = Number(maxResultsText);
    if (!Number.isInteger(maxResults) || maxResults < 5 || maxResults > 1000) {
      throw invalidParameterValue(
        `Value ( ${maxResultsText} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
      );
    }
  }
  const filters = (queryStructList(params, 'Filter') ?? []).map((f) => {
    const name = queryString(f, 'Name');
    if (!name) throw new SimulatorError('MissingParameter', 'The request must contain the parameter Filter.Name');
    const values = queryStringList(f, 'Value') ?? [];
    return { name, values };
  });
  for (const f of filters) {
    if (!(f.name.startsWith('tag:') && f.name.length > 4) && !KNOWN_FILTERS.has(f.name))
      throw invalidParameterValue(`The filter '${f.name}' is invalid`);
  }
  const selected =
    ids.length > 0 ? requireInstances(ctx.partition, ids).sort((a, b) => a.seq - b.seq) : ctx.partition.instanceList;
  const matching = selected.filter((instance) =>
    filters.every((f) => {
      const have = filterValues(instance, f.name) ?? [];
      return f.values.some((pattern) => have.some((value) => globMatches(pattern, value)));
    }),
  );
  const { MaxResults: _m, NextToken: _n, Action: _a, Version: _v, ...request } = params;
  const page = paginate(
    matching,
    (i) => String(i.seq).padStart(10, '0'),
    maxResults ?? Math.max(matching.length, 1),
    nextToken,
    { partitionKey: ctx.partition.key, operation: 'DescribeInstances', request },
    () => new SimulatorError('InvalidPaginationToken', 'The specified pagination token is not valid or is expired.'),
  );
  return xmlDocument('DescribeInstancesResponse', EC2_NAMESPACE, {
    requestId: ctx.requestId,
    reservationSet: new XmlList(
      page.items.map((instance) => ({
        reservationId: instance.reservationId,
        ownerId: ctx.partition.account,
        groupSet: new XmlList([], 'item'),
        instancesSet: new XmlList([instanceXml(instance)], 'item'),
      })),
      'item',
    ),
    ...(page.nextToken ? { nextToken: page.nextToken } : {}),
  });
}

/** RebootInstances: finishes installs that wait for a reboot; SSM reports it at the next scan. */
function rebootInstances(ctx: Ec2Context, params: QueryStruct): string {
  checkDryRun(params);
  const ids = queryStringList(params, 'InstanceId') ?? [];
  if (ids.length === 0)
    throw new SimulatorError('MissingParameter', 'The request must contain the parameter InstanceId');
  const instances = requireInstances(ctx.partition, ids);
  const stopped = instances.find((i) => i.state !== 'running');
  if (stopped)
    throw new SimulatorError(
      'IncorrectState',
      `The instance '${stopped.id}' is not in a state from which it can be rebooted.`,
    );
  for (const instance of instances) applyReboot(instance);
  ctx.sim.journal.record(ctx.partition.key, 'RebootInstances', { instanceIds: instances.map((i) => i.id) });
  return xmlDocument('RebootInstancesResponse', EC2_NAMESPACE, { requestId: ctx.requestId, return: true });
}

/** Tag.N.Key / Tag.N.Value as EC2 reads them; `requireValue` is false for DeleteTags, where a missing value deletes whatever the value is. */
function readTags(params: QueryStruct, requireValue: boolean): Array<{ key: string; value: string | undefined }> {
  const tags = (queryStructList(params, 'Tag') ?? []).map((t) => {
    const key = queryString(t, 'Key');
    if (key === undefined || key.length === 0)
      throw new SimulatorError('InvalidParameterValue', 'Tag key must not be empty.');
    if (key.length > 128)
      throw invalidParameterValue(`Tag key exceeds the maximum length of 128 characters: ${key.slice(0, 40)}…`);
    if (key.toLowerCase().startsWith('aws:'))
      throw invalidParameterValue(`Tag keys starting with 'aws:' are reserved for internal use`);
    const value = queryString(t, 'Value');
    if (value !== undefined && value.length > 256)
      throw invalidParameterValue(`Tag value exceeds the maximum length of 256 characters`);
    return { key, value: value ?? (requireValue ? '' : undefined) };
  });
  return tags;
}

/** Resource ids of a tagging call: instances only (the simulator models no other resource). */
function taggedInstances(ctx: Ec2Context, params: QueryStruct): SimInstance[] {
  const ids = queryStringList(params, 'ResourceId') ?? [];
  if (ids.length === 0)
    throw new SimulatorError('MissingParameter', 'The request must contain the parameter resourceIdSet');
  if (ids.length > 1000)
    throw invalidParameterValue(`The maximum number of resources per request is 1000; got ${ids.length}.`);
  return requireInstances(ctx.partition, ids);
}

/** CreateTags: adds or overwrites tags on instances; at most 50 tags an instance, as on AWS. */
function createTags(ctx: Ec2Context, params: QueryStruct): string {
  checkDryRun(params);
  const instances = taggedInstances(ctx, params);
  const tags = readTags(params, true);
  if (tags.length === 0) throw new SimulatorError('MissingParameter', 'The request must contain the parameter Tag');
  for (const instance of instances) {
    const keys = new Set([...instance.tags.keys(), ...tags.map((t) => t.key)]);
    if (keys.size > 50)
      throw new SimulatorError(
        'TagLimitExceeded',
        `The maximum number of tags for resource '${instance.id}' has been reached.`,
      );
  }
  for (const instance of instances) for (const t of tags) instance.tags.set(t.key, t.value ?? '');
  ctx.sim.journal.record(ctx.partition.key, 'CreateTags', {
    resourceIds: instances.map((i) => i.id),
    tags: tags.map((t) => ({ key: t.key, value: t.value ?? '' })),
  });
  return xmlDocument('CreateTagsResponse', EC2_NAMESPACE, { requestId: ctx.requestId, return: true });
}

/** DeleteTags: removes tags; with a value, only where the tag has that value; with no Tag, every tag (as on AWS). */
function deleteTags(ctx: Ec2Context, params: QueryStruct): string {
  checkDryRun(params);
  const instances = taggedInstances(ctx, params);
  const tags = readTags(params, false);
  for (const instance of instances) {
    if (tags.length === 0) {
      instance.tags.clear();
      continue;
    }
    for (const t of tags)
      if (t.value === undefined || instance.tags.get(t.key) === t.value) instance.tags.delete(t.key);
  }
  ctx.sim.journal.record(ctx.partition.key, 'DeleteTags', {
    resourceIds: instances.map((i) => i.id),
    tags: tags.map((t) => ({ key: t.key, value: t.value })),
  });
  return xmlDocument('DeleteTagsResponse', EC2_NAMESPACE, { requestId: ctx.requestId, return: true });
}

/** Action name → handler. */
export const EC2_OPERATIONS: Readonly<Record<string, Ec2Handler>> = {
  DescribeInstances: describeInstances,
  RebootInstances: rebootInstances,
  CreateTags: createTags,
  DeleteTags: deleteTags,
};
