/**
 * Paging: every list returns each item exactly once across pages, page boundaries survive new
 * items, and a NextToken only works for the request and partition that issued it.
 */
import {
  DescribeInstanceInformationCommand,
  DescribeInstancePatchesCommand,
  ListCommandsCommand,
  SendCommandCommand,
  paginateDescribeInstanceInformation,
  paginateDescribeInstancePatchStatesForPatchGroup,
  paginateDescribeInstancePatches,
  paginateListCommandInvocations,
  paginateListCommands,
} from '@aws-sdk/client-ssm';
import { DescribeInstancesCommand, paginateDescribeInstances } from '@aws-sdk/client-ec2';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { clients, failure } from './helpers';

async function collect<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(items(page) ?? []));
  return out;
}

describe('paging over a 300-instance fleet', () => {
  let sim: FleetSimulator;
  let aws: ReturnType<typeof clients>;

  beforeAll(async () => {
    sim = await startFleetSimulator({ port: 0, seed: 4, instances: 300, timing: { pendingMs: 5, runMs: 5 } });
    aws = clients(sim.url);
  });
  afterAll(async () => {
    aws.destroy();
    await sim.close();
  });
  beforeEach(() => sim.resetStats());

  it('DescribeInstanceInformation: the 299 running of 300 instances over six pages of 50, each once', async () => {
    const all = await collect(
      paginateDescribeInstanceInformation({ client: aws.ssm, pageSize: 50 }, {}),
      (p) => p.InstanceInformationList,
    );
    // stg-batch-1 is stopped, and SSM does not list stopped nodes.
    expect(all).toHaveLength(299);
    expect(new Set(all.map((i) => i.InstanceId)).size).toBe(299);
    expect(sim.stats().calls.DescribeInstanceInformation).toBe(6);
    const stg = await collect(
      paginateDescribeInstanceInformation(
        { client: aws.ssm, pageSize: 7 },
        { Filters: [{ Key: 'tag:Patch Group', Values: ['STG'] }] },
      ),
      (p) => p.InstanceInformationList,
    );
    expect(new Set(stg.map((i) => i.InstanceId)).size).toBe(stg.length);
    expect(stg.length).toBeGreaterThan(100);
    expect(sim.stats().rejected).toEqual({});
  });

  it('DescribeInstances: pages of MaxResults, each instance once; without MaxResults everything at once', async () => {
    const paged = await collect(paginateDescribeInstances({ client: aws.ec2, pageSize: 40 }, {}), (p) =>
      p.Reservations?.flatMap((r) => r.Instances ?? []),
    );
    expect(paged).toHaveLength(300);
    expect(new Set(paged.map((i) => i.InstanceId)).size).toBe(300);
    expect(sim.stats().calls.DescribeInstances).toBe(8);
    const whole = await aws.ec2.send(new DescribeInstancesCommand({}));
    expect(whole.Reservations).toHaveLength(300);
    expect(whole.NextToken).toBeUndefined();
    const win = await collect(
      paginateDescribeInstances(
        { client: aws.ec2, pageSize: 5 },
        {
          Filters: [
            { Name: 'tag:Patch Group', Values: ['WIN'] },
            { Name: 'instance-state-name', Values: ['running'] },
          ],
        },
      ),
      (p) => p.Reservations?.flatMap((r) => r.Instances ?? []),
    );
    // EC2 sends `windows` in lower case although the SDK's PlatformValues enum says `Windows`.
    expect(win.every((i) => String(i.Platform) === 'windows' && i.State?.Name === 'running')).toBe(true);
    const first = paged[0]!;
    expect(first.LaunchTime).toBeInstanceOf(Date);
    expect(first.Tags?.find((t) => t.Key === 'Name')?.Value).toMatch(/^(stg|prd|win)-/);
    const wildcard = await aws.ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: ['win-*'] }] }),
    );
    const named = paged.filter((i) => i.Tags?.some((t) => t.Key === 'Name' && t.Value?.startsWith('win-')));
    expect(wildcard.Reservations?.length).toBe(named.length);
  });

  it('patch states and patches page at the smallest MaxResults', async () => {
    const states = await collect(
      paginateDescribeInstancePatchStatesForPatchGroup({ client: aws.ssm, pageSize: 10 }, { PatchGroup: 'PRD' }),
      (p) => p.InstancePatchStates,
    );
    expect(states.length).toBeGreaterThan(100);
    expect(new Set(states.map((s) => s.InstanceId)).size).toBe(states.length);
    const linux = states[0]!.InstanceId!;
    const patches = await collect(
      paginateDescribeInstancePatches({ client: aws.ssm, pageSize: 10 }, { InstanceId: linux }),
      (p) => p.Patches,
    );
    const whole = (await aws.ssm.send(new DescribeInstancePatchesCommand({ InstanceId: linux }))).Patches ?? [];
    expect(patches.length).toBeGreaterThan(10);
    expect(patches.map((p) => p.Title)).toEqual(whole.map((p) => p.Title));
  });

  it('ListCommands and ListCommandInvocations: newest first, each once, even when a command arrives mid-way', async () => {
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) {
      const out = await aws.ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWS-RunPatchBaseline',
          Parameters: { Operation: ['Scan'] },
          Targets: [{ Key: 'tag:Patch Group', Values: ['WIN'] }],
          Comment: `page ${i}`,
        }),
      );
      sent.push(out.Command!.CommandId!);
    }
    const first = await aws.ssm.send(new ListCommandsCommand({ MaxResults: 2 }));
    expect(first.Commands?.map((c) => c.CommandId)).toEqual([sent[4], sent[3]]);
    const someone = (await aws.ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 5 })))
      .InstanceInformationList![0]!.InstanceId!;
    const late = await aws.ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunPatchBaseline',
        Parameters: { Operation: ['Scan'] },
        InstanceIds: [someone],
      }),
    );
    const rest = await collect(
      paginateListCommands({ client: aws.ssm, pageSize: 2, startingToken: first.NextToken }, {}),
      (p) => p.Commands,
    );
    const seen = [...first.Commands!, ...rest].map((c) => c.CommandId);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(sent));
    expect(seen).not.toContain(late.Command!.CommandId); // newer than the first page: not in this walk
    const invocations = await collect(
      paginateListCommandInvocations({ client: aws.ssm, pageSize: 7 }, { CommandId: sent[0] }),
      (p) => p.CommandInvocations,
    );
    expect(invocations.length).toBeGreaterThan(40);
    expect(new Set(invocations.map((i) => i.InstanceId)).size).toBe(invocations.length);
  });

  it('a NextToken is refused by another request, another partition, or when tampered with', async () => {
    const page = await aws.ssm.send(
      new DescribeInstanceInformationCommand({ MaxResults: 5, Filters: [{ Key: 'tag:Patch Group', Values: ['STG'] }] }),
    );
    expect(page.NextToken).toBeDefined();
    const other = await failure(
      aws.ssm.send(
        new DescribeInstanceInformationCommand({
          MaxResults: 5,
          NextToken: page.NextToken,
          Filters: [{ Key: 'tag:Patch Group', Values: ['PRD'] }],
        }),
      ),
    );
    expect(other.name).toBe('InvalidNextToken');
    const otherOperation = await failure(aws.ssm.send(new ListCommandsCommand({ NextToken: page.NextToken })));
    expect(otherOperation.name).toBe('InvalidNextToken');
    const europe = clients(sim.url, { region: 'eu-west-1' });
    try {
      const foreign = await failure(
        europe.ssm.send(
          new DescribeInstanceInformationCommand({
            MaxResults: 5,
            NextToken: page.NextToken,
            Filters: [{ Key: 'tag:Patch Group', Values: ['STG'] }],
          }),
        ),
      );
      expect(foreign.name).toBe('InvalidNextToken');
    } finally {
      europe.destroy();
    }
    const tampered = `${page.NextToken!.slice(0, -1)}${page.NextToken!.endsWith('a') ? 'b' : 'a'}`;
    expect(
      (
        await failure(
          aws.ssm.send(
            new DescribeInstanceInformationCommand({
              MaxResults: 5,
              NextToken: tampered,
              Filters: [{ Key: 'tag:Patch Group', Values: ['STG'] }],
            }),
          ),
        )
      ).name,
    ).toBe('InvalidNextToken');
    // The same request may change its page size between pages, as on AWS.
    const next = await aws.ssm.send(
      new DescribeInstanceInformationCommand({
        MaxResults: 10,
        NextToken: page.NextToken,
        Filters: [{ Key: 'tag:Patch Group', Values: ['STG'] }],
      }),
    );
    expect(next.InstanceInformationList).toHaveLength(10);
    const ec2 = await failure(aws.ec2.send(new DescribeInstancesCommand({ MaxResults: 5, NextToken: 'garbage' })));
    expect(ec2.name).toBe('InvalidPaginationToken');
  });
});
