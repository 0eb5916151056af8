/** The `npm run sandbox` command line: flags and the banner. */
import { parseCliArgs, formatBanner, DEFAULT_PORT, SANDBOX_ACCESS_KEY_ID } from '@patchbot/sandbox/aws/cli';
import { startFleetSimulator } from '@patchbot/sandbox/aws';

describe('sandbox CLI', () => {
  it('parses flags into simulator options', () => {
    expect(parseCliArgs([]).options).toEqual({ port: DEFAULT_PORT });
    const args = parseCliArgs([
      '--port',
      '0',
      '--instances',
      '10000',
      '--seed',
      '7',
      '--latency',
      '25',
      '--throttle',
      '20',
      '--error-rate',
      '0.1',
      '--throttle-rate',
      '0.2',
      '--run-ms',
      '500',
    ]);
    expect(args.options).toEqual({
      port: 0,
      instances: 10000,
      seed: 7,
      latencyMs: 25,
      throttleRps: 20,
      errorRate: 0.1,
      throttleRate: 0.2,
      timing: { runMs: 500 },
    });
  });

  it('rejects bad values with a message naming the flag', () => {
    expect(() => parseCliArgs(['--port', 'abc'])).toThrow('--port must be an integer');
    expect(() => parseCliArgs(['--error-rate', '2'])).toThrow('--error-rate must be a number >= 0 and <= 1');
    expect(() => parseCliArgs(['--bogus'])).toThrow();
    expect(() => parseCliArgs(['--bucket', 'Not_A_Bucket'])).toThrow('--bucket must be a valid S3 bucket name');
  });

  it('creates the buckets --bucket names, none without it', () => {
    expect(parseCliArgs(['--bucket', 'patchbot-lists', '--bucket', 'patchbot-output']).options.buckets).toEqual([
      { name: 'patchbot-lists' },
      { name: 'patchbot-output' },
    ]);
    expect(parseCliArgs([]).options.buckets).toBeUndefined();
  });

  it('prints the endpoint, the fleet with its build time, the env lines and the admin endpoints', async () => {
    const sim = await startFleetSimulator({ port: 0 });
    try {
      const banner = formatBanner(sim);
      expect(banner).toContain(`listening on ${sim.url}`);
      expect(banner).toMatch(/Fleet: 20 instances in 1 partition\(s\), built in \d+ ms/);
      expect(banner).toContain('patch groups: STG 7, PRD 9, WIN 4');
      expect(banner).toContain('window patch-window-am2');
      expect(banner).toContain(`export AWS_ENDPOINT_URL=${sim.url}`);
      expect(banner).toContain('export AWS_REGION=us-east-1');
      expect(banner).toContain(`export AWS_ACCESS_KEY_ID=${SANDBOX_ACCESS_KEY_ID}`);
      expect(banner).toContain('export AWS_SECRET_ACCESS_KEY=');
      expect(banner).toContain('POST /_sandbox/windows/{id|name}/execute');
    } finally {
      await sim.close();
    }
  });
});
