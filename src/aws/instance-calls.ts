/** FleetGateway's instance reads: a group's members, the other tag spelling's instances, instance tags, and one instance by id or Name. */
import {
  type DescribeInstancesCommandInput,
  paginateDescribeInstances,
  type Instance as Ec2Instance,
} from '@aws-sdk/client-ec2';
import {
  type InstanceInformation,
  type InstanceInformationStringFilter,
  paginateDescribeInstanceInformation,
} from '@aws-sdk/client-ssm';
import {
  type FoundInstance,
  type GroupTarget,
  type InstanceQuery,
  type InstanceTags,
  LIMITS,
  type ManagedInstance,
  otherPatchGroupTagKey,
} from '../patching/fleet-types';
import { chunk, mapLimit } from '../shared/concurrency';
import type { GatewayCalls } from './gateway-calls';
import { describeInstancePage } from './instance-page-reader';
import * as map from './mappers';

/** EC2 states of instances that still exist (not terminated or shutting down). */
const LIVE_EC2_STATES = ['pending', 'running', 'stopping', 'stopped'] as const;

/**
 * The group's instances: SSM's managed-node view joined with EC2's Name tag and state. SSM does not
 * list stopped or terminated nodes, so those come from EC2 alone (no ping status, their EC2 state).
 */
export async function listManagedInstances(g: GatewayCalls, group: GroupTarget): Promise<ManagedInstance[]> {
  const [ssm, ec2] = await Promise.all([
    describeNodes(g, [{ Key: `tag:${group.tagKey}`, Values: [group.tagValue] }]),
    describeTagged(g, group),
  ]);
  return joinInstances(ssm, ec2);
}

/** SSM's managed nodes matching every filter (DescribeInstanceInformation, paged to the end). */
export function describeNodes(
  g: GatewayCalls,
  filters: InstanceInformationStringFilter[],
): Promise<InstanceInformation[]> {
  return g.call('ssm', 'DescribeInstanceInformation', async () => {
    const found: InstanceInformation[] = [];
    const pages = paginateDescribeInstanceInformation(
      { client: g.clients.ssm, pageSize: LIMITS.instanceInformationPage },
      { Filters: filters },
    );
    for await (const page of pages) found.push(...(page.InstanceInformationList ?? []));
    return found;
  });
}

/**
 * EC2's instances carrying the group's tag and value, in any state (DescribeInstances, 1,000 a
 * page), each cut to a flat Ec2Member (id, state, Name) as its page arrives: a whole EC2
 * Instance is kilobytes, and a group can be tens of thousands of them.
 */
export function describeTagged(g: GatewayCalls, group: GroupTarget): Promise<map.Ec2Member[]> {
  return g.call('ec2', 'DescribeInstances', async () => {
    const found: map.Ec2Member[] = [];
    await eachInstancePage(g, { Filters: [{ Name: `tag:${group.tagKey}`, Values: [group.tagValue] }] }, (page) => {
      for (const i of page) {
        const member = map.toMember(i);
        if (member) found.push(member);
      }
    });
    return found;
  });
}

/**
 * Every page of a DescribeInstances (1,000 instances a page), each instance cut to id, state and tags
 * (`describeInstancePage`), handed to `take` as it arrives and then let go. Not the SDK's paginator:
 * it holds each page until the next one has arrived, and with every scope of an organisation paging
 * at once that was twenty pages alive at once.
 */
async function eachInstancePage(
  g: GatewayCalls,
  input: Omit<DescribeInstancesCommandInput, 'MaxResults' | 'NextToken'>,
  take: (instances: Ec2Instance[]) => void,
): Promise<void> {
  let token: string | undefined;
  do {
    const previous = token;
    const page = await describeInstancePage(
      g.clients.ec2,
      { ...input, MaxResults: LIMITS.ec2InstancesPage, NextToken: token },
      g.clients.turns,
    );
    take(page.instances);
    token = page.nextToken;
    if (token !== undefined && token === previous) break; // a token that does not move would page forever
  } while (token);
}

/** SSM's and EC2's views joined by instance id, in id order; either side may be missing. */
export function joinInstances(ssm: readonly InstanceInformation[], ec2: readonly map.Ec2Member[]): ManagedInstance[] {
  const bySsm = new Map(ssm.filter((i) => i.InstanceId).map((i) => [i.InstanceId as string, i]));
  const byEc2 = new Map(ec2.map((i) => [i.instanceId, i]));
  const ids = [...new Set([...bySsm.keys(), ...byEc2.keys()])].sort();
  return ids.map((id) => map.toManagedInstance(id, bySsm.get(id), byEc2.get(id)));
}

