/**
 * The per-account request budget over the real SDK and HTTP, against a simulator that throttles
 * each account and region at 5 requests a second: a poll, a status and a running install in one
 * scope all finish with nothing throttled (and the same work without the budget is throttled);
 * scopes naming one account share one budget; a slow scope does not hold up another scope's answer.
 */
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { systemClock } from '../../src/clock';
import { createPatchbotConfigSchema, type PatchbotConfig } from '../../src/config/schema';
import { groupStatus } from '../../src/patching';
import { pollCompliance } from '../../src/patching/poll';
import { type ClientOptions, createFleet } from '../../src/aws';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { SANDBOX_CREDENTIALS } from '../support/aws';
import { FAST, groupOf, harness, terminal } from '../patching/helpers';

/** The seeded groups over the given scopes and budget, normalized as patchbot.yml would be. */
function configWith(aws: Record<string, unknown>, groups?: Record<string, unknown>): PatchbotConfig {
  return createPatchbotConfigSchema({ region: 'us-east-1' }).parse({
    aws,
    groups: groups ?? {
      STG: { channel: 'C0STG', operators: ['U0OPS'] },
      PRD: { channel: 'C0PRD', operators: ['U0OPS'] },
    },
  });
}

/** A fleet on the simulator with the budgets the config gives (sandboxFleet's roomy one would hide them). */
function budgetedFleet(
  url: string,
  config: PatchbotConfig,
  logger = createLogger({ level: 'silent' }),
  options: Partial<ClientOptions> = {},
) {
  return createFleet(config.aws.scopes, logger, {
    endpoint: url,
    credentials: SANDBOX_CREDENTIALS,
    maxAttempts: 3,
    ...options,
  });
}

describe('one request budget per account and region', () => {
  let sim: FleetSimulator;
  let released = 0;
  beforeAll(async () => {
    sim = await startFleetSimulator({ port: 0, seed: 7, timing: FAST, throttleRps: 5 });
  });
  afterAll(() => sim.close());

  /**
   * A poll of STG, a status of PRD and an install on STG, at once in the one scope; what AWS throttled.
   * `op` is the install's end, or what stopped it: unbudgeted, its plan's reads may be throttled past their retries.
   */
  async function pollStatusInstall(config: PatchbotConfig) {
    const fleet = budgetedFleet(sim.url, config);
    const h = await harness({ gateways: fleet.gateways, config });
    await h.tracker.start();
    // A new critical patch on STG, so each run's install has something to do.
    sim.releasePatch({
      title: `openssl-3.0.${++released}`,
      group: 'STG',
      severity: 'Critical',
      classification: 'Security',
      releasedDaysAgo: 40,
      rescan: true,
    });
    // Let the simulator's bucket refill from whatever ran before.
    await new Promise((r) => setTimeout(r, 1200));
    sim.resetStats();
    try {
      const deps = {
        store: h.store,
        gateways: fleet.gateways,
        groups: config.groups,
        clock: systemClock,
        logger: createLogger({ level: 'silent' }),
      };
      const [, status, op] = await Promise.all([
        pollCompliance(deps, groupOf(config, 'STG')),
        groupStatus(groupOf(config, 'PRD'), fleet.gateways, systemClock),
        h.service
          .requestInstall({
            group: groupOf(config, 'STG'),
            requestedBy: 'U0OPS',
            channel: 'C0STG',
            rebootOption: 'NoReboot',
          })
          .then((started) => terminal(h.store, started.id, 30_000))
          .catch((err: unknown) => ({ status: 'not started', notStarted: err })),
      ]);
      const stats = sim.stats();
      return { status, op, stats };
    } finally {
      await h.close();
      fleet.close();
    }
  }

  it('with the default budget, a poll, a status and an install in one scope all finish, none throttled', async () => {
    const { status, op, stats } = await pollStatusInstall(
      configWith({ scopes: [{ name: 'default', regions: ['us-east-1'] }] }),
    );
    expect(status.failures).toEqual([]);
    expect(status.counts.instances).toBe(8);
    expect(op).not.toHaveProperty('notStarted');
    // An install whose SendCommand (tried once: it is not idempotent) was throttled would have failed.
    expect(op.status).toBe('succeeded');
    expect(stats.totalCalls).toBeGreaterThan(10);
    expect(stats.throttled).toBe(0);
  }, 60_000);

  it('the same work with the budget out of the way is throttled (so the test above can fail)', async () => {
    const { stats } = await pollStatusInstall(
      configWith({
        rateLimit: { requestsPerSecond: 1000, burst: 1000 },
        scopes: [{ name: 'default', regions: ['us-east-1'] }],
      }),
    );
    expect(stats.throttled).toBeGreaterThan(0);
  }, 60_000);
});

