/**
 * `status`, one compliance poll and the digest for a large fleet over 2 accounts x 2 regions, run
 * through the real bot in its own process (signed slash command, its jobs) against the simulator in
 * a third one:
 * wall time, AWS calls made against the minimum, throttling, and whether every answer was whole.
 */
import { createFleet } from '../../src/aws';
import { silentLogger } from '../../src/logger';
import type { Stats } from '../../packages/sandbox/src/aws';
import { startSlackStandIn } from '../../packages/sandbox/src/slack';
import type { BotProcessOptions } from './bot-process';
import { deployedEnv, deployedNodeArgs } from './deployed-node-args';
import { startChild } from './child';
import { ACCOUNTS, BENCH_ACCESS_KEY, REGIONS, fleetConfig, fleetOptions } from './fleet-config';
import { startRemoteSimulator, type RemoteSimulator } from './remote-simulator';
import {
  jobAnswer,
  minimumAllGroups,
  minimumPoll,
  minimumStatus,
  releaseToSome,
  statusAnswer,
} from './fleet-scenarios';

/** One measured answer. */
export interface FleetRow {
  /** What was asked (`status PRD`, ...), the same with or without throttling. */
  base: string;
  scenario: string;
  /** The simulator's limit per scope, 0 for none. */
  throttleRps: number;
  /** The median run's wall time; the row's other figures are that run's too. */
  wallMs: number;
  /** Every run's wall time, in the order they ran. */
  wallRunsMs: number[];
  calls: number;
  minimum: number;
  throttled: number;
  /** Calls per scope (account/region) that AWS accepted. */
  busiestScopeCalls: number;
  /** Seconds the rate limit alone imposes on the busiest scope (throttled runs only). */
  rateBoundMs?: number;
  /** Whether the answer covered every scope with no failure shown. */
  whole: boolean;
  byApi: Record<string, number>;
}

/** The whole fleet section's result. */
export interface FleetResult {
  instances: number;
  latencyMs: number;
  throttleRps: number[];
  /** Runs of each scenario; each row is the median one. */
  repeats: number;
  rows: FleetRow[];
  peakRssMb: number;
  /** The Node flags the bot ran with (the Docker image's NODE_OPTIONS). */
  nodeArgs: string[];
  simulatorBuildMs: number;
}

const SIGNING_SECRET = 'bench-signing-secret';
const BOT_TOKEN = 'xoxb-bench';

function accepted(stats: Stats): { total: number; busiest: number } {
  const perScope = Object.values(stats.partitions).map(
    (p) => Object.values(p.calls).reduce((a, b) => a + b, 0) - p.throttled,
  );
  return { total: stats.totalCalls - stats.throttled, busiest: Math.max(0, ...perScope) };
}

/** The run with the median wall time of each scenario, in first-run order, carrying every run's wall time. */
export function medianRows(runs: readonly FleetRow[]): FleetRow[] {
  const byScenario = new Map<string, FleetRow[]>();
  for (const r of runs) byScenario.set(r.scenario, [...(byScenario.get(r.scenario) ?? []), r]);
  return [...byScenario.values()].map((same) => {
    const median = [...same].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(same.length / 2)]!;
    return { ...median, wallRunsMs: same.map((r) => r.wallMs) };
  });
}

/**
 * Runs the fleet scenarios unthrottled, then again at each `throttleRps` (requests a second per
 * scope), the whole sequence `repeats` times: one run of a few seconds on a shared 2-core machine
 * is too noisy to hold against a target.
 */
