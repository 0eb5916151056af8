/**
 * AWS_MAX_ATTEMPTS and AWS_RETRY_MODE, read by the config module, decide how often the retrying
 * clients try a call; SendCommand and RebootInstances (the `once` clients) try exactly once whatever
 * they say, since a retry after a lost answer could run the change twice.
 */
import { loadEnv } from '../../src/config';
import type { Fleet } from '../../src/aws';
import { AwsError } from '../../src/errors';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { GROUPS, sandboxFleet } from '../support/aws';

describe('retries follow the AWS SDK environment', () => {
  let sim: FleetSimulator;
  beforeAll(async () => {
    sim = await startFleetSimulator({ port: 0, seed: 5, timing: { pendingMs: 20, runMs: 40 } });
  });
  afterAll(() => sim.close());

  /** A fleet built as main builds it: the retry settings from the environment. */
  function fleetFrom(env: Record<string, string>): Fleet {
    return sandboxFleet(sim.url, undefined, undefined, loadEnv(env).awsRetry);
  }

  /** Every request of the next `times` to `action` is dropped without an answer; the calls AWS saw are counted. */
  function failNext(action: string, times: number): void {
    sim.resetStats();
    sim.configure({ faults: [{ action, kind: 'hang', ms: 1, times }] });
  }

  afterEach(() => sim.configure({ faults: [] }));

  it('a read is tried AWS_MAX_ATTEMPTS times: it rides out one failure fewer, and gives up at that many', async () => {
    const fleet = fleetFrom({ AWS_MAX_ATTEMPTS: '3', AWS_RETRY_MODE: 'standard' });
    try {
      const gw = fleet.gateways[0]!;
      failNext('ssm:DescribePatchGroupState', 2);
      await expect(gw.getPatchGroupState(GROUPS.PRD)).resolves.toMatchObject({ instances: expect.any(Number) });
      expect(sim.stats().calls.DescribePatchGroupState).toBe(3);

      failNext('ssm:DescribePatchGroupState', 3);
      await expect(gw.getPatchGroupState(GROUPS.PRD)).rejects.toBeInstanceOf(AwsError);
      expect(sim.stats().calls.DescribePatchGroupState).toBe(3);
    } finally {
      fleet.close();
    }
  });

  it('AWS_MAX_ATTEMPTS=1 turns retries off for reads, in adaptive mode too', async () => {
    const fleet = fleetFrom({ AWS_MAX_ATTEMPTS: '1', AWS_RETRY_MODE: 'adaptive' });
    try {
      failNext('ssm:DescribePatchGroupState', 1);
      await expect(fleet.gateways[0]!.getPatchGroupState(GROUPS.PRD)).rejects.toBeInstanceOf(AwsError);
      expect(sim.stats().calls.DescribePatchGroupState).toBe(1);
    } finally {
      fleet.close();
    }
  });

  it('SendCommand is tried exactly once whatever AWS_MAX_ATTEMPTS says, and its outcome is unknown', async () => {
    const fleet = fleetFrom({ AWS_MAX_ATTEMPTS: '5', AWS_RETRY_MODE: 'standard' });
    try {
      failNext('ssm:SendCommand', 1);
      const err = await fleet.gateways[0]!.sendPatchCommand({
        operation: 'Scan',
        rebootOption: 'NoReboot',
        group: GROUPS.PRD,
        maxConcurrency: '50',
        maxErrors: '0',
        operationId: 'op-retryenv',
        timeoutSeconds: 600,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AwsError);
      expect((err as AwsError).outcomeUnknown).toBe(true);
      expect(sim.stats().calls.SendCommand).toBe(1);
    } finally {
      fleet.close();
    }
  });
});
