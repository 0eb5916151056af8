/**
 * Accounts and regions are separate partitions: the region comes from the signature's credential
 * scope, the account from the access key (listed keys, keys issued by AssumeRole, else the
 * default account). No partition sees another's instances, commands or windows.
 */
import {
  DescribeInstanceInformationCommand,
  ListCommandsCommand,
  SendCommandCommand,
  paginateDescribeInstanceInformation,
} from '@aws-sdk/client-ssm';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { CREDENTIALS, clients } from './helpers';

/** A partition's whole fleet: SSM's managed nodes plus the stopped instances, which only EC2 lists. */
async function instanceIds(aws: ReturnType<typeof clients>): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const page of paginateDescribeInstanceInformation({ client: aws.ssm, pageSize: 50 }, {})) {
    for (const i of page.InstanceInformationList ?? []) ids.add(i.InstanceId!);
  }
  const stopped = await aws.ec2.send(
    new DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: ['stopped'] }] }),
  );
  for (const r of stopped.Reservations ?? []) for (const i of r.Instances ?? []) ids.add(i.InstanceId!);
  return ids;
}

describe('partitions', () => {
  let sim: FleetSimulator;

  beforeAll(async () => {
    sim = await startFleetSimulator({
      port: 0,
      seed: 8,
      fleets: [
        { account: '123456789012', region: 'us-east-1', instances: 30 },
        { account: '123456789012', region: 'eu-west-1', instances: 25 },
        { account: '333333333333', region: 'us-east-1', instances: 15 },
        { account: '222222222222', region: 'us-east-1', instances: 12 },
      ],
      accessKeys: { SANDBOXPARTNERKEY003: '333333333333' },
      timing: { pendingMs: 5, runMs: 5 },
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('two regions and two accounts (one by key mapping, one by AssumeRole) each see only their own fleet', async () => {
    const main = clients(sim.url);
    const europe = clients(sim.url, { region: 'eu-west-1' });
    const mapped = clients(sim.url, { credentials: { accessKeyId: 'SANDBOXPARTNERKEY003', secretAccessKey: 'any' } });
    const assumed = clients(sim.url, {
      credentials: fromTemporaryCredentials({
        masterCredentials: CREDENTIALS,
        params: {
          RoleArn: 'arn:aws:iam::222222222222:role/patchbot',
          RoleSessionName: 'patchbot-test',
          ExternalId: 'patchbot',
          DurationSeconds: 900,
        },
        clientConfig: { endpoint: sim.url, region: 'us-east-1' },
      }),
    });
    const empty = clients(sim.url, { region: 'ap-southeast-2' });
    try {
      const seen = await Promise.all([main, europe, mapped, assumed].map(instanceIds));
      expect(seen.map((s) => s.size)).toEqual([30, 25, 15, 12]);
      const union = new Set(seen.flatMap((s) => [...s]));
      expect(union.size).toBe(30 + 25 + 15 + 12);
      expect(await instanceIds(empty)).toEqual(new Set());

      expect((await main.sts.send(new GetCallerIdentityCommand({}))).Account).toBe('123456789012');
      expect((await mapped.sts.send(new GetCallerIdentityCommand({}))).Account).toBe('333333333333');
      const who = await assumed.sts.send(new GetCallerIdentityCommand({}));
      expect(who).toMatchObject({
        Account: '222222222222',
        Arn: 'arn:aws:sts::222222222222:assumed-role/patchbot/patchbot-test',
      });

      // EC2 agrees with SSM per partition.
      const ec2 = await europe.ec2.send(new DescribeInstancesCommand({}));
      expect(new Set(ec2.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId))).toEqual(seen[1]);
      expect(ec2.Reservations?.every((r) => r.OwnerId === '123456789012')).toBe(true);
      const partner = await assumed.ec2.send(new DescribeInstancesCommand({ MaxResults: 5 }));
      expect(partner.Reservations?.[0]?.OwnerId).toBe('222222222222');
      expect(partner.Reservations?.[0]?.Instances?.[0]?.Placement?.AvailabilityZone).toMatch(/^us-east-1[abc]$/);

      // A command in one partition is invisible in the others; a foreign instance id is unknown.
      const sent = await europe.ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWS-RunPatchBaseline',
          Parameters: { Operation: ['Scan'] },
          InstanceIds: [[...seen[1]!][0]!],
        }),
      );
      expect(
        (
          await main.ssm.send(
            new ListCommandsCommand({
              Filters: [
                { key: 'InvokedAfter', value: new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z') },
              ],
            }),
          )
        ).Commands,
      ).toEqual([]);
      await expect(
        main.ssm.send(new ListCommandsCommand({ CommandId: sent.Command!.CommandId! })),
      ).rejects.toMatchObject({ name: 'InvalidCommandId' });
      await expect(
        main.ssm.send(
          new SendCommandCommand({
            DocumentName: 'AWS-RunPatchBaseline',
            Parameters: { Operation: ['Scan'] },
            InstanceIds: [[...seen[1]!][0]!],
          }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidInstanceId' });

      const stats = sim.stats().partitions;
      expect(Object.keys(stats)).toEqual(
        expect.arrayContaining([
          '123456789012/us-east-1',
          '123456789012/eu-west-1',
          '333333333333/us-east-1',
          '222222222222/us-east-1',
          '123456789012/ap-southeast-2',
        ]),
      );
      expect(stats['222222222222/us-east-1']?.calls.DescribeInstanceInformation).toBeGreaterThan(0);
    } finally {
      for (const c of [main, europe, mapped, assumed, empty]) c.destroy();
    }
  });

  it('AssumeRole answers temporary credentials that map to the role’s account', async () => {
    const aws = clients(sim.url);
    try {
      const out = await aws.sts.send(
        new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::333333333333:role/ops/patchbot', RoleSessionName: 'direct' }),
      );
      expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
      expect(out.Credentials?.Expiration).toBeInstanceOf(Date);
      expect(out.Credentials!.Expiration!.getTime() - Date.now()).toBeGreaterThan(3500_000);
      expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::333333333333:assumed-role/patchbot/direct');
      const as = clients(sim.url, {
        credentials: {
          accessKeyId: out.Credentials!.AccessKeyId!,
          secretAccessKey: out.Credentials!.SecretAccessKey!,
          sessionToken: out.Credentials!.SessionToken!,
        },
      });
      try {
        const list = await as.ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 50 }));
        // 15 instances, of which stg-batch-1 is stopped: SSM does not list stopped nodes.
        expect(list.InstanceInformationList).toHaveLength(14);
      } finally {
        as.destroy();
      }
    } finally {
      aws.destroy();
    }
  });
});
