/**
 * The partition's instance indexes and the index-walk paging on them: the indexes match a
 * brute-force scan after every kind of change (tags, reports, ping, state, launches), deep tokens
 * return every instance exactly once while the fleet changes between pages, and every indexed
 * filter combination answers what filtering the whole fleet answers.
 */
import {
  DescribeInstanceInformationCommand,
  type DescribeInstanceInformationCommandInput,
  DescribeInstancePatchStatesForPatchGroupCommand,
  type DescribeInstancePatchStatesForPatchGroupCommandInput,
  DescribePatchGroupStateCommand,
  ListCommandInvocationsCommand,
  SendCommandCommand,
} from '@aws-sdk/client-ssm';
import {
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeInstancesCommand,
  type DescribeInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { Simulator } from '@patchbot/sandbox/aws/simulator';
import { listen, shutdown } from '@patchbot/sandbox/aws/server';
import type { Partition } from '@patchbot/sandbox/aws/partition';
import type { SimInstance } from '@patchbot/sandbox/aws/fleet/model';
import type { Server } from 'node:http';
import { clients } from './helpers';

interface World {
  sim: Simulator;
  server: Server;
  aws: ReturnType<typeof clients>;
  partition: Partition;
  clock: { t: number };
}

async function world(instances: number): Promise<World> {
  const clock = { t: Date.UTC(2026, 10, 20, 12) };
  const sim = new Simulator({
    seed: 9,
    instances,
    clock: { now: () => new Date(clock.t) },
    timing: { pendingMs: 1_000, runMs: 5_000 },
  });
  const { server, port } = await listen(sim, 0);
  return { sim, server, aws: clients(`http://127.0.0.1:${port}`), partition: sim.partitionFor(), clock };
}

async function close(w: World): Promise<void> {
  w.aws.destroy();
  await shutdown(w.server);
}

/** What the indexes must hold, worked out by scanning the fleet. */
function checkIndexes(partition: Partition, extraPairs: Array<[string, string]> = []): void {
  const fleet = partition.instanceList;
  const ids = (list: readonly SimInstance[]) => list.map((i) => i.id);
  const pairs = new Map<string, [string, string]>();
  for (const instance of fleet) for (const [k, v] of instance.tags) pairs.set(`${k}\u0000${v}`, [k, v]);
  for (const [k, v] of extraPairs) pairs.set(`${k}\u0000${v}`, [k, v]);
  for (const [k, v] of pairs.values()) {
    expect({ k, v, ids: ids(partition.index.tagged(k, v)) }).toEqual({
      k,
      v,
      ids: ids(fleet.filter((i) => i.tags.get(k) === v)),
    });
  }
  const groups = new Set(['', 'STG', 'PRD', 'WIN', 'QA', ...fleet.map((i) => i.reported?.patchGroup ?? '')]);
  for (const group of groups) {
    expect({ group, ids: ids(partition.index.reportedIn(group)) }).toEqual({
      group,
      ids: ids(fleet.filter((i) => i.reported !== undefined && i.reported.patchGroup === group)),
    });
  }
  expect(ids(partition.index.notOnline())).toEqual(ids(fleet.filter((i) => i.pingStatus !== 'Online')));
  expect(ids(partition.index.notRunning())).toEqual(ids(fleet.filter((i) => i.state !== 'running')));
}

describe('fleet indexes', () => {
  let w: World;
  beforeAll(async () => {
    w = await world(400);
  });
  afterAll(() => close(w));

  it('match a fleet scan after the seed and after every way an instance changes', async () => {
    const { partition, aws, sim } = w;
    checkIndexes(partition);
    // The seed's cast has an agent lost and an instance stopped: the small lists are not trivially empty.
    expect(partition.index.notOnline().length).toBeGreaterThan(0);
    expect(partition.index.notRunning().length).toBeGreaterThan(0);
    // Past the hand-written cast, running Linux instances whose agent answers (the scan below must reach them).
    const healthy = partition.instanceList.filter(
      (i) => i.seq >= 20 && i.pingStatus === 'Online' && i.state === 'running' && i.os === 'AMAZON_LINUX_2',
    );
    const at = (n: number) => healthy[n] as SimInstance;
    const [a, b, c, d, e, f] = [at(5), at(6), at(100), at(101), at(200), at(60)];
    const dTags = [...d.tags];
    const fEnvironment = f.tags.get('Environment') as string;

    // CreateTags: overwrite the patch group, add a new key.
    await aws.ec2.send(
      new CreateTagsCommand({
        Resources: [a.id, b.id, c.id],
        Tags: [
          { Key: 'Patch Group', Value: 'QA' },
          { Key: 'Owner', Value: 'team-a' },
        ],
      }),
    );
    expect(a.tags.get('Patch Group')).toBe('QA');
    checkIndexes(partition, [['Patch Group', 'QA']]);

    // DeleteTags: with the value it has, with another value (kept), without a value, and every tag.
    await aws.ec2.send(new DeleteTagsCommand({ Resources: [a.id], Tags: [{ Key: 'Owner', Value: 'team-a' }] }));
    await aws.ec2.send(new DeleteTagsCommand({ Resources: [b.id], Tags: [{ Key: 'Owner', Value: 'nobody' }] }));
    await aws.ec2.send(new DeleteTagsCommand({ Resources: [c.id], Tags: [{ Key: 'Environment' }] }));
    await aws.ec2.send(new DeleteTagsCommand({ Resources: [d.id] }));
    expect(a.tags.has('Owner')).toBe(false);
    expect(b.tags.get('Owner')).toBe('team-a');
    expect(d.tags.size).toBe(0);
    checkIndexes(partition, [['Owner', 'team-a'], ...dTags]);

    // Admin changes: stop and start, lose and regain the agent, tags set and removed.
    sim.setInstance(e.id, { state: 'stopped' });
    checkIndexes(partition);
    sim.setInstance(e.id, { state: 'running' });
    sim.setInstance(f.id, { pingStatus: 'Inactive', tags: { 'Patch Group': 'QA', Environment: '' } });
    checkIndexes(partition, [['Environment', fEnvironment]]);
    sim.setInstance(f.id, { pingStatus: 'Online' });
    checkIndexes(partition);

    // A launch, and a report replaced by a rescan (the patch group it names follows the tag).
    sim.launchUnmanaged({ name: 'late-1', tags: { 'Patch Group': 'PRD' } });
    const linux = [a, b];
    sim.releasePatch({
      title: 'late-patch-1',
      classification: 'Security',
      severity: 'Critical',
      releasedDaysAgo: 2,
      instanceIds: linux.map((i) => i.id),
      rescan: true,
    });
    for (const instance of linux) expect(instance.reported?.patchGroup).toBe('QA');
    checkIndexes(partition);

    // A Run Command scan replaces the report of every instance it reaches.
    const sent = await aws.ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunPatchBaseline',
        Parameters: { Operation: ['Scan'] },
        InstanceIds: [c.id, f.id],
      }),
    );
    w.clock.t += 60_000;
    const done = await aws.ssm.send(new ListCommandInvocationsCommand({ CommandId: sent.Command?.CommandId }));
    expect(done.CommandInvocations?.map((i) => i.Status)).toEqual(['Success', 'Success']);
    expect(c.reported?.patchGroup).toBe('QA');
    expect(f.reported?.patchGroup).toBe('QA');
    checkIndexes(partition);
  });
});

