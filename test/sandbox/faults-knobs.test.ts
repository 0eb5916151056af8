/**
 * Fault knobs: random throttling that the SDK's adaptive retry rides out, a per-partition token
 * bucket, injected 500s, latency, all changeable at run time and reproducible from the seed.
 */
import {
  DescribeInstanceInformationCommand,
  DescribePatchGroupStateCommand,
  paginateDescribeInstanceInformation,
} from '@aws-sdk/client-ssm';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { admin, clients, failure } from './helpers';

describe('fault knobs', () => {
  const started: FleetSimulator[] = [];
  const start = async (options: Parameters<typeof startFleetSimulator>[0]) => {
    const sim = await startFleetSimulator({ port: 0, ...options });
    started.push(sim);
    return sim;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.close()));
  });

  it('throttleRate 0.5 with adaptive retry (maxAttempts 10) ends in success; throttled > 0', async () => {
    const sim = await start({ seed: 21, instances: 90, throttleRate: 0.5 });
    const aws = clients(sim.url, { maxAttempts: 10, retryMode: 'adaptive' });
    try {
      let count = 0;
      // Few calls: adaptive retry backs off hard after throttles (its client-side rate drops).
      const [ec2] = await Promise.all([
        aws.ec2.send(new DescribeInstancesCommand({})),
        (async () => {
          for await (const page of paginateDescribeInstanceInformation({ client: aws.ssm, pageSize: 50 }, {}))
            count += page.InstanceInformationList?.length ?? 0;
        })(),
      ]);
      // SSM leaves out the stopped instances, which EC2 lists.
      expect(ec2.Reservations).toHaveLength(90);
      const running = ec2.Reservations!.filter((r) => r.Instances?.[0]?.State?.Name === 'running').length;
      expect(running).toBeLessThan(90);
      expect(count).toBe(running);
      const stats = sim.stats();
      expect(stats.throttled).toBeGreaterThan(0);
      expect(stats.throttledByOperation.DescribeInstanceInformation).toBeGreaterThan(0);
      // Evenly spread: about half of all requests were throttled.
      expect(stats.throttled / stats.totalCalls).toBeGreaterThan(0.3);
      expect(stats.throttled / stats.totalCalls).toBeLessThan(0.7);
      expect(stats.rejected).toEqual({});
    } finally {
      aws.destroy();
    }
  });

  it('a throttled SSM call is a 400 ThrottlingException "Rate exceeded"; EC2 a 503 RequestLimitExceeded', async () => {
    const sim = await start({ throttleRate: 1 });
    const aws = clients(sim.url);
    try {
      const ssm = await failure(aws.ssm.send(new DescribeInstanceInformationCommand({})));
      expect(ssm).toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded' });
      expect(ssm.$metadata?.httpStatusCode).toBe(400);
      const ec2 = await failure(aws.ec2.send(new DescribeInstancesCommand({})));
      expect(ec2.name).toBe('RequestLimitExceeded');
      expect(ec2.$metadata?.httpStatusCode).toBe(503);
      expect((await failure(aws.sts.send(new GetCallerIdentityCommand({})))).name).toBe('Throttling');
      expect(sim.stats().throttled).toBe(3);
    } finally {
      aws.destroy();
    }
  });

  it('throttleRps limits each partition on its own', async () => {
    const sim = await start({ throttleRps: 5 });
    const east = clients(sim.url);
    const west = clients(sim.url, { region: 'us-west-2' });
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 15 }, () => east.ssm.send(new DescribePatchGroupStateCommand({ PatchGroup: 'STG' }))),
      );
      const throttled = results.filter((r) => r.status === 'rejected');
      expect(throttled.length).toBeGreaterThanOrEqual(8);
      expect(throttled.every((r) => (r as PromiseRejectedResult).reason.name === 'ThrottlingException')).toBe(true);
      // Another partition has its own bucket.
      await west.ssm.send(new DescribePatchGroupStateCommand({ PatchGroup: 'STG' }));
      // The bucket refills at the configured rate: 450 ms at 5 a second is the time under test, on the wall clock the limiter reads.
      await new Promise((r) => setTimeout(r, 450));
      await east.ssm.send(new DescribePatchGroupStateCommand({ PatchGroup: 'STG' }));
      expect(sim.stats().partitions['123456789012/us-east-1']?.throttled).toBe(throttled.length);
    } finally {
      east.destroy();
      west.destroy();
    }
  });

  it('errorRate answers 500s (InternalServerError / InternalError) that standard retry rides out', async () => {
    const sim = await start({ errorRate: 1 });
    const aws = clients(sim.url);
    try {
      const ssm = await failure(aws.ssm.send(new DescribeInstanceInformationCommand({})));
      expect(ssm.name).toBe('InternalServerError');
      expect(ssm.$metadata?.httpStatusCode).toBe(500);
      expect((await failure(aws.ec2.send(new DescribeInstancesCommand({})))).name).toBe('InternalError');
      sim.configure({ errorRate: 0.3 });
      const retrying = clients(sim.url, { maxAttempts: 6 });
      try {
        for (let i = 0; i < 10; i++) await retrying.ssm.send(new DescribePatchGroupStateCommand({ PatchGroup: 'PRD' }));
      } finally {
        retrying.destroy();
      }
      expect(sim.stats().errorsInjected).toBeGreaterThan(3);
    } finally {
      aws.destroy();
    }
  });

  it('latency delays every call; POST /_sandbox/config changes knobs at run time and validates them', async () => {
    const sim = await start({ latencyMs: 120 });
    const aws = clients(sim.url);
    try {
      let t = Date.now();
      await aws.ssm.send(new DescribePatchGroupStateCommand({ PatchGroup: 'STG' }));
      expect(Date.now() - t).toBeGreaterThanOrEqual(110);
      const changed = await admin(sim.url, '/_sandbox/config', { latencyMs: 0, throttleRate: 1 });
      expect(changed.status).toBe(200);
      expect(changed.json.knobs).toMatchObject({ latencyMs: 0, throttleRate: 1 });
      t = Date.now();
      expect((await failure(aws.ssm.send(new DescribePatchGroupStateCommand({ PatchGroup: 'STG' })))).name).toBe(
        'ThrottlingException',
      );
      expect(Date.now() - t).toBeLessThan(100);
      const bad = await admin(sim.url, '/_sandbox/config', { errorRate: 2, colour: 'red' });
      expect(bad.status).toBe(400);
      expect(bad.json.error).toBe('BadRequest');
      expect(JSON.stringify(bad.json.issues)).toContain('errorRate');
      expect(JSON.stringify(bad.json.issues)).toContain('colour');
    } finally {
      aws.destroy();
    }
  });

  it('the same seed throttles the same requests', async () => {
    const pattern = async () => {
      const sim = await start({ seed: 99, throttleRate: 0.4 });
      const aws = clients(sim.url);
      const outcome: boolean[] = [];
      try {
        for (let i = 0; i < 20; i++) {
          outcome.push(
            await aws.ssm.send(new DescribePatchGroupStateCommand({ PatchGroup: 'STG' })).then(
              () => true,
              () => false,
            ),
          );
        }
      } finally {
        aws.destroy();
      }
      return outcome;
    };
    const first = await pattern();
    expect(await pattern()).toEqual(first);
    expect(first.filter((ok) => !ok).length).toBeGreaterThanOrEqual(6);
    expect(first.filter((ok) => !ok).length).toBeLessThanOrEqual(10);
  });
});
