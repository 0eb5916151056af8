/**
 * The real bot in a child process, as production runs it: `node --import tsx src/main.ts`,
 * configured only through its environment, its log in a file. Shared by the fault cases, the
 * replica tests and the benchmark, so they all start patchbot the same way. Everything binds
 * 127.0.0.1; `killAllBots` kills every child still running (for exit paths).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The repository's root (this file is scripts/support/, compiled or not). */
export const ROOT = join(__dirname, '..', '..', ...(__dirname.includes('dist-bench') ? ['..'] : []));
const HOST = '127.0.0.1';

/** Every bot child process started here, so an exit path can kill them all. */
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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What a bot's /health said. */
export interface BotHealth {
  status: number;
  role?: 'leader' | 'follower' | 'stopped';
  backend?: 'sqlite' | 'postgres';
}

/** A bot child process. */
export interface BotProcess {
  name: string;
  pid: number;
  port: number;
  eventsUrl: string;
  logPath: string;
  child: ChildProcess;
  /** Whether it is still running. */
  alive(): boolean;
  /** Its /health answer now (status 0 when it does not answer). */
  health(): Promise<BotHealth>;
  /** SIGKILL: no shutdown code runs. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after 5 s. */
  stop(): Promise<void>;
}

/** Where the bot's Slack, AWS, config and state are: the environment a deployment would give it. */
export interface BotEnvironment {
  slackApiUrl: string;
  signingSecret: string;
  botToken: string;
  awsEndpoint: string;
  configPath: string;
  /** A SQLite state file, or a PostgreSQL URL. */
  database: { path: string } | { url: string };
  logLevel?: string;
}

/** The environment variables of `where`, as the README documents them. */
export function botEnv(where: BotEnvironment): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    SLACK_BOT_TOKEN: where.botToken,
    SLACK_SIGNING_SECRET: where.signingSecret,
    SLACK_API_URL: where.slackApiUrl,
    AWS_ENDPOINT_URL: where.awsEndpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'SANDBOXPATCHBOTKEY01',
    AWS_SECRET_ACCESS_KEY: 'sandbox',
    AWS_EC2_METADATA_DISABLED: 'true',
    PATCHBOT_CONFIG: where.configPath,
    ...('url' in where.database ? { PATCHBOT_DATABASE_URL: where.database.url } : { PATCHBOT_DB: where.database.path }),
    HOST,
    LOG_LEVEL: where.logLevel ?? 'info',
  };
}

/** Starts the bot `name` with `env` (its log in `logDir`) and waits until its /health answers 200. */
export async function startBotProcess(
  name: string,
  env: NodeJS.ProcessEnv,
  logDir: string,
  readyTimeoutMs = 30_000,
): Promise<BotProcess> {
  const port = await freePort();
  const logPath = join(logDir, `${name}.log`);
  const log = createWriteStream(logPath);
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts')], {
    cwd: ROOT,
    env: { ...env, PORT: String(port), HOST },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  LIVE.add(child);
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  child.once('exit', () => {
    LIVE.delete(child);
    log.end();
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  const exited = () => new Promise<void>((resolve) => (alive() ? child.once('exit', () => resolve()) : resolve()));
  const bot: BotProcess = {
    name,
    pid: child.pid ?? -1,
    port,
    eventsUrl: `http://${HOST}:${port}/slack/events`,
    logPath,
    child,
    alive,
    async health() {
      try {
        const r = await fetch(`http://${HOST}:${port}/health`, { signal: AbortSignal.timeout(2000) });
        const body = (await r.json().catch(() => ({}))) as Omit<BotHealth, 'status'>;
        return { status: r.status, role: body.role, backend: body.backend };
      } catch {
        return { status: 0 };
      }
    },
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
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (!alive()) throw new Error(`${name} exited during start-up (code ${child.exitCode}); log: ${logPath}`);
    if ((await bot.health()).status === 200) return bot;
    if (Date.now() >= deadline) {
      await bot.kill();
      throw new Error(`${name} did not answer /health within ${readyTimeoutMs} ms; log: ${logPath}`);
    }
    await sleep(100);
  }
}