describe('which requests share a budget', () => {
  let sim: FleetSimulator;
  beforeAll(async () => {
    sim = await startFleetSimulator({
      port: 0,
      seed: 3,
      timing: FAST,
      fleets: [
        { account: '123456789012', region: 'us-east-1' },
        { account: '222222222222', region: 'us-east-1' },
      ],
    });
  });
  afterAll(() => sim.close());

  /** How many requests waited for a token when each scope asks who it is (`times` each), all at once. */
  async function waitsWhenAllAsk(
    scopes: Array<Record<string, unknown>>,
    options: Partial<ClientOptions> = {},
    times = 1,
  ): Promise<number> {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'debug',
      destination: new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    const config = configWith({ rateLimit: { requestsPerSecond: 1, burst: 1 }, scopes });
    const fleet = budgetedFleet(sim.url, config, logger, options);
    try {
      await Promise.all(fleet.gateways.flatMap((g) => Array.from({ length: times }, () => g.whoAmI())));
    } finally {
      fleet.close();
    }
    return lines.filter((l) => l.includes('"request waited"') && l.includes('"subsystem":"aws"')).length;
  }

  it('two scopes naming the same account and region share one budget; other scopes have their own', async () => {
    expect(
      await waitsWhenAllAsk([
        { name: 'a', accountId: '123456789012', regions: ['us-east-1'] },
        { name: 'b', accountId: '123456789012', regions: ['us-east-1'] },
      ]),
    ).toBe(1);
    expect(
      await waitsWhenAllAsk([
        { name: 'a', regions: ['us-east-1'] },
        { name: 'b', regions: ['us-east-1'] },
      ]),
    ).toBe(0);
    expect(await waitsWhenAllAsk([{ name: 'a', accountId: '123456789012', regions: ['us-east-1', 'eu-west-1'] }])).toBe(
      0,
    );
  });

  it('scopes sharing an account get the lowest budget any of them sets; ClientOptions.rateLimit replaces them all', async () => {
    const roomy = { requestsPerSecond: 1000, burst: 1000 };
    expect(
      await waitsWhenAllAsk([
        { name: 'a', accountId: '123456789012', regions: ['us-east-1'], rateLimit: roomy },
        { name: 'b', accountId: '123456789012', regions: ['us-east-1'], rateLimit: { requestsPerSecond: 1, burst: 1 } },
      ]),
    ).toBe(1);
    expect(await waitsWhenAllAsk([{ name: 'a', regions: ['us-east-1'], rateLimit: roomy }], {}, 2)).toBe(0);
    expect(
      await waitsWhenAllAsk(
        [{ name: 'a', regions: ['us-east-1'], rateLimit: roomy }],
        { rateLimit: { requestsPerSecond: 1, burst: 1 } },
        2,
      ),
    ).toBe(1);
  });

  it("a scope slowed by its budget does not hold up another scope's group status", async () => {
    const config = configWith(
      {
        scopes: [
          { name: 'main', regions: ['us-east-1'] },
          {
            name: 'partner',
            roleArn: 'arn:aws:iam::222222222222:role/patchbot',
            regions: ['us-east-1'],
            // One request every 2 s: its status needs several, so it answers seconds after the other.
            rateLimit: { requestsPerSecond: 0.5, burst: 1 },
          },
        ],
      },
      {
        FAST: { tagValue: 'PRD', channel: 'C0PRD', operators: ['U0OPS'], scopes: ['main'] },
        SLOW: { tagValue: 'PRD', channel: 'C0PRD', operators: ['U0OPS'], scopes: ['partner'] },
      },
    );
    const fleet = budgetedFleet(sim.url, config);
    try {
      let slowAnswered = false;
      const slow = groupStatus(groupOf(config, 'SLOW'), fleet.gateways, systemClock).then((s) => {
        slowAnswered = true;
        return s;
      });
      const fast = await groupStatus(groupOf(config, 'FAST'), fleet.gateways, systemClock);
      expect(fast.failures).toEqual([]);
      expect(fast.counts.instances).toBe(8);
      expect(slowAnswered).toBe(false);
      const slowStatus = await slow;
      expect(slowStatus.failures).toEqual([]);
      expect(slowStatus.scopes).toEqual([{ scope: 'partner', region: 'us-east-1', instances: expect.any(Number) }]);
    } finally {
      fleet.close();
    }
  }, 60_000);
});
