/**
 * patchbot as the replica section runs it: `count` real bot processes (scripts/support's
 * startBotProcess, as production starts it) on one database, SQLite file or PostgreSQL URL, always
 * behind the round-robin balancer, so one replica and three pay the same extra hop. The simulator
 * runs in a child process of its own, the Slack stand-in in the benchmark's process.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSlackStandIn, type SlackStandIn } from '../../packages/sandbox/src/slack';
import { botEnv, startBotProcess, type BotProcess } from '../support/bot-process';
import { demoConfigText } from '../support/demo-config';
import { RoundRobinProxy } from '../support/round-robin';
import { startRemoteSimulator, type RemoteSimulator } from './remote-simulator';

/** The signing secret the stand-in signs with and the replicas check. */
export const FRONT_SIGNING_SECRET = 'bench-replicas-signing-secret';
const BOT_TOKEN = 'xoxb-bench-replicas';

/** Replicas, their balancer and the stand-ins they talk to. */
export interface ReplicaFront {
  sim: RemoteSimulator;
  slack: SlackStandIn;
  proxy: RoundRobinProxy;
  bots: BotProcess[];
  /** The replica that says it leads (waits up to 20 s for one). */
  leader(): Promise<BotProcess>;
  /** Stops everything; the replicas' logs are kept when `keepLogs` (after a failure), else removed. */
  close(keepLogs: boolean): Promise<void>;
}

/** Starts the simulator, the stand-in, the balancer and `count` replicas on `database`, one after the other. */
export async function startReplicaFront(options: {
  count: number;
  /** A fresh PostgreSQL database, or a SQLite file in the front's own directory. */
  database: { url: string } | 'sqlite';
  awsLatencyMs: number;
}): Promise<ReplicaFront> {
  const dir = mkdtempSync(join(tmpdir(), 'patchbot-bench-replicas-'));
  const parts: { close(): Promise<unknown> }[] = [];
  const bots: BotProcess[] = [];
  const close = async (keepLogs: boolean) => {
    await Promise.all(bots.map((b) => b.stop()));
    for (const part of parts.reverse()) await part.close();
    if (!keepLogs) rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Commands and installs take the simulator's 30 ms pending and 300 ms per instance, as in the replica tests.
    const sim = await startRemoteSimulator({
      seed: 1,
      latencyMs: options.awsLatencyMs,
      timing: { pendingMs: 30, runMs: 300 },
    });
    parts.push(sim);
    const slack = await startSlackStandIn({ signingSecret: FRONT_SIGNING_SECRET, botToken: BOT_TOKEN });
    parts.push(slack);
    const proxy = await RoundRobinProxy.start();
    parts.push(proxy);
    slack.setBotEventsUrl(proxy.url('/slack/events'));
    const configPath = join(dir, 'patchbot.yml');
    writeFileSync(configPath, demoConfigText('off'));
    const database = options.database === 'sqlite' ? { path: join(dir, 'patchbot.db') } : options.database;
    const env = botEnv({
      slackApiUrl: slack.apiUrl,
      signingSecret: FRONT_SIGNING_SECRET,
      botToken: BOT_TOKEN,
      awsEndpoint: sim.url,
      configPath,
      database,
      logLevel: 'warn',
    });
    for (let i = 0; i < options.count; i++) {
      const bot = await startBotProcess(String.fromCharCode(65 + i), env, dir);
      bots.push(bot);
      proxy.add({ name: bot.name, port: bot.port });
    }
    return { sim, slack, proxy, bots, leader: () => leaderOf(bots), close };
  } catch (err) {
    await close(true);
    throw new Error(`replicas did not start (logs in ${dir}): ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The replica whose /health says it leads, asked every 100 ms for up to 20 s. */
async function leaderOf(bots: readonly BotProcess[]): Promise<BotProcess> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const roles = await Promise.all(bots.map((b) => b.health()));
    const found = bots.find((_, i) => roles[i]!.role === 'leader');
    if (found) return found;
    if (Date.now() >= deadline) throw new Error(`no replica leads after 20 s (${roles.map((r) => r.role).join(', ')})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
