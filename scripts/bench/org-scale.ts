/**
 * Organisation scale: 20 scopes (5 accounts x 4 regions) at each fleet size, through the real bot
 * in its own process (the Docker image's NODE_OPTIONS) against the simulator in another. Per size,
 * in this order: `status PRD` (a cold read), the first compliance poll (records the snapshot), a
 * quiet poll (always a fresh read: it is the change detector), the digest within the same minute,
 * and an install of 10,000 instances; each with wall time, AWS calls and the minimum. At the largest
 * size also a quiet poll throttled per scope and acknowledgement latency while a poll runs.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFleet, type FleetGateway } from '../../src/aws';
import type { PatchbotConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import type { Stats } from '../../packages/sandbox/src/aws';
import { startSlackStandIn, type SlackStandIn } from '../../packages/sandbox/src/slack';
import type { BotProcessOptions } from './bot-process';
import { type ChildPart, startChild } from './child';
import { deployedEnv, deployedNodeArgs } from './deployed-node-args';
import { BENCH_ACCESS_KEY } from './fleet-config';
import { FAILURE_TEXT, statusAnswer } from './fleet-scenarios';
import { ackUnderPoll, type OrgAck, senderFigures, servedP99s } from './org-ack';
import {
  budgetSupported,
  ORG_ACCOUNTS,
  ORG_REGIONS,
  orgConfig,
  orgOptions,
  type RateLimit,
  UNLIMITED,
} from './org-config';
import { rateBoundMs } from './org-figures';
import { installBulk, tagBulk } from './org-install';
import { allGroupsCost, statusCost } from './org-minimum';
import { type RemoteSimulator, startRemoteSimulator } from './remote-simulator';

/** One measured answer. */
export interface OrgRow {
  wallMs: number;
  /** Calls AWS accepted (throttled ones are counted apart). */
  calls: number;
  throttled: number;
  /** The fewest calls for the answer; absent when not held to one. */
  minimum?: number;
  /** What the former group read cost for the same answer. */
  before?: number;
  /** Every scope answered, no failure shown. */
  whole: boolean;
}

/** One fleet size. */
export interface OrgSize {
  instances: number;
  simulatorBuildMs: number;
  statusPrd: OrgRow;
  firstPoll: OrgRow;
  quietPoll: OrgRow;
  /** The digest right after the quiet poll; `minimum` is a fresh read of every group (0 when it reuses the poll's). */
  digest: OrgRow;
  install: OrgRow & { instances: number };
  /** The bot's peak RSS across the whole size. */
  peakRssMb: number;
  /** Its peak RSS so far once started and after each answer (MB): which part raised it. */
  peakAfterMb?: PeakAfter;
  /** The most heap in use right after a full collection (about the live set), MB. */
  liveHeapMaxMb?: number;
}

/** The bot's peak RSS so far at each point of a size's run, in MB. */
export interface PeakAfter {
  started: number;
  statusPrd: number;
  firstPoll: number;
  quietPoll: number;
  digest: number;
  install: number;
}

/** The quiet poll with the simulator limiting each scope to `rps` requests a second. */
export interface OrgThrottled {
  instances: number;
  rps: number;
  /** Requests the simulator's bucket holds (one second's worth). */
  burst: number;
  /** The bot's client-side budget (this build has none when absent). */
  budget?: RateLimit;
  row: OrgRow;
  boundMs: number;
  failedAnswers: number;
}

/** The whole section. */
export interface OrgResult {
  latencyMs: number;
  scopes: number;
  nodeArgs: string[];
  /** The Docker image's allocator environment the bot ran with (MALLOC_*). */
  nodeEnv?: Record<string, string>;
  /** The first bot's client-side budget, when this build has one. */
  budget?: RateLimit;
  sizes: OrgSize[];
  throttled?: OrgThrottled;
  ack?: OrgAck;
}

const SIGNING_SECRET = 'bench-signing-secret';
const BOT_TOKEN = 'xoxb-bench';
const INSTALL_SIZE = 10_000;

interface Measured {
  row: OrgRow;
  acceptedPerScope: number[];
}

