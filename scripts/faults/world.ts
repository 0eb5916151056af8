/**
 * One fault case's world: the AWS fleet simulator and the Slack stand-in in this process, the real
 * bot (`node --import tsx src/main.ts`, configured only through its environment) in child
 * processes on one state file. Everything binds 127.0.0.1; every child is killed on close.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startFleetSimulator, type FleetSimulator, type SimulatorOptions } from '@patchbot/sandbox/aws';
import { startSlackStandIn, type SlackStandIn } from '@patchbot/sandbox/slack';
import { botEnv, startBotProcess, type BotProcess } from '../support/bot-process';
import { demoConfigText } from '../support/demo-config';
import { TcpProxy } from './proxy';

export { ROOT, freePort, killAllBots, type BotProcess } from '../support/bot-process';
const SIGNING_SECRET = 'faults-signing-secret';
const BOT_TOKEN = 'xoxb-faults';
const HOST = '127.0.0.1';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every `everyMs` until it returns a truthy value or `timeoutMs` passes (then undefined). */
export async function until<T>(
  probe: () => T | undefined | null | false,
  timeoutMs: number,
  everyMs = 20,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() >= deadline) return undefined;
    await sleep(everyMs);
  }
}

/** Options of a world. */
export interface WorldOptions {
  /** Simulator options (timings); seed 1 by default. */
  sim?: SimulatorOptions;
  /** Bot log level (default info). */
  logLevel?: string;
}

/** A case's world. */
export class World {
  readonly dir: string;
  readonly dbPath: string;
  readonly configPath: string;
  readonly bots: BotProcess[] = [];
  private started = 0;
  private closed = false;

  private constructor(
    public sim: FleetSimulator,
    readonly slack: SlackStandIn,
    /** What the bot's SLACK_API_URL points at: a pass-through to the stand-in that can be taken down. */
    readonly slackProxy: TcpProxy,
    private readonly options: WorldOptions,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'patchbot-faults-'));
    this.dbPath = join(this.dir, 'patchbot.db');
    this.configPath = join(this.dir, 'patchbot.yml');
    writeFileSync(this.configPath, demoConfigText('off'));
  }

  static async start(options: WorldOptions = {}): Promise<World> {
    const sim = await startFleetSimulator({ port: 0, seed: 1, timing: { pendingMs: 100, runMs: 700 }, ...options.sim });
    const slack = await startSlackStandIn({ port: 0, signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
    const slackProxy = await TcpProxy.start(Number(new URL(slack.url).port));
    return new World(sim, slack, slackProxy, options);
  }

  /** Starts a bot process on the world's state file and waits for its /health; points the stand-in at it unless `route` is false. */
  async startBot(options: { route?: boolean; readyTimeoutMs?: number } = {}): Promise<BotProcess> {
    // A case that timed out may still be running: it must not start bots after its world is gone.
    if (this.closed) throw new Error('the case world is closed');
    const env = botEnv({
      slackApiUrl: `http://${HOST}:${this.slackProxy.port}/api/`,
      signingSecret: SIGNING_SECRET,
      botToken: BOT_TOKEN,
      awsEndpoint: this.sim.url,
      configPath: this.configPath,
      database: { path: this.dbPath },
      ...(this.options.logLevel ? { logLevel: this.options.logLevel } : {}),
    });
    const bot = await startBotProcess(`bot${++this.started}`, env, this.dir, options.readyTimeoutMs);
    this.bots.push(bot);
    if (options.route !== false) this.slack.setBotEventsUrl(bot.eventsUrl);
    return bot;
  }

  /** An operation's row as the state file holds it now (read-only; undefined when none). */
  operations(): Array<{ id: string; kind: string; status: string; group: string; messageTs: string | null }> {
    let db: Database.Database | undefined;
    try {
      db = new Database(this.dbPath, { readonly: true, fileMustExist: true });
      db.pragma('busy_timeout = 2000');
      const rows = db
        .prepare(
          'SELECT id, kind, status, group_name AS "group", message_ts AS messageTs FROM operations ORDER BY created_at',
        )
        .all();
      return rows as Array<{ id: string; kind: string; status: string; group: string; messageTs: string | null }>;
    } catch {
      return [];
    } finally {
      db?.close();
    }
  }

  /** Kills every bot, stops the stand-ins, removes the temp directory unless `keep`. */
  async close(keep = false): Promise<void> {
    this.closed = true;
    await Promise.all(this.bots.map((b) => b.kill()));
    await this.slackProxy.close().catch(() => undefined);
    await this.slack.close().catch(() => undefined);
    await this.sim.close().catch(() => undefined);
    if (!keep) rmSync(this.dir, { recursive: true, force: true });
  }
}
