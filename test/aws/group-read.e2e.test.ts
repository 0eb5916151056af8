/**
 * FleetGateway.readGroup against the simulator over HTTP: the same members, ping statuses, EC2
 * states and patch states as the full read (listManagedInstances + listPatchStates), in the calls
 * groupReadCalls states, for a fleet with lost agents, stopped and unmanaged instances, and agents
 * that registered but never reported.
 */
import type { Fleet, FleetGateway, ManagedInstance } from '../../src/aws';
import { groupReadCalls, groupReadCounts } from '../../src/patching/group-read-cost';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { GROUPS, sandboxFleet } from '../support/aws';

/** What readGroup promises of an instance, platform fields and an Online agent's ping time aside (it has them only for agents it asked by id). */
function comparable(i: ManagedInstance): ManagedInstance {
  return {
    ...i,
    platformName: undefined,
    platformVersion: undefined,
    agentVersion: undefined,
    lastPingAt: i.pingStatus === 'Online' ? undefined : i.lastPingAt,
  };
}

describe('FleetGateway.readGroup', () => {
  let sim: FleetSimulator;
  let fleet: Fleet;
  let gw: FleetGateway;

  beforeAll(async () => {
    sim = await startFleetSimulator({ port: 0, seed: 19, instances: 400 });
    fleet = sandboxFleet(sim.url);
    gw = fleet.gateways[0] as FleetGateway;
    // An instance with no agent, one stopped with no agent, and two whose agents registered but never
    // reported a patch state (one of them then lost).
    sim.launchUnmanaged({ name: 'prd-no-agent', tags: { 'Patch Group': 'PRD' } });
    sim.launchUnmanaged({ name: 'prd-stopped-no-agent', tags: { 'Patch Group': 'PRD' }, state: 'stopped' });
    sim.launchUnmanaged({ name: 'prd-new-1', tags: { 'Patch Group': 'PRD' }, agent: 'Online' });
    sim.launchUnmanaged({ name: 'prd-new-2', tags: { 'Patch Group': 'PRD' }, agent: 'ConnectionLost' });
  });
  afterAll(async () => {
    fleet.close();
    await sim.close();
  });

  it('answers as the full read does, in the calls groupReadCalls counts', async () => {
    const full = await gw.listManagedInstances(GROUPS.PRD);
    const states = await gw.listPatchStates(GROUPS.PRD);
    const counts = groupReadCounts(full, states);
    // The fleet has every case the cheap read must infer or ask about.
    expect(counts.notOnline).toBeGreaterThan(1);
    expect(counts.askedById).toBe(2);
    expect(full.some((i) => i.ec2State === 'stopped')).toBe(true);

    sim.resetStats();
    const read = await gw.readGroup(GROUPS.PRD);
    const calls = sim.stats().calls;
    expect(read.instances.map(comparable)).toEqual(full.map(comparable));
    expect(read.states).toEqual(states);
    expect(calls).toEqual(groupReadCalls(counts));
    const find = (name: string) => read.instances.find((i) => i.name === name);
    expect(find('prd-no-agent')).toMatchObject({ pingStatus: undefined, ec2State: 'running' });
    expect(find('prd-new-1')).toMatchObject({ pingStatus: 'Online', ec2State: 'running' });
    expect(find('prd-new-2')).toMatchObject({ pingStatus: 'ConnectionLost' });
  });

  it('costs the same few pages whatever share of the fleet is Online', async () => {
    const full = await gw.listManagedInstances(GROUPS.STG);
    const states = await gw.listPatchStates(GROUPS.STG);
    sim.resetStats();
    await gw.readGroup(GROUPS.STG);
    const { DescribeInstanceInformation } = sim.stats().calls;
    // The full read pages every managed node, 50 a page; the group read only those not Online.
    expect(DescribeInstanceInformation).toBe(groupReadCalls(groupReadCounts(full, states)).DescribeInstanceInformation);
    expect(DescribeInstanceInformation).toBeLessThan(Math.ceil(full.filter((i) => i.pingStatus).length / 50));
  });
});