async function measure(sim: RemoteSimulator, run: () => Promise<boolean>, minimum?: number): Promise<Measured> {
  await sim.resetStats();
  const started = performance.now();
  const whole = await run();
  const wallMs = Math.round(performance.now() - started);
  const stats: Stats = await sim.stats();
  const acceptedPerScope = Object.values(stats.partitions).map(
    (p) => Object.values(p.calls).reduce((a, b) => a + b, 0) - p.throttled,
  );
  const calls = stats.totalCalls - stats.throttled;
  return {
    row: { wallMs, calls, throttled: stats.throttled, ...(minimum === undefined ? {} : { minimum }), whole },
    acceptedPerScope,
  };
}

/** Runs a job; true when nothing it posted shows a failed scope (a quiet poll posts nothing). */
async function jobClean(bot: ChildPart<unknown>, slack: SlackStandIn, job: string): Promise<boolean> {
  const from = slack.calls().length;
  await bot.request({ job });
  return failedPosts(slack, from) === 0;
}

function failedPosts(slack: SlackStandIn, from: number): number {
  return slack
    .calls()
    .slice(from)
    .filter((c) => c.method.startsWith('chat.') && FAILURE_TEXT.test(JSON.stringify(c.args))).length;
}

interface Parts {
  sim: RemoteSimulator;
  slack: SlackStandIn;
  ground: { gateways: FleetGateway[]; close(): void };
  config: PatchbotConfig;
  botOptions: BotProcessOptions;
}

async function startBot(
  parts: Parts,
  extra: Partial<BotProcessOptions> = {},
  profileDir?: string,
): Promise<ChildPart<{ port: number }>> {
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const bot = await startChild<{ port: number }>(
    'bot-process',
    { ...parts.botOptions, ...extra },
    [...deployedNodeArgs(), ...profile],
    deployedEnv(),
  );
  parts.slack.setBotEventsUrl(`http://127.0.0.1:${bot.ready.port}/slack/events`);
  return bot;
}

/** Runs the section at each size, smallest first; the throttled poll and the acknowledgement run at the largest. */
export async function benchOrgScale(options: {
  sizes: number[];
  throttleRps: number;
  latencyMs?: number;
  ackCommands?: number;
  /** Where the main bot of each size writes a V8 CPU profile when it exits (none when absent). */
  cpuProfileDir?: string | undefined;
  log: (line: string) => void;
}): Promise<OrgResult> {
  const latencyMs = options.latencyMs ?? 20;
  const sizes = [...options.sizes].sort((a, b) => a - b);
  const result: OrgResult = {
    latencyMs,
    scopes: ORG_ACCOUNTS.length * ORG_REGIONS.length,
    nodeArgs: deployedNodeArgs(),
    nodeEnv: deployedEnv(),
    ...(budgetSupported() ? { budget: UNLIMITED } : {}),
    sizes: [],
  };
  for (const instances of sizes) {
    const largest = instances === sizes.at(-1);
    const size = await benchSize(
      instances,
      latencyMs,
      largest ? options : undefined,
      options.log,
      result,
      options.cpuProfileDir,
    );
    result.sizes.push(size);
  }
  return result;
}

