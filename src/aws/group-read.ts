/**
 * FleetGateway.readGroup: a group's members and patch states with the fewest calls the APIs allow.
 *
 * listManagedInstances pages through every managed node of the group (DescribeInstanceInformation,
 * 50 a page), which at scale costs twice the patch-state list (100 a page) on every poll. Most of
 * that list says only "Online". An EC2 instance that is running and has reported a patch state has
 * a registered agent, and DescribeInstanceInformation filtered to PingStatus ConnectionLost or
 * Inactive names every such agent that is not Online, so the rest are Online. What is left to ask
 * by id is the running members that never reported (a new instance, or one with no agent), and
 * hybrid managed nodes (`mi-`), which EC2 does not list at all. So per group, scope and region:
 *
 *   pages(EC2 members, 1000) + pages(patch states, 100) + pages(not Online, 50)
 *     + pages(hybrid nodes, 50) + ceil(running members with no patch state and not listed above / 50)
 *
 * The last term is zero on a quiet fleet. The agent's platform and version, and the time of an
 * Online agent's last ping, are not read here (the views that show them use findInstances).
 */
import type { InstanceInformation } from '@aws-sdk/client-ssm';
import { type GroupRead, type GroupTarget, type InstancePatchState, LIMITS } from '../patching/fleet-types';
import { chunk, mapLimit } from '../shared/concurrency';
import type { GatewayCalls } from './gateway-calls';
import { describeNodes, describeTagged, joinInstances } from './instance-calls';

/** Ping statuses other than Online (`Inactive` is deprecated but still answered). */
const NOT_ONLINE = ['ConnectionLost', 'Inactive'];

/** The group's members (as listManagedInstances has them, platform fields aside) and its patch states. */
export async function readGroup(
  g: GatewayCalls,
  group: GroupTarget,
  listPatchStates: (group: GroupTarget) => Promise<InstancePatchState[]>,
): Promise<GroupRead> {
  const tag = { Key: `tag:${group.tagKey}`, Values: [group.tagValue] };
  const [ec2, states, notOnline, hybrid] = await Promise.all([
    describeTagged(g, group),
    listPatchStates(group),
    describeNodes(g, [tag, { Key: 'PingStatus', Values: NOT_ONLINE }]),
    describeNodes(g, [tag, { Key: 'ResourceType', Values: ['ManagedInstance'] }]),
  ]);
  const listed = new Map<string, InstanceInformation>();
  for (const node of [...notOnline, ...hybrid]) if (node.InstanceId) listed.set(node.InstanceId, node);
  // One string per instance id: a state's id becomes its member's, not a second copy held as long.
  const memberIds = new Map(ec2.map((m) => [m.instanceId, m.instanceId]));
  for (const s of states) s.instanceId = memberIds.get(s.instanceId) ?? s.instanceId;
  const reported = new Set(states.map((s) => s.instanceId));
  const running = ec2.filter((i) => i.state === 'running');
  const unknown = running.map((i) => i.instanceId).filter((id) => !reported.has(id) && !listed.has(id));
  const asked = await askById(g, unknown);
  const online = running
    .map((i) => i.instanceId)
    .filter((id) => reported.has(id) && !listed.has(id))
    .map((id): InstanceInformation => ({ InstanceId: id, PingStatus: 'Online' }));
  return { instances: joinInstances([...listed.values(), ...asked, ...online], ec2), states };
}

/** The agents of instances named by id, 50 ids a call (a page's worth), four calls at once; unregistered ids are absent. */
async function askById(g: GatewayCalls, ids: readonly string[]): Promise<InstanceInformation[]> {
  if (ids.length === 0) return [];
  const batches = await mapLimit(chunk(ids, LIMITS.instanceInformationPage), 4, (batch) =>
    describeNodes(g, [{ Key: 'InstanceIds', Values: batch }]),
  );
  return batches.flat();
}
