/**
 * The fewest AWS calls the APIs allow for an answer, from the fleet as it is: every list costs
 * ceil(items / largest page) calls and at least one. Counted through the gateway before a
 * measurement (those calls are not part of it).
 */
import { LIMITS, type FleetGateway, type GroupTarget } from '../../src/aws';
import type { PatchGroup } from '../../src/config';

/** Calls needed to read one list of `items` with pages of `page`. */
export const pages = (items: number, page: number): number => Math.max(1, Math.ceil(items / page));

/** What one group looks like in one scope and region: SSM-managed, EC2 and patch-state counts. */
export interface GroupCounts {
  managed: number;
  ec2: number;
  patchStates: number;
}

/** Counts a group in every gateway. */
export async function countGroup(gateways: readonly FleetGateway[], group: PatchGroup): Promise<GroupCounts[]> {
  const target: GroupTarget = {
    tagKey: group.tagKey,
    tagValue: group.tagValue,
    operatingSystem: group.operatingSystem,
  };
  return Promise.all(
    gateways.map(async (gw) => {
      const [instances, states] = await Promise.all([gw.listManagedInstances(target), gw.listPatchStates(target)]);
      return {
        managed: instances.filter((i) => i.pingStatus !== undefined).length,
        ec2: instances.filter((i) => i.ec2State !== undefined).length,
        patchStates: states.length,
      };
    }),
  );
}

/** The minimum calls to read a group's compliance in every gateway: instance information, EC2 instances and patch states. */
export function minimumGroupRead(counts: readonly GroupCounts[]): number {
  return counts.reduce(
    (n, c) =>
      n +
      pages(c.managed, LIMITS.instanceInformationPage) +
      pages(c.ec2, LIMITS.ec2InstancesPage) +
      pages(c.patchStates, LIMITS.patchStatesPage),
    0,
  );
}

/** The minimum calls to find a group's instances under the other tag spelling in every gateway (status shows them): one paged EC2 list each. */
export async function minimumOtherSpelling(gateways: readonly FleetGateway[], group: PatchGroup): Promise<number> {
  const target: GroupTarget = {
    tagKey: group.tagKey,
    tagValue: group.tagValue,
    operatingSystem: group.operatingSystem,
  };
  const counts = await Promise.all(gateways.map((gw) => gw.listOtherSpelling(target)));
  return counts.reduce((n, found) => n + pages(found.length, LIMITS.ec2InstancesPage), 0);
}