async function benchSize(
  instances: number,
  latencyMs: number,
  extras: { throttleRps: number; ackCommands?: number } | undefined,
  log: (line: string) => void,
  result: OrgResult,
  profileDir?: string,
): Promise<OrgSize> {
  log(`org: ${instances.toLocaleString('en-US')} instances over ${result.scopes} scopes, ${latencyMs} ms per AWS call`);
  const sim = await startRemoteSimulator(orgOptions(instances, latencyMs));
  log(`org: simulator built in ${sim.buildMs} ms`);
  const slack = await startSlackStandIn({ signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
  const config = orgConfig();
  // The benchmark's own reads (the minimum, the re-tagging) go unpaced: they are not what is measured.
  const aws = {
    endpoint: sim.url,
    credentials: { accessKeyId: BENCH_ACCESS_KEY, secretAccessKey: 'sandbox' },
    rateLimit: UNLIMITED,
  };
  const ground = createFleet(config.aws.scopes, silentLogger(), aws);
  const botOptions: BotProcessOptions = {
    config: 'org',
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    slackApiUrl: slack.apiUrl,
    awsEndpoint: sim.url,
    accessKeyId: BENCH_ACCESS_KEY,
    dbPath: join(mkdtempSync(join(tmpdir(), 'patchbot-bench-org-')), 'patchbot.db'),
    // Without a throttling simulator the bot's own budget would be all these runs measured.
    ...(result.budget ? { orgRateLimit: result.budget } : {}),
  };
  const parts: Parts = { sim, slack, ground, config, botOptions };
  const bot = await startBot(parts, {}, profileDir);
  const line = (name: string, r: OrgRow) =>
    log(
      `  ${name}: ${r.wallMs} ms, ${r.calls} calls${r.minimum !== undefined ? ` (minimum ${r.minimum}${r.before !== undefined ? `, before ${r.before}` : ''})` : ''}, ${r.throttled} throttled, ${r.whole ? 'whole' : 'NOT whole'}`,
    );
  try {
    const peak: Partial<PeakAfter> = { started: bot.peakRssMb() };
    const prd = config.groups.find((g) => g.name === 'PRD')!;
    const statusMin = await statusCost(ground.gateways, prd);
    const status = (await measure(sim, () => statusAnswer(slack), statusMin.minimum)).row;
    const statusPrd = { ...status, before: statusMin.before };
    line('status PRD', statusPrd);
    peak.statusPrd = bot.peakRssMb();
    const all = await allGroupsCost(ground.gateways, config.groups);
    const firstPoll = (await measure(sim, () => jobClean(bot, slack, 'compliance-poll'))).row;
    line('first poll', firstPoll);
    peak.firstPoll = bot.peakRssMb();
    const quiet = (await measure(sim, () => jobClean(bot, slack, 'compliance-poll'), all.minimum)).row;
    const quietPoll = { ...quiet, before: all.before, whole: quiet.whole && quiet.calls >= all.minimum };
    line('quiet poll', quietPoll);
    peak.quietPoll = bot.peakRssMb();
    const digestRun = (await measure(sim, () => jobClean(bot, slack, 'digest'), all.minimum)).row;
    const digest = { ...digestRun, before: all.before };
    line('digest', digest);
    peak.digest = bot.peakRssMb();
    if (extras) {
      result.throttled = await throttledPoll(parts, instances, extras.throttleRps, all.minimum, log);
      // What follows is asked of the first bot again.
      slack.setBotEventsUrl(`http://127.0.0.1:${bot.ready.port}/slack/events`);
      result.ack = await ackUnderPoll({
        bot,
        botSlack: slack,
        signingSecret: SIGNING_SECRET,
        commands: extras.ackCommands ?? 300,
        concurrency: 50,
        // A burst lasts about 150 ms of a 4–5 s poll, so whether a full collection lands in it decides a round.
        // With 3 rounds the median round moved from 1.24x to 1.46x between two runs of one commit; with 5 it
        // was 1.12x, 0.82x and 1.53x in three runs of another (its rounds 0.79x–2.39x). With 11 the median
        // stands on more rounds, at about a minute more.
        rounds: 11,
      });
      log(
        `  ack (median of ${result.ack.rounds.length} rounds): bare Bolt p50 ${result.ack.bare.p50} ms p99 ${result.ack.bare.p99} ms; patchbot idle p99 ${result.ack.idle.p99} ms (loop delay max ${result.ack.idleLoop.loopDelayMax} ms, GC pause max ${result.ack.idleLoop.gcPauseMax} ms); patchbot during a poll p50 ${result.ack.underLoad.p50} ms p99 ${result.ack.underLoad.p99} ms (poll ${result.ack.pollMs} ms${result.ack.pollOutlastedBurst ? '' : ', ended before the burst did'}; bot CPU ${result.ack.botLoop.cpuMs} ms, loop delay max ${result.ack.botLoop.loopDelayMax} ms, GC pause max ${result.ack.botLoop.gcPauseMax} ms, ${result.ack.botLoop.fullGcs} full collections); load loop delay max bare/idle/poll ${senderFigures(result.ack, 'load', 'loopDelayMax').join('/')} ms, stand-in loop delay max ${senderFigures(result.ack, 'standIn', 'loopDelayMax').join('/')} ms; in-process p99 bare/idle/poll ${servedP99s(
          result.ack,
        )
          .map((p99) => p99 ?? '-')
          .join('/')} ms`,
      );
      log(
        `  ack rounds, p99 bare / idle / during the poll (bot CPU, full collections): ${result.ack.rounds
          .map(
            (r) =>
              `${r.bare.p99} / ${r.idle.p99} / ${r.underLoad.p99} ms (${r.botLoop.cpuMs} ms, ${r.botLoop.fullGcs})`,
          )
          .join('; ')}`,
      );
    }
    const tagged = await tagBulk(sim, ground.gateways, INSTALL_SIZE);
    log(`  install: ${tagged} instances tagged ${'BULK'}`);
    const installRun = await measure(sim, async () => {
      const run = await installBulk(slack, 15 * 60_000);
      return run.whole;
    });
    const install = { ...installRun.row, instances: tagged };
    line('install', install);
    const peakRssMb = bot.peakRssMb();
    const peakAfterMb = { ...peak, install: peakRssMb } as PeakAfter;
    const { liveHeapMaxMb } = await bot.request<{ liveHeapMaxMb: number }>({ loop: 'live' });
    log(
      `  bot peak RSS ${peakRssMb} MB (so far: ${JSON.stringify(peakAfterMb)}); live heap at most ${liveHeapMaxMb} MB`,
    );
    return {
      instances,
      simulatorBuildMs: sim.buildMs,
      statusPrd,
      firstPoll,
      quietPoll,
      digest,
      install,
      peakRssMb,
      peakAfterMb,
      liveHeapMaxMb,
    };
  } finally {
    ground.close();
    await bot.close();
    await slack.close();
    await sim.close();
  }
}

/**
 * A second bot on the first one's state file (so its snapshot is there and the poll is a quiet one),
 * with a client-side budget of `rps` when this build has one, polls once unthrottled to warm up (its
 * AssumeRole credentials, connections and compiled code, as a bot that has been running has them),
 * then once with the simulator limiting every scope to `rps`: that one is measured. A bot of its own
 * keeps the budget off every other figure.
 */
async function throttledPoll(
  parts: Parts,
  instances: number,
  rps: number,
  minimum: number,
  log: (line: string) => void,
): Promise<OrgThrottled> {
  const { sim, slack } = parts;
  // The rate of the simulator's limit; the burst one below its bucket, as patchbot's default keeps a token of slack.
  const budget = budgetSupported() ? { requestsPerSecond: rps, burst: Math.max(1, rps - 1) } : undefined;
  const bot = await startBot(parts, { ...(budget ? { orgRateLimit: budget } : {}) });
  try {
    await bot.request({ job: 'compliance-poll' });
    // Its budget's bucket refills (burst / rps seconds) before the simulator's starts full.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await sim.configure({ throttleRps: rps });
    const from = slack.calls().length;
    const m = await measure(sim, () => jobClean(bot, slack, 'compliance-poll'), minimum);
    const boundMs = rateBoundMs(m.acceptedPerScope, rps, rps);
    const failedAnswers = failedPosts(slack, from);
    log(
      `  quiet poll at ${rps}/s per scope${budget ? ` (bot budget ${budget.requestsPerSecond}/s, burst ${budget.burst})` : ' (no client-side budget in this build)'}: ${m.row.wallMs} ms, bound ${boundMs} ms, ${m.row.calls} calls, ${m.row.throttled} throttled, ${failedAnswers} failed answers`,
    );
    return { instances, rps, burst: rps, budget, row: m.row, boundMs, failedAnswers };
  } finally {
    await sim.configure({ throttleRps: 0 });
    await bot.close();
  }
}
