/**
 * patchbot as teams run it with replicas: N bot processes (`node --import tsx src/main.ts`, as
 * production starts it) on one PostgreSQL database, behind a round-robin HTTP load balancer that
 * Slack's requests go to; the fleet simulator and the Slack stand-in in this process. A replica can
 * be SIGKILLed; another can be started, as an orchestrator would.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBot } from '../../src/bot';
import { parseConfigText } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { openStore, type Store } from '../../src/store';
import { startFleetSimulator, type FleetSimulator, type SimulatorOptions } from '@patchbot/sandbox/aws';
import { startSlackStandIn, waitFor, type SlackStandIn } from '@patchbot/sandbox/slack';
import { botEnv, startBotProcess, type BotProcess } from '../../scripts/support/bot-process';
import { demoConfigText, type DemoSchedules } from '../../scripts/support/demo-config';
import { RoundRobinProxy } from '../../scripts/support/round-robin';
import { ROOMY_RATE_LIMIT, SANDBOX_CREDENTIALS } from './aws';
import { freshDatabase } from './postgres';

const SIGNING_SECRET = 'replicas-signing-secret';
const BOT_TOKEN = 'xoxb-replicas';

/** Replicas, their database, the balancer in front and the stand-ins behind. */
export interface Replicas {
  sim: FleetSimulator;
  slack: SlackStandIn;
  proxy: RoundRobinProxy;
  /** Every replica started, dead or alive, in start order (A, B, C, ...). */
  bots: BotProcess[];
  /** The database the replicas share, opened here as patchbot opens it (for reading what they did). */
  store: Store;
  /** Starts one more replica and puts it behind the balancer. */
  add(): Promise<BotProcess>;
  /** The replica that says it leads (waits up to `timeoutMs` for one). */
  leader(timeoutMs?: number): Promise<BotProcess>;
  /** Each live replica's role, by name. */
  roles(): Promise<Record<string, string | undefined>>;
  close(): Promise<void>;
}

/** Options of a replica set. */
export interface ReplicaOptions {
  count: number;
  sim?: SimulatorOptions;
  schedules?: DemoSchedules;
  /**
   * Runs the window and compliance polls once in this process before the replicas start (the first
   * look of each is history, not news), as on an installation that has been running for a while.
   */
  primed?: boolean;
}

/** Starts the simulator, the stand-in, a fresh database, `count` replicas and the balancer. */
export async function startReplicas(options: ReplicaOptions): Promise<Replicas> {
  const dir = mkdtempSync(join(tmpdir(), 'patchbot-replicas-'));
  const sim = await startFleetSimulator({ port: 0, seed: 1, timing: { pendingMs: 30, runMs: 300 }, ...options.sim });
  const slack = await startSlackStandIn({ signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
  const db = await freshDatabase();
  const proxy = await RoundRobinProxy.start();
  slack.setBotEventsUrl(proxy.url('/slack/events'));
  const configPath = join(dir, 'patchbot.yml');
  const configText = demoConfigText(options.schedules ?? 'off');
  writeFileSync(configPath, configText);
  if (options.primed) await firstLooks(sim, slack, db.url);

  const env = botEnv({
    slackApiUrl: slack.apiUrl,
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    awsEndpoint: sim.url,
    configPath,
    database: { url: db.url },
  });
  const bots: BotProcess[] = [];
  const add = async () => {
    const bot = await startBotProcess(String.fromCharCode(65 + bots.length), env, dir);
    bots.push(bot);
    proxy.add({ name: bot.name, port: bot.port });
    return bot;
  };
  // One after the other: the first leads, and the log says who started when.
  for (let i = 0; i < options.count; i++) await add();
  const store = await openStore({ backend: 'postgres', url: db.url, logger: silentLogger() });

  const roles = async () => {
    const live = bots.filter((b) => b.alive());
    const said = await Promise.all(live.map((b) => b.health()));
    return Object.fromEntries(live.map((b, i) => [b.name, said[i]!.role]));
  };
  return {
    sim,
    slack,
    proxy,
    bots,
    store,
    add,
    roles,
    async leader(timeoutMs = 20_000) {
      let found: BotProcess | undefined;
      await waitFor(
        async () => {
          const now = await roles();
          found = bots.find((b) => now[b.name] === 'leader');
          return found !== undefined;
        },
        timeoutMs,
        'a replica that leads',
        100,
      );
      return found!;
    },
    async close() {
      await Promise.all(bots.map((b) => b.kill()));
      await store.close();
      await proxy.close();
      await slack.close();
      await sim.close();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The first window and compliance polls, run once by a bot in this process on the replicas' database. */
async function firstLooks(sim: FleetSimulator, slack: SlackStandIn, url: string): Promise<void> {
  const bot = await startBot({
    // Schedules off: this bot only looks once, and posts nothing of its own.
    config: parseConfigText(demoConfigText('off'), 'patchbot.yml', {}),
    slack: {
      mode: 'http',
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      appToken: undefined,
      apiUrl: slack.apiUrl,
    },
    database: { backend: 'postgres', url },
    port: 0,
    host: '127.0.0.1',
    logger: silentLogger(),
    aws: { endpoint: sim.url, credentials: SANDBOX_CREDENTIALS, maxAttempts: 3, rateLimit: ROOMY_RATE_LIMIT },
  });
  try {
    await bot.runJob('window-poll');
    await bot.runJob('compliance-poll');
  } finally {
    await bot.stop();
  }
}
