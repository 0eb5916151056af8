/**
 * The fewest calls that read one group in one scope and region (FleetPort.readGroup, see
 * src/aws/group-read.ts for why each term is needed), from what the fleet holds. The compliance
 * poll, status and the digest each cost this per group; the benchmark holds them to it.
 */
import { type InstancePatchState, LIMITS, type ManagedInstance } from './fleet-types';

/** What the reads depend on in one scope and region. */
export interface GroupReadCounts {
  /** EC2 instances with the group's tag, in any state. */
  ec2Instances: number;
  /** Patch states SSM holds for the patch group. */
  patchStates: number;
  /** Managed nodes with the tag whose agent is not Online. */
  notOnline: number;
  /** Hybrid managed nodes (`mi-`) with the tag. */
  hybrid: number;
  /** Running members with no patch state whose agent is not among the above: asked by id. */
  askedById: number;
}

/** Calls to read a list of `items`, `page` a call: at least one. */
export const pagesOf = (items: number, page: number): number => Math.max(1, Math.ceil(items / page));

/** Calls per operation that readGroup makes for these counts. */
export function groupReadCalls(c: GroupReadCounts): {
  DescribeInstanceInformation: number;
  DescribeInstancePatchStatesForPatchGroup: number;
  DescribeInstances: number;
} {
  return {
    DescribeInstanceInformation:
      pagesOf(c.notOnline, LIMITS.instanceInformationPage) +
      pagesOf(c.hybrid, LIMITS.instanceInformationPage) +
      Math.ceil(c.askedById / LIMITS.instanceInformationPage),
    DescribeInstancePatchStatesForPatchGroup: pagesOf(c.patchStates, LIMITS.patchStatesPage),
    DescribeInstances: pagesOf(c.ec2Instances, LIMITS.ec2InstancesPage),
  };
}

/** All of groupReadCalls' calls. */
export function groupReadTotal(c: GroupReadCounts): number {
  const calls = groupReadCalls(c);
  return calls.DescribeInstanceInformation + calls.DescribeInstancePatchStatesForPatchGroup + calls.DescribeInstances;
}

/** The counts from a full read of the group (listManagedInstances, with platform fields) and its patch states. */
export function groupReadCounts(
  members: readonly ManagedInstance[],
  states: readonly Pick<InstancePatchState, 'instanceId'>[],
): GroupReadCounts {
  const reported = new Set(states.map((s) => s.instanceId));
  const hybrid = (i: ManagedInstance) => i.instanceId.startsWith('mi-') && i.pingStatus !== undefined;
  const notOnline = (i: ManagedInstance) => i.pingStatus !== undefined && i.pingStatus !== 'Online';
  return {
    ec2Instances: members.filter((i) => i.ec2State !== undefined).length,
    patchStates: states.length,
    notOnline: members.filter(notOnline).length,
    hybrid: members.filter(hybrid).length,
    askedById: members.filter(
      (i) => i.ec2State === 'running' && !reported.has(i.instanceId) && !notOnline(i) && !hybrid(i),
    ).length,
  };
}