/**
 * Instances that carry the group's tag value under the other tag key spelling (`PatchGroup=PRD`
 * when the group uses `Patch Group`): SSM counts them in the patch group, but the group's tag
 * does not find them. One paginated EC2 DescribeInstances; terminated and shutting-down instances
 * are left out, and so are instances that also carry the group's own tag with its value (they are
 * members already). SSM fields are undefined: EC2 alone is asked.
 */
export async function listOtherSpelling(g: GatewayCalls, group: GroupTarget): Promise<ManagedInstance[]> {
  const found = await g.call('ec2', 'DescribeInstances', async () => {
    const instances: ManagedInstance[] = [];
    const filters = [
      { Name: `tag:${otherPatchGroupTagKey(group.tagKey)}`, Values: [group.tagValue] },
      { Name: 'instance-state-name', Values: [...LIVE_EC2_STATES] },
    ];
    await eachInstancePage(g, { Filters: filters }, (page) => {
      for (const i of page)
        if (i.InstanceId && !i.Tags?.some((t) => t.Key === group.tagKey && t.Value === group.tagValue))
          instances.push(map.toManagedInstance(i.InstanceId, undefined, map.toMember(i)));
    });
    return instances;
  });
  return found.sort((a, b) => (a.instanceId < b.instanceId ? -1 : 1));
}

/**
 * The tags (and Name) of the given instances, 50 ids a call. Asked with an `instance-id` filter
 * rather than InstanceIds, so an id EC2 no longer knows is left out instead of failing the call.
 */
export function describeInstanceTags(g: GatewayCalls, instanceIds: readonly string[]): Promise<InstanceTags[]> {
  if (instanceIds.length === 0) return Promise.resolve([]);
  return g.call('ec2', 'DescribeInstances', async () => {
    const batches = await mapLimit(chunk([...new Set(instanceIds)], LIMITS.instanceIdsPerCall), 4, async (ids) => {
      const found: InstanceTags[] = [];
      const pages = paginateDescribeInstances(
        { client: g.clients.ec2, pageSize: LIMITS.ec2InstancesPage },
        { Filters: [{ Name: 'instance-id', Values: ids }] },
      );
      for await (const page of pages) {
        for (const r of page.Reservations ?? [])
          for (const i of r.Instances ?? []) if (i.InstanceId) found.push(map.toInstanceTags(i.InstanceId, i));
      }
      return found;
    });
    return batches.flat();
  });
}

/**
 * Live instances with this id or Name tag (`/patch instance`): one paginated EC2 DescribeInstances
 * filtered by `instance-id` or `tag:Name` (a filter, not InstanceIds, so an unknown id is an empty
 * answer rather than an error), then SSM's DescribeInstanceInformation for those ids (50 a call) for
 * the agent's ping, version and platform. Terminated and shutting-down instances are left out.
 */
export async function findInstances(g: GatewayCalls, query: InstanceQuery): Promise<FoundInstance[]> {
  const filter =
    'instanceId' in query
      ? { Name: 'instance-id', Values: [query.instanceId] }
      : { Name: 'tag:Name', Values: [query.name] };
  const ec2 = await g.call('ec2', 'DescribeInstances', async () => {
    const found: Ec2Instance[] = [];
    const pages = paginateDescribeInstances(
      { client: g.clients.ec2, pageSize: LIMITS.ec2InstancesPage },
      { Filters: [filter, { Name: 'instance-state-name', Values: [...LIVE_EC2_STATES] }] },
    );
    for await (const page of pages) for (const r of page.Reservations ?? []) found.push(...(r.Instances ?? []));
    return found.filter((i) => i.InstanceId !== undefined);
  });
  if (ec2.length === 0) return [];
  const ids = [...new Set(ec2.map((i) => i.InstanceId as string))];
  const ssm = await g.call('ssm', 'DescribeInstanceInformation', async () => {
    const batches = await mapLimit(chunk(ids, LIMITS.instanceIdsPerCall), 4, async (batch) => {
      const found: InstanceInformation[] = [];
      const pages = paginateDescribeInstanceInformation(
        { client: g.clients.ssm, pageSize: LIMITS.instanceInformationPage },
        { Filters: [{ Key: 'InstanceIds', Values: batch }] },
      );
      for await (const page of pages) found.push(...(page.InstanceInformationList ?? []));
      return found;
    });
    return batches.flat();
  });
  const bySsm = new Map(ssm.filter((i) => i.InstanceId).map((i) => [i.InstanceId as string, i]));
  return ec2
    .sort((a, b) => ((a.InstanceId as string) < (b.InstanceId as string) ? -1 : 1))
    .map((i) => {
      const id = i.InstanceId as string;
      return { ...map.toManagedInstance(id, bySsm.get(id), map.toMember(i)), tags: map.toInstanceTags(id, i).tags };
    });
}