export async function benchFleet(options: {
  instances: number;
  latencyMs: number;
  throttleRps: number[];
  repeats: number;
  log: (line: string) => void;
}): Promise<FleetResult> {
  const sim = await startRemoteSimulator(fleetOptions(options.instances, options.latencyMs));
  const slack = await startSlackStandIn({ signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
  const config = fleetConfig();
  // The benchmark's own reads (the minimum each row is held to) go unpaced: they are not what is measured.
  const aws = {
    endpoint: sim.url,
    credentials: { accessKeyId: BENCH_ACCESS_KEY, secretAccessKey: 'sandbox' },
    rateLimit: { requestsPerSecond: 10_000, burst: 10_000 },
  };
  const botOptions: BotProcessOptions = {
    config: 'fleet',
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    slackApiUrl: slack.apiUrl,
    awsEndpoint: sim.url,
    accessKeyId: BENCH_ACCESS_KEY,
  };
  const bot = await startChild<{ port: number }>('bot-process', botOptions, deployedNodeArgs(), deployedEnv());
  slack.setBotEventsUrl(`http://127.0.0.1:${bot.ready.port}/slack/events`);
  const ground = createFleet(config.aws.scopes, silentLogger(), aws);
  const rows: FleetRow[] = [];
  try {
    options.log(
      `fleet: ${options.instances} instances in ${ACCOUNTS.length} accounts x ${REGIONS.length} regions, ${options.latencyMs} ms per AWS call`,
    );
    // The first poll records the snapshot every later poll is compared with.
    await bot.request({ job: 'compliance-poll' });
    for (let repeat = 1; repeat <= options.repeats; repeat++) {
      options.log(`fleet run ${repeat} of ${options.repeats}`);
      for (const throttleRps of [0, ...options.throttleRps]) {
        rows.push(
          await measure(
            sim,
            'status PRD',
            throttleRps,
            () => minimumStatus(ground.gateways, config),
            () => statusAnswer(slack),
          ),
        );
        await sim.configure({ throttleRps: 0 });
        const changed = await releaseToSome(sim, ground.gateways, config, 0.01);
        rows.push(
          await measure(
            sim,
            'compliance poll, 1% changed',
            throttleRps,
            () => minimumPoll(ground.gateways, config, changed),
            () => jobAnswer(bot, slack, 'compliance-poll'),
          ),
        );
        rows.push(
          await measure(
            sim,
            'digest',
            throttleRps,
            () => minimumAllGroups(ground.gateways, config),
            () => jobAnswer(bot, slack, 'digest'),
          ),
        );
        for (const r of rows.slice(-3))
          options.log(
            `  ${r.scenario}: ${r.wallMs} ms, ${r.calls} calls (minimum ${r.minimum}), ${r.throttled} throttled`,
          );
      }
    }
    return {
      instances: options.instances,
      latencyMs: options.latencyMs,
      throttleRps: options.throttleRps,
      repeats: options.repeats,
      rows: medianRows(rows),
      peakRssMb: bot.peakRssMb(),
      nodeArgs: deployedNodeArgs(),
      simulatorBuildMs: sim.buildMs,
    };
  } finally {
    ground.close();
    await bot.close();
    await slack.close();
    await sim.close();
  }
}

async function measure(
  sim: RemoteSimulator,
  scenario: string,
  throttleRps: number,
  minimum: () => Promise<number>,
  run: () => Promise<boolean>,
): Promise<FleetRow> {
  // Count the minimum unthrottled, then start the run with the scope's bucket full.
  await sim.configure({ throttleRps: 0 });
  const min = await minimum();
  await sim.configure({ throttleRps });
  await sim.resetStats();
  const started = performance.now();
  const whole = await run();
  const wallMs = Math.round(performance.now() - started);
  const stats = await sim.stats();
  const { total, busiest } = accepted(stats);
  return {
    base: scenario,
    scenario: throttleRps > 0 ? `${scenario} at ${throttleRps}/s` : scenario,
    throttleRps,
    wallMs,
    wallRunsMs: [wallMs],
    calls: stats.totalCalls,
    minimum: min,
    throttled: stats.throttled,
    busiestScopeCalls: busiest,
    ...(throttleRps > 0 ? { rateBoundMs: Math.round((Math.max(0, busiest - throttleRps) / throttleRps) * 1000) } : {}),
    whole: whole && total >= min,
    byApi: stats.calls,
  };
}