describe('index-walk paging', () => {
  let w: World;
  beforeAll(async () => {
    w = await world(3000);
    // Some agents lost and some stopped across the fleet, so the ping and state filters have work.
    for (let n = 40; n < 3000; n += 97) w.sim.setInstance(w.partition.instanceList[n]!.id, { pingStatus: 'Inactive' });
    for (let n = 45; n < 3000; n += 131) w.sim.setInstance(w.partition.instanceList[n]!.id, { state: 'stopped' });
  });
  afterAll(() => close(w));

  async function ssmAll(input: DescribeInstanceInformationCommandInput, pageSize = 50): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await w.aws.ssm.send(
        new DescribeInstanceInformationCommand({ ...input, MaxResults: pageSize, NextToken: token }),
      );
      out.push(...(page.InstanceInformationList ?? []).map((i) => i.InstanceId!));
      token = page.NextToken;
    } while (token);
    return out;
  }

  async function ec2All(input: DescribeInstancesCommandInput, pageSize = 100): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await w.aws.ec2.send(
        new DescribeInstancesCommand({ ...input, MaxResults: pageSize, NextToken: token }),
      );
      for (const r of page.Reservations ?? []) out.push(...(r.Instances ?? []).map((i) => i.InstanceId!));
      token = page.NextToken;
    } while (token);
    return out;
  }

  async function patchStatesAll(input: DescribeInstancePatchStatesForPatchGroupCommandInput): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await w.aws.ssm.send(
        new DescribeInstancePatchStatesForPatchGroupCommand({ ...input, MaxResults: 10, NextToken: token }),
      );
      out.push(...(page.InstancePatchStates ?? []).map((i) => i.InstanceId!));
      token = page.NextToken;
    } while (token);
    return out;
  }

  const managed = (i: SimInstance) => i.ssmManaged && i.state === 'running';
  const brute = (keep: (i: SimInstance) => boolean) => w.partition.instanceList.filter(keep).map((i) => i.id);

  it('SSM filters, alone and combined, answer what a fleet scan answers', async () => {
    const tag = (i: SimInstance, k: string) => i.tags.get(k);
    const someIds = w.partition.instanceList
      .filter((_, n) => n % 29 === 3)
      .map((i) => i.id)
      .slice(0, 100);
    const cases: Array<[DescribeInstanceInformationCommandInput, (i: SimInstance) => boolean]> = [
      [{}, () => true],
      [{ Filters: [{ Key: 'tag:Patch Group', Values: ['PRD'] }] }, (i) => tag(i, 'Patch Group') === 'PRD'],
      [
        { Filters: [{ Key: 'tag:Patch Group', Values: ['PRD', 'WIN'] }] },
        (i) => ['PRD', 'WIN'].includes(tag(i, 'Patch Group') ?? ''),
      ],
      [
        {
          Filters: [
            { Key: 'tag:Patch Group', Values: ['PRD'] },
            { Key: 'PingStatus', Values: ['ConnectionLost', 'Inactive'] },
          ],
        },
        (i) => tag(i, 'Patch Group') === 'PRD' && i.pingStatus !== 'Online',
      ],
      [
        {
          Filters: [
            { Key: 'tag:Patch Group', Values: ['STG'] },
            { Key: 'PingStatus', Values: ['Online'] },
          ],
        },
        (i) => tag(i, 'Patch Group') === 'STG' && i.pingStatus === 'Online',
      ],
      [
        {
          Filters: [
            { Key: 'tag:Patch Group', Values: ['PRD'] },
            { Key: 'ResourceType', Values: ['ManagedInstance'] },
          ],
        },
        () => false,
      ],
      [
        {
          Filters: [
            { Key: 'tag:Patch Group', Values: ['PRD'] },
            { Key: 'ResourceType', Values: ['EC2Instance'] },
          ],
        },
        (i) => tag(i, 'Patch Group') === 'PRD',
      ],
      [{ Filters: [{ Key: 'InstanceIds', Values: someIds }] }, (i) => someIds.includes(i.id)],
      [
        {
          Filters: [
            { Key: 'InstanceIds', Values: someIds },
            { Key: 'tag:Environment', Values: ['production'] },
          ],
        },
        (i) => someIds.includes(i.id) && tag(i, 'Environment') === 'production',
      ],
      [
        {
          Filters: [
            { Key: 'PlatformTypes', Values: ['Windows'] },
            { Key: 'tag-key', Values: ['PatchGroup'] },
          ],
        },
        (i) => i.platformType === 'Windows' && i.tags.has('PatchGroup'),
      ],
      [
        { InstanceInformationFilterList: [{ key: 'PingStatus', valueSet: ['Inactive'] }] },
        (i) => i.pingStatus === 'Inactive',
      ],
    ];
    for (const [input, keep] of cases) {
      const want = brute((i) => managed(i) && keep(i));
      expect({ input, ids: await ssmAll(input, 7) }).toEqual({ input, ids: want });
    }
    // The non-trivial cases are non-trivial.
    expect(brute((i) => managed(i) && i.pingStatus !== 'Online' && i.tags.get('Patch Group') === 'PRD').length).toBe(
      (await ssmAll(cases[3]![0])).length,
    );
    expect((await ssmAll(cases[3]![0])).length).toBeGreaterThan(3);
  });

  it('EC2 filters, alone and combined, answer what a fleet scan answers', async () => {
    const someIds = w.partition.instanceList.filter((_, n) => n % 31 === 5).map((i) => i.id);
    const cases: Array<[DescribeInstancesCommandInput, (i: SimInstance) => boolean]> = [
      [{}, () => true],
      [{ Filters: [{ Name: 'tag:Patch Group', Values: ['PRD'] }] }, (i) => i.tags.get('Patch Group') === 'PRD'],
      [
        { Filters: [{ Name: 'tag:Patch Group', Values: ['P*', 'W?N'] }] },
        (i) => ['PRD', 'WIN'].includes(i.tags.get('Patch Group') ?? ''),
      ],
      [{ Filters: [{ Name: 'instance-state-name', Values: ['stopped'] }] }, (i) => i.state === 'stopped'],
      [
        {
          Filters: [
            { Name: 'instance-state-name', Values: ['running'] },
            { Name: 'tag:Patch Group', Values: ['STG'] },
          ],
        },
        (i) => i.state === 'running' && i.tags.get('Patch Group') === 'STG',
      ],
      [
        {
          Filters: [
            { Name: 'tag:Environment', Values: ['production', 'staging'] },
            { Name: 'instance-state-name', Values: ['stopped', 'terminated'] },
          ],
        },
        (i) => ['production', 'staging'].includes(i.tags.get('Environment') ?? '') && i.state === 'stopped',
      ],
      [{ Filters: [{ Name: 'instance-id', Values: someIds }] }, (i) => someIds.includes(i.id)],
    ];
    for (const [input, keep] of cases) {
      expect({ input, ids: await ec2All(input, 9) }).toEqual({ input, ids: brute(keep) });
    }
  });

  it('patch states for a group and the group summary walk the reported group, as a scan would find it', async () => {
    const reportedPrd = (i: SimInstance) => i.reported?.patchGroup === 'PRD';
    expect(await patchStatesAll({ PatchGroup: 'PRD' })).toEqual(brute(reportedPrd));
    const missing = await patchStatesAll({
      PatchGroup: 'PRD',
      Filters: [{ Key: 'MissingCount', Values: ['0'], Type: 'GreaterThan' }],
    });
    const want = brute((i) => reportedPrd(i) && (i.reported?.counts.missing ?? 0) > 0);
    expect(missing).toEqual(want);
    expect(want.length).toBeGreaterThan(10);
    const state = await w.aws.ssm.send(new DescribePatchGroupStateCommand({ PatchGroup: 'PRD' }));
    expect(state.Instances).toBe(brute(reportedPrd).length);
    expect(state.InstancesWithMissingPatches).toBe(want.length);
  });

  it('deep tokens return each instance once while instances are launched and re-tagged between pages', async () => {
    const { aws, partition, sim } = w;
    const prd = (i: SimInstance) => i.tags.get('Patch Group') === 'PRD';
    const before = brute(prd);
    const input: DescribeInstancesCommandInput = { Filters: [{ Name: 'tag:Patch Group', Values: ['PRD'] }] };
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    let joined: SimInstance | undefined;
    let left: SimInstance | undefined;
    do {
      const page = await aws.ec2.send(new DescribeInstancesCommand({ ...input, MaxResults: 25, NextToken: token }));
      for (const r of page.Reservations ?? []) seen.push(...(r.Instances ?? []).map((i) => i.InstanceId!));
      token = page.NextToken;
      if (++pages === 10) {
        // Past the cursor: one STG instance joins PRD, one PRD instance leaves it; and a new PRD instance launches.
        const cursor = partition.instances.get(seen[seen.length - 1]!)!.seq;
        const ahead = partition.instanceList.filter((i) => i.seq > cursor + 100);
        joined = ahead.find((i) => i.tags.get('Patch Group') === 'STG')!;
        left = ahead.find(prd)!;
        await aws.ec2.send(
          new CreateTagsCommand({ Resources: [joined.id], Tags: [{ Key: 'Patch Group', Value: 'PRD' }] }),
        );
        await aws.ec2.send(
          new CreateTagsCommand({ Resources: [left.id], Tags: [{ Key: 'Patch Group', Value: 'STG' }] }),
        );
        sim.launchUnmanaged({ name: 'late-prd', tags: { 'Patch Group': 'PRD' } });
        // And one behind the cursor re-tags back and forth: it must not come round again.
        const behind = partition.instances.get(seen[3]!)!;
        sim.setInstance(behind.id, { tags: { 'Patch Group': 'STG' } });
        sim.setInstance(behind.id, { tags: { 'Patch Group': 'PRD' } });
      }
    } while (token);
    expect(pages).toBeGreaterThan(20);
    expect(new Set(seen).size).toBe(seen.length);
    const launched = partition.instanceList[partition.instanceList.length - 1]!;
    expect(seen).toEqual(brute(prd));
    expect(seen).toContain(launched.id);
    expect(seen).toContain(joined!.id);
    expect(seen).not.toContain(left!.id);
    expect(seen.length).toBe(before.length + 1);
  });

  it('a token from another filter or operation is refused with the service error', async () => {
    const first = await w.aws.ssm.send(
      new DescribeInstanceInformationCommand({ MaxResults: 5, Filters: [{ Key: 'tag:Patch Group', Values: ['PRD'] }] }),
    );
    expect(first.NextToken).toBeDefined();
    await expect(
      w.aws.ssm.send(
        new DescribeInstanceInformationCommand({
          MaxResults: 5,
          NextToken: first.NextToken,
          Filters: [{ Key: 'tag:Patch Group', Values: ['STG'] }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidNextToken' });
    await expect(
      w.aws.ec2.send(new DescribeInstancesCommand({ MaxResults: 5, NextToken: first.NextToken })),
    ).rejects.toMatchObject({ name: 'InvalidPaginationToken' });
  });
});
