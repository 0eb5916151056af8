/**
 * The organisation benchmark's call counts, from a full ground-truth read through the gateway (not
 * part of any measurement): the fewest calls readGroup needs (groupReadTotal, see
 * src/patching/group-read-cost.ts) and what the former read cost for the same groups, for comparison.
 */
import { LIMITS, type FleetGateway, type GroupTarget } from '../../src/aws';
import type { PatchGroup } from '../../src/config';
import { groupReadCounts, groupReadTotal, pagesOf } from '../../src/patching/group-read-cost';
import { minimumOtherSpelling } from './minimum';

/** A group's read in every scope and region: the fewest calls now, and the former read's calls. */
export interface GroupCost {
  minimum: number;
  /** pages(managed nodes, 50) + pages(patch states, 100) + pages(EC2 members, 1000) per scope and region. */
  before: number;
}

const target = (g: PatchGroup): GroupTarget => ({
  tagKey: g.tagKey,
  tagValue: g.tagValue,
  operatingSystem: g.operatingSystem,
});

/** Counts one group in every gateway, all at once: with 20 ms per call the counting is bound by latency, not by the simulator. */
export async function groupCost(gateways: readonly FleetGateway[], group: PatchGroup): Promise<GroupCost> {
  const each = await Promise.all(
    gateways.map(async (gw) => {
      const [members, states] = await Promise.all([
        gw.listManagedInstances(target(group)),
        gw.listPatchStates(target(group)),
      ]);
      const before =
        pagesOf(members.filter((i) => i.pingStatus !== undefined).length, LIMITS.instanceInformationPage) +
        pagesOf(states.length, LIMITS.patchStatesPage) +
        pagesOf(members.filter((i) => i.ec2State !== undefined).length, LIMITS.ec2InstancesPage);
      return { minimum: groupReadTotal(groupReadCounts(members, states)), before };
    }),
  );
  return {
    minimum: each.reduce((n, c) => n + c.minimum, 0),
    before: each.reduce((n, c) => n + c.before, 0),
  };
}

/** Every group read once (a quiet poll, or the digest reading afresh). */
export async function allGroupsCost(
  gateways: readonly FleetGateway[],
  groups: readonly PatchGroup[],
): Promise<GroupCost> {
  const costs = [];
  for (const g of groups) costs.push(await groupCost(gateways, g));
  return {
    minimum: costs.reduce((n, c) => n + c.minimum, 0),
    before: costs.reduce((n, c) => n + c.before, 0),
  };
}

/** `status <group>`: the group's read and, in every scope, the EC2 read of the other tag spelling. */
export async function statusCost(gateways: readonly FleetGateway[], group: PatchGroup): Promise<GroupCost> {
  const read = await groupCost(gateways, group);
  const other = await minimumOtherSpelling(gateways, group);
  return { minimum: read.minimum + other, before: read.before + other };
}
