/**
 * A 10,000-instance fleet builds, answers correctly and runs a command over a whole group.
 * (Build speed is printed by `npm run sandbox -- --instances 10000`, never asserted here.)
 */
import { ListCommandsCommand, SendCommandCommand, paginateDescribeInstanceInformation } from '@aws-sdk/client-ssm';
import { paginateDescribeInstances } from '@aws-sdk/client-ec2';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { clients, eventually } from './helpers';

describe('a 10,000-instance fleet', () => {
  let sim: FleetSimulator;
  let aws: ReturnType<typeof clients>;

  beforeAll(async () => {
    sim = await startFleetSimulator({ port: 0, seed: 10, instances: 10_000, timing: { pendingMs: 20, runMs: 30 } });
    aws = clients(sim.url);
  });
  afterAll(async () => {
    aws.destroy();
    await sim.close();
  });

  it('has 10,000 distinct instances spread over STG, PRD and WIN', async () => {
    const [summary] = sim.summary();
    expect(summary?.instances).toBe(10_000);
    expect(Object.values(summary!.groups).reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(summary!.groups.STG).toBeGreaterThan(3000);
    expect(summary!.groups.PRD).toBeGreaterThan(3000);
    expect(summary!.groups.WIN).toBeGreaterThan(1500);
    const ids = new Set<string>();
    for await (const page of paginateDescribeInstanceInformation({ client: aws.ssm, pageSize: 50 }, {})) {
      for (const i of page.InstanceInformationList ?? []) ids.add(i.InstanceId!);
    }
    // SSM does not list stopped nodes; EC2 does, and together they are the whole fleet.
    const stopped = new Set<string>();
    for await (const page of paginateDescribeInstances(
      { client: aws.ec2, pageSize: 1000 },
      { Filters: [{ Name: 'instance-state-name', Values: ['stopped'] }] },
    )) {
      for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) stopped.add(i.InstanceId!);
    }
    expect(stopped.size).toBeGreaterThan(0);
    expect([...stopped].some((id) => ids.has(id))).toBe(false);
    expect(ids.size + stopped.size).toBe(10_000);
    // EC2 agrees (one group, to keep the XML parsing in the SDK short).
    const win = new Set<string>();
    for await (const page of paginateDescribeInstances(
      { client: aws.ec2, pageSize: 1000 },
      { Filters: [{ Name: 'tag:Patch Group', Values: ['WIN'] }] },
    )) {
      for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) win.add(i.InstanceId!);
    }
    expect(win.size).toBeGreaterThan(summary!.groups.WIN! * 0.9); // the rest use the PatchGroup tag spelling
    expect(win.size).toBeLessThanOrEqual(summary!.groups.WIN!);
    expect([...win].every((id) => ids.has(id) || stopped.has(id))).toBe(true);
  });

  it('runs a scan over a whole patch group and settles every invocation', async () => {
    // Every tagged instance is a target, stopped ones too (their invocations are Undeliverable), so EC2 counts them.
    let win = 0;
    for await (const page of paginateDescribeInstances(
      { client: aws.ec2, pageSize: 1000 },
      { Filters: [{ Name: 'tag:Patch Group', Values: ['WIN'] }] },
    )) {
      for (const r of page.Reservations ?? []) win += r.Instances?.length ?? 0;
    }
    const sent = await aws.ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunPatchBaseline',
        Parameters: { Operation: ['Scan'] },
        Targets: [{ Key: 'tag:Patch Group', Values: ['WIN'] }],
        MaxConcurrency: '100%',
      }),
    );
    expect(sent.Command?.TargetCount).toBe(win);
    const done = await eventually(async () => {
      const command = (await aws.ssm.send(new ListCommandsCommand({ CommandId: sent.Command!.CommandId! })))
        .Commands![0]!;
      return command.CompletedCount === win ? command : undefined;
    });
    expect(done.ErrorCount).toBeLessThan(win * 0.05); // only the few lost or stopped instances
  });
});
