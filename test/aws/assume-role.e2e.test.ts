/**
 * A scope with a role assumes it once: its SSM, EC2 and STS clients in every region share one
 * memoized credential provider, counted in the simulator's AssumeRole statistics.
 */
import { memoizeCredentials } from '../../src/aws/clients';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { GROUPS, sandboxFleet } from '../support/aws';

const ROLE_ACCOUNT = '210987654321';

describe('AssumeRole once per scope', () => {
  let sim: FleetSimulator;
  beforeAll(async () => {
    sim = await startFleetSimulator({
      port: 0,
      seed: 3,
      fleets: [
        { account: '123456789012', region: 'us-east-1', seed: 1 },
        { account: ROLE_ACCOUNT, region: 'us-east-1', seed: 2 },
        { account: ROLE_ACCOUNT, region: 'eu-west-1', seed: 3 },
      ],
    });
  });
  afterAll(() => sim.close());

  const assumeRoleCalls = () =>
    Object.values(sim.stats().partitions).reduce((n, p) => n + (p.calls.AssumeRole ?? 0), 0);

  it('a role scope with two regions makes one AssumeRole for many SSM, EC2 and STS calls', async () => {
    sim.resetStats();
    const fleet = sandboxFleet(sim.url, [
      { name: 'main', regions: ['us-east-1'] },
      { name: 'partner', roleArn: `arn:aws:iam::${ROLE_ACCOUNT}:role/patchbot`, regions: ['us-east-1', 'eu-west-1'] },
    ]);
    try {
      const partner = fleet.gateways.filter((g) => g.scope === 'partner');
      expect(partner).toHaveLength(2);
      // Concurrent first calls on every client of both regions, then more of each.
      const first = await Promise.all(
        partner.flatMap((g) => [g.whoAmI(), g.listManagedInstances(GROUPS.PRD), g.listPatchStates(GROUPS.PRD)]),
      );
      for (let i = 0; i < 2; i++)
        await Promise.all(
          partner.flatMap((g) => [g.whoAmI(), g.listManagedInstances(GROUPS.STG), g.listMaintenanceWindows()]),
        );
      expect(first[0]).toMatchObject({ account: ROLE_ACCOUNT });
      expect((first[1] as unknown[]).length).toBeGreaterThan(0);
      // The role scope's calls really reached both of its partitions (SSM, EC2 and STS).
      const parts = sim.stats().partitions;
      for (const region of ['us-east-1', 'eu-west-1']) {
        const calls = parts[`${ROLE_ACCOUNT}/${region}`]?.calls ?? {};
        expect(calls.DescribeInstanceInformation).toBeGreaterThanOrEqual(3);
        expect(calls.DescribeInstances).toBeGreaterThanOrEqual(3);
        expect(calls.GetCallerIdentity).toBe(3);
      }
      expect(assumeRoleCalls()).toBe(1);

      // The scope without a role assumes nothing.
      await fleet.gateways.find((g) => g.scope === 'main')!.whoAmI();
      expect(assumeRoleCalls()).toBe(1);
    } finally {
      fleet.close();
    }
  });
});

describe('memoizeCredentials', () => {
  const identity = (n: number, expiresInMs?: number, now = 0) => ({
    accessKeyId: `KEY${n}`,
    secretAccessKey: 'secret',
    ...(expiresInMs === undefined ? {} : { expiration: new Date(now + expiresInMs) }),
  });

  it('shares one request among concurrent callers and refreshes only near expiry', async () => {
    let clock = 0;
    let calls = 0;
    const provider = memoizeCredentials(async () => identity(++calls, 3_600_000, clock), {
      marginMs: 300_000,
      now: () => clock,
    });
    const [a, b] = await Promise.all([provider(), provider()]);
    expect(calls).toBe(1);
    expect(a).toBe(b);
    clock = 3_000_000; // 10 minutes left: still good
    expect((await provider()).accessKeyId).toBe('KEY1');
    clock = 3_400_000; // inside the 5-minute margin
    expect((await provider()).accessKeyId).toBe('KEY2');
    expect(calls).toBe(2);
    expect((await provider({ forceRefresh: true })).accessKeyId).toBe('KEY3');
  });

  it('tries again after a failure', async () => {
    let calls = 0;
    const provider = memoizeCredentials(async () => {
      calls++;
      if (calls === 1) throw new Error('AccessDenied');
      return identity(calls);
    });
    await expect(provider()).rejects.toThrow('AccessDenied');
    expect((await provider()).accessKeyId).toBe('KEY2');
    expect((await provider()).accessKeyId).toBe('KEY2');
    expect(calls).toBe(2);
  });
});
