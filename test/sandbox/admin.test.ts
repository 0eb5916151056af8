/**
 * The admin endpoints under /_sandbox/: JSON in and out, zod-checked input with clear 400s, and
 * the in-process helpers doing the same things.
 */
import { DescribeInstanceInformationCommand, ListCommandsCommand, SendCommandCommand } from '@aws-sdk/client-ssm';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { admin, clients } from './helpers';

describe('admin endpoints', () => {
  let sim: FleetSimulator;
  let aws: ReturnType<typeof clients>;

  beforeAll(async () => {
    sim = await startFleetSimulator({
      port: 0,
      fleets: [
        { account: '123456789012', region: 'us-east-1' },
        { account: '123456789012', region: 'eu-west-1', instances: 5 },
      ],
    });
    aws = clients(sim.url);
  });
  afterAll(async () => {
    aws.destroy();
    await sim.close();
  });

  it('health, summary and a plain GET /', async () => {
    expect(await admin(sim.url, '/_sandbox/health')).toMatchObject({
      status: 200,
      json: { status: 'ok', partitions: 2, instances: 25 },
    });
    const summary = await admin(sim.url, '/_sandbox/summary');
    const partitions = summary.json.partitions as {
      region: string;
      instances: number;
      groups: Record<string, number>;
      windows: { name: string }[];
    }[];
    expect(partitions.map((p) => [p.region, p.instances])).toEqual([
      ['us-east-1', 20],
      ['eu-west-1', 5],
    ]);
    expect(partitions[0]?.groups).toEqual({ STG: 7, PRD: 9, WIN: 4 });
    expect(partitions[0]?.windows.map((w) => w.name)).toEqual(['patch-window-am2', 'patch-stg', 'patch-prd']);
    const root = await fetch(sim.url);
    expect(await root.text()).toContain('/_sandbox/');
  });

  it('stats count by operation and partition; reset clears them', async () => {
    await admin(sim.url, '/_sandbox/stats/reset', {});
    await aws.ssm.send(new DescribeInstanceInformationCommand({}));
    const stats = await admin(sim.url, '/_sandbox/stats');
    expect(stats.json).toMatchObject({
      calls: { DescribeInstanceInformation: 1 },
      totalCalls: 1,
      throttled: 0,
      rejected: {},
    });
    expect(Object.keys(stats.json.partitions as object)).toEqual(['123456789012/us-east-1']);
    expect((await admin(sim.url, '/_sandbox/stats/reset', {})).json).toEqual({ ok: true });
    expect(sim.stats().totalCalls).toBe(0);
  });

  it('clear 400s, 404s and 405s', async () => {
    const unknownInstance = await admin(sim.url, '/_sandbox/instances/i-0123456789abcdef0', { failNext: true });
    expect(unknownInstance).toMatchObject({ status: 404, json: { error: 'NotFound' } });
    const badBody = await admin(sim.url, '/_sandbox/instances/i-0123456789abcdef0', { pingStatus: 'Asleep' });
    expect(badBody.status).toBe(400);
    expect(badBody.json.message).toContain('pingStatus');
    expect((await admin(sim.url, '/_sandbox/instances/i-0123456789abcdef0', {})).status).toBe(400);
    expect((await admin(sim.url, '/_sandbox/instances/i-0123456789abcdef0', '{not json')).json).toMatchObject({
      error: 'BadRequest',
      message: 'The body is not valid JSON.',
    });
    const both = await admin(sim.url, '/_sandbox/patches', {
      title: 'X',
      classification: 'Security',
      severity: 'Critical',
      releasedDaysAgo: 1,
      group: 'STG',
      instanceIds: ['i-0123456789abcdef0'],
    });
    expect(both.status).toBe(400);
    expect(both.json.message).toContain('exactly one of instanceIds or group');
    expect((await admin(sim.url, '/_sandbox/windows/no-such-window/execute', {})).status).toBe(404);
    expect((await admin(sim.url, '/_sandbox/windows/patch-stg/execute?region=mars', {})).status).toBe(400);
    const lost = await admin(sim.url, '/_sandbox/nothing-here');
    expect(lost.status).toBe(404);
    expect(lost.json.endpoints).toEqual(expect.arrayContaining(['GET  /_sandbox/health']));
    expect((await fetch(`${sim.url}/_sandbox/health`, { method: 'POST' })).status).toBe(405);
  });

  it('?account=&region= pick the partition of an admin action', async () => {
    const europe = clients(sim.url, { region: 'eu-west-1' });
    try {
      const run = await admin(sim.url, '/_sandbox/windows/patch-window-am2/execute?region=eu-west-1', {});
      expect(run.json).toMatchObject({ region: 'eu-west-1', account: '123456789012' });
      const commands = await europe.ssm.send(new ListCommandsCommand({}));
      expect(commands.Commands?.length).toBeGreaterThan(0);
      const id = (await europe.ssm.send(new DescribeInstanceInformationCommand({}))).InstanceInformationList![0]!
        .InstanceId!;
      expect((await admin(sim.url, `/_sandbox/instances/${id}`, { pingStatus: 'ConnectionLost' })).status).toBe(404);
      expect(
        (await admin(sim.url, `/_sandbox/instances/${id}?region=eu-west-1`, { pingStatus: 'ConnectionLost' })).json,
      ).toMatchObject({ pingStatus: 'ConnectionLost' });
    } finally {
      europe.destroy();
    }
  });

  it('reset rebuilds every partition from the options', async () => {
    const before = (await aws.ssm.send(new DescribeInstanceInformationCommand({}))).InstanceInformationList!.map(
      (i) => i.InstanceId,
    );
    await aws.ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunPatchBaseline',
        Parameters: { Operation: ['Scan'] },
        Targets: [{ Key: 'tag:Patch Group', Values: ['WIN'] }],
        Comment: 'before reset',
      }),
    );
    sim.configure({ throttleRate: 0.5 });
    expect((await admin(sim.url, '/_sandbox/reset', {})).status).toBe(200);
    const after = (await aws.ssm.send(new DescribeInstanceInformationCommand({}))).InstanceInformationList!.map(
      (i) => i.InstanceId,
    );
    expect(after).toEqual(before); // same seed, same fleet
    const commands = (await aws.ssm.send(new ListCommandsCommand({}))).Commands ?? [];
    expect(commands.some((c) => c.Comment === 'before reset')).toBe(false);
    expect((await admin(sim.url, '/_sandbox/summary')).json.knobs).toMatchObject({ throttleRate: 0 });
  });
});
