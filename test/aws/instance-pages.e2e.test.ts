/**
 * The group's EC2 members read page by page (1,000 a page) without the SDK's paginator: over HTTP
 * against the simulator, every member of a group larger than a page is found once, in as many
 * DescribeInstances calls as it has pages, the same ids the SDK's own paginator finds.
 */
import { EC2Client, paginateDescribeInstances } from '@aws-sdk/client-ec2';
import type { Fleet, FleetGateway } from '../../src/aws';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { GROUPS, SANDBOX_CREDENTIALS, sandboxFleet } from '../support/aws';

describe('a group of several EC2 pages', () => {
  let sim: FleetSimulator;
  let fleet: Fleet;
  let gw: FleetGateway;

  beforeAll(async () => {
    sim = await startFleetSimulator({ port: 0, seed: 23, instances: 6000 });
    fleet = sandboxFleet(sim.url);
    gw = fleet.gateways[0] as FleetGateway;
  });
  afterAll(async () => {
    fleet.close();
    await sim.close();
  });

  it("finds every member once, a call a page, as the SDK's paginator does", async () => {
    const ec2 = new EC2Client({ endpoint: sim.url, region: 'us-east-1', credentials: SANDBOX_CREDENTIALS });
    const expected: string[] = [];
    try {
      const pages = paginateDescribeInstances(
        { client: ec2, pageSize: 1000 },
        { Filters: [{ Name: 'tag:Patch Group', Values: ['PRD'] }] },
      );
      for await (const page of pages)
        for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) expected.push(i.InstanceId ?? '');
    } finally {
      ec2.destroy();
    }
    expect(expected.length).toBeGreaterThan(2000); // three pages at least

    sim.resetStats();
    const members = await gw.listManagedInstances(GROUPS.PRD);
    const ids = members.filter((m) => m.ec2State !== undefined).map((m) => m.instanceId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(expected.sort());
    expect(sim.stats().calls.DescribeInstances).toBe(Math.ceil(expected.length / 1000));
  });
});
