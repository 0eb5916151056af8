/**
 * The process-wide cap on DescribeInstances pages, over the real SDK and HTTP: a counting proxy in
 * front of the simulator sees at most INSTANCE_PAGES_AT_ONCE of them in flight while every scope and
 * region asks for its instances at once, and SSM's requests beside them are not held back.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeInstanceInformationCommand } from '@aws-sdk/client-ssm';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { AwsClientPool } from '../../src/aws/clients';
import { INSTANCE_PAGES_AT_ONCE } from '../../src/aws/instance-page-gate';
import { createLogger } from '../../src/logger';
import type { AwsScope } from '../../src/patching/fleet-types';
import { ROOMY_RATE_LIMIT, SANDBOX_CREDENTIALS } from '../support/aws';

/** Forwards everything to `target`, counting the most requests of each action in flight at once. */
function countingProxy(target: string) {
  const inFlight = new Map<string, number>();
  const most = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const action =
        (req.headers['x-amz-target'] as string | undefined)?.split('.').pop() ??
        /Action=(\w+)/.exec(body.toString())?.[1] ??
        'other';
      const now = (inFlight.get(action) ?? 0) + 1;
      inFlight.set(action, now);
      most.set(action, Math.max(most.get(action) ?? 0, now));
      const url = new URL(req.url ?? '/', target);
      const upstream = request(url, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => inFlight.set(action, (inFlight.get(action) ?? 1) - 1));
      });
      upstream.end(body);
    });
  });
  return {
    most,
    listen: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('at most INSTANCE_PAGES_AT_ONCE DescribeInstances in flight in the process', () => {
  let sim: FleetSimulator;
  let proxy: ReturnType<typeof countingProxy>;
  let pool: AwsClientPool;
  beforeAll(async () => {
    // Slow answers, so that requests sent together are in flight together.
    sim = await startFleetSimulator({ port: 0, seed: 3, latencyMs: 150 });
    proxy = countingProxy(sim.url);
    const url = await proxy.listen();
    const scopes: AwsScope[] = ['a', 'b', 'c'].map((name) => ({ name, regions: ['us-east-1', 'eu-west-1'] }));
    pool = new AwsClientPool(
      scopes,
      {
        endpoint: url,
        credentials: SANDBOX_CREDENTIALS,
        rateLimit: ROOMY_RATE_LIMIT,
      },
      createLogger({ level: 'silent' }),
    );
  });
  afterAll(async () => {
    pool.destroy();
    await proxy.close();
    await sim.close();
  });

  it('holds the seventh and later pages back across scopes and regions, but not SSM beside them', async () => {
    const all = ['a', 'b', 'c'].flatMap((scope) => ['us-east-1', 'eu-west-1'].map((region) => pool.get(scope, region)));
    const answers = await Promise.all([
      ...all.flatMap((c) => [
        c.ec2.send(new DescribeInstancesCommand({ MaxResults: 5 })),
        c.once.ec2.send(new DescribeInstancesCommand({ MaxResults: 5 })),
      ]),
      ...all.map((c) => c.ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 5 }))),
    ]);
    expect(answers).toHaveLength(18);
    expect(proxy.most.get('DescribeInstances')).toBe(INSTANCE_PAGES_AT_ONCE);
    expect(proxy.most.get('DescribeInstanceInformation')).toBe(6);
  });
});
