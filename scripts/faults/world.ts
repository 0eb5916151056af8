/**
 * One fault case's world: the AWS fleet simulator and the Slack stand-in in this process, the real
 * bot (`node --import tsx src/main.ts`, configured only through its environment) in child
 * processes on one state file. Everything binds 127.0.0.1; every child is killed on close.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse, stringify } from 'yaml';
import { startFleetSimulator, type FleetSimulator, type SimulatorOptions } from '@patchbot/sandbox/aws';
import { startSlackStandIn, type SlackStandIn } from '@patchbot/sandbox/slack';
import { TcpProxy } from './proxy';

export const ROOT = join(__dirname, '..', '..');
const SIGNING_SECRET = 'faults-signing-secret';
const BOT_TOKEN = 'xoxb-faults';
const HOST = '127.0.0.1';

/** Every bot child process started by any world, so an exit path can kill them all. */
const LIVE = new Set<ChildProcess>();

/** Kills every bot child still running (by its own pid). */
export function killAllBots(): void {
  for (const child of LIVE) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  LIVE.clear();
}

/** A free port on 127.0.0.1 (bound, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

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

/** A bot child process. */
export interface BotProcess {
  name: string;
  pid: number;
  port: number;
  eventsUrl: string;
  child: ChildProcess;
  /** Whether it is still running. */
  alive(): boolean;
  /** SIGKILL: no shutdown code runs. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after 5 s. */
  stop(): Promise<void>;
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
    writeFileSync(this.configPath, quietConfig());
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
    const port = await freePort();
    const name = `bot${++this.started}`;
    const log = createWriteStream(join(this.dir, `${name}.log`));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: `http://${HOST}:${this.slackProxy.port}/api/`,
      AWS_ENDPOINT_URL: this.sim.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'SANDBOXPATCHBOTKEY01',
      AWS_SECRET_ACCESS_KEY: 'sandbox',
      AWS_EC2_METADATA_DISABLED: 'true',
      PATCHBOT_CONFIG: this.configPath,
      PATCHBOT_DB: this.dbPath,
      PORT: String(port),
      HOST,
      LOG_LEVEL: this.options.logLevel ?? 'info',
    };
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    LIVE.add(child);
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.once('exit', () => {
      LIVE.delete(child);
      log.end();
    });
    const eventsUrl = `http://${HOST}:${port}/slack/events`;
    const alive = () => child.exitCode === null && child.signalCode === null;
    const exited = () => new Promise<void>((resolve) => (alive() ? child.once('exit', () => resolve()) : resolve()));
    const bot: BotProcess = {
      name,
      pid: child.pid ?? -1,
      port,
      eventsUrl,
      child,
      alive,
      async kill() {
        if (alive()) child.kill('SIGKILL');
        await exited();
      },
      async stop() {
        if (!alive()) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => alive() && child.kill('SIGKILL'), 5000);
        await exited();
        clearTimeout(timer);
      },
    };
    this.bots.push(bot);
    const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
    while (Date.now() < deadline) {
      if (!alive())
        throw new Error(
          `${name} exited during start-up (code ${child.exitCode}); log: ${join(this.dir, `${name}.log`)}`,
        );
      try {
        const r = await fetch(`http://${HOST}:${port}/health`, { signal: AbortSignal.timeout(1000) });
        if (r.ok) break;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    if (Date.now() >= deadline) {
      await bot.kill();
      throw new Error(
        `${name} did not answer /health within ${options.readyTimeoutMs ?? 30_000} ms; log: ${join(this.dir, `${name}.log`)}`,
      );
    }
    if (options.route !== false) this.slack.setBotEventsUrl(eventsUrl);
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

/** The demo's patchbot.yml with every schedule off (the harness decides what happens). */
function quietConfig(): string {
  const doc = parse(readFileSync(join(ROOT, 'scripts', 'demo.patchbot.yml'), 'utf8')) as Record<
    string,
    Record<string, unknown>
  >;
  doc.schedules = {
    timezone: 'UTC',
    compliancePoll: { cron: '* * * * *', enabled: false },
    windowPoll: { cron: '* * * * *', enabled: false },
    digest: { cron: '0 8 * * 1-5', enabled: false },
  };
  return stringify(doc);
}
