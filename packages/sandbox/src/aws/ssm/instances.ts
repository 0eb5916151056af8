/** DescribeInstanceInformation: SSM's view of managed nodes, with both of its filter styles. */
import { SimulatorError, validationException } from '../errors';
import { optList, structItem, type Input } from '../validate';
import type { SimInstance } from '../fleet/model';
import { byIds, type Candidates } from '../instance-pages';
import type { Partition } from '../partition';
import { instancePageOf, keyValueFilters, type SsmContext } from './common';

const FILTER_KEYS = [
  'InstanceIds',
  'AgentVersion',
  'PingStatus',
  'PlatformTypes',
  'ActivationIds',
  'IamRole',
  'ResourceType',
  'AssociationStatus',
];
const PING_STATUSES = ['Online', 'ConnectionLost', 'Inactive'];
const PLATFORM_TYPES = ['Windows', 'Linux', 'MacOS'];

type Predicate = (instance: SimInstance) => boolean;

function predicate(key: string, values: string[]): Predicate {
  if (key === 'PingStatus') {
    const bad = values.find((v) => !PING_STATUSES.includes(v));
    if (bad)
      throw new SimulatorError(
        'InvalidInstanceInformationFilterValue',
        `The filter value ${bad} is not valid for PingStatus.`,
      );
  }
  if (key === 'PlatformTypes') {
    const bad = values.find((v) => !PLATFORM_TYPES.includes(v));
    if (bad)
      throw new SimulatorError(
        'InvalidInstanceInformationFilterValue',
        `The filter value ${bad} is not valid for PlatformTypes.`,
      );
  }
  switch (key) {
    case 'InstanceIds':
      return (i) => values.includes(i.id);
    case 'AgentVersion':
      return (i) => values.includes(i.agentVersion);
    case 'PingStatus':
      return (i) => values.includes(i.pingStatus);
    case 'PlatformTypes':
      return (i) => values.includes(i.platformType);
    case 'ResourceType':
      return () => values.includes('EC2Instance');
    case 'AssociationStatus':
      return () => values.includes('Success');
    case 'ActivationIds':
    case 'IamRole':
      return () => false;
    case 'tag-key':
      return (i) => values.some((k) => i.tags.has(k));
    default: {
      const tagKey = key.slice(4);
      return (i) => {
        const value = i.tags.get(tagKey);
        return value !== undefined && values.includes(value);
      };
    }
  }
}

/**
 * The instances an index offers for one filter (undefined when none does). PingStatus without
 * Online walks the partition's not-Online list: that share of a fleet is small, so the bot's
 * "tag:Patch Group=PRD, PingStatus=[ConnectionLost, Inactive]" walks a handful, not the group.
 * Filters that can never match offer nothing at all.
 */
function candidates(partition: Partition, key: string, values: string[]): Candidates {
  switch (key) {
    case 'InstanceIds':
      return byIds(partition, values);
    case 'PingStatus':
      return values.includes('Online') ? undefined : [partition.index.notOnline()];
    case 'ResourceType':
      return values.includes('EC2Instance') ? undefined : [];
    case 'AssociationStatus':
      return values.includes('Success') ? undefined : [];
    case 'ActivationIds':
    case 'IamRole':
      return [];
    default:
      if (key.startsWith('tag:')) return values.map((value) => partition.index.tagged(key.slice(4), value));
      return undefined;
  }
}

/**
 * Lists managed nodes; every filter narrows the list (AND), values within a filter widen it (OR).
 * Stopped instances are left out, as AWS documents ("does not return stopped or terminated nodes"):
 * EC2 DescribeInstances is where they are seen. So are EC2 instances no agent registered (not managed nodes).
 */
export function describeInstanceInformation(ctx: SsmContext, input: Input): object {
  const predicates: Predicate[] = [];
  const offers: Candidates[] = [];
  const legacy =
    optList(input, 'InstanceInformationFilterList', structItem('InstanceInformationFilterList'), { max: 100 }) ?? [];
  for (const filter of legacy) {
    const key = filter['key'];
    const values = filter['valueSet'];
    if (typeof key !== 'string' || !FILTER_KEYS.includes(key)) {
      throw validationException(
        `1 validation error detected: Value '${String(key)}' at 'instanceInformationFilterList.member.key' failed to satisfy constraint: Member must satisfy enum value set: [${FILTER_KEYS.join(', ')}]`,
      );
    }
    if (
      !Array.isArray(values) ||
      values.length === 0 ||
      values.length > 100 ||
      values.some((v) => typeof v !== 'string')
    ) {
      throw validationException(
        `1 validation error detected: Value at 'instanceInformationFilterList.member.valueSet' failed to satisfy constraint: Member must have length between 1 and 100`,
      );
    }
    predicates.push(predicate(key, values as string[]));
    offers.push(candidates(ctx.partition, key, values as string[]));
  }
  const filters = keyValueFilters(input, {
    allowed: (key) => FILTER_KEYS.includes(key) || key === 'tag-key' || (key.startsWith('tag:') && key.length > 4),
    unknownKey: (key) => new SimulatorError('InvalidFilterKey', `The filter key ${key} is not valid.`),
    maxValues: 100,
  });
  for (const filter of filters) {
    if (filter.Values.length === 0)
      throw validationException(
        `1 validation error detected: Value at 'filters.member.values' failed to satisfy constraint: Member must have length greater than or equal to 1`,
      );
    predicates.push(predicate(filter.Key, filter.Values));
    offers.push(candidates(ctx.partition, filter.Key, filter.Values));
  }
  const page = instancePageOf(
    ctx,
    input,
    offers,
    (i) => i.ssmManaged && i.state === 'running' && predicates.every((p) => p(i)),
  );
  return {
    InstanceInformationList: page.items.map((i) => instanceInformation(i, ctx.now)),
    ...(page.NextToken ? { NextToken: page.NextToken } : {}),
  };
}

function instanceInformation(i: SimInstance, now: number): object {
  // Online agents ping every five minutes; spread the last ping over that period.
  const lastPing = i.pingStatus === 'Online' ? new Date(now - ((i.seq * 37) % 290) * 1000) : i.lastPingAt;
  return {
    InstanceId: i.id,
    PingStatus: i.pingStatus,
    LastPingDateTime: lastPing,
    AgentVersion: i.agentVersion,
    IsLatestVersion: false,
    PlatformType: i.platformType,
    PlatformName: i.platformName,
    PlatformVersion: i.platformVersion,
    ResourceType: 'EC2Instance',
    IPAddress: i.privateIp,
    ComputerName: i.computerName,
    AssociationStatus: 'Success',
    LastAssociationExecutionDate: i.reported?.operationEndTime,
    LastSuccessfulAssociationExecutionDate: i.reported?.operationEndTime,
    SourceId: i.id,
    SourceType: 'AWS::EC2::Instance',
  };
}
