/**
 * patchbot (the same startBot as production) in its own process, for the benchmark: its peak RSS
 * and its event loop are its own. Requests on stdin: `{"job": name}` runs a job and answers when done; `{"loop": ...}` resets or reads its event-loop figures.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBot } from '../../src/bot';
import pino from 'pino';
import { createLogger, silentLogger } from '../../src/logger';
import { serveParent } from './child';
import { demoConfigQuiet, digestConfig, fleetConfig } from './fleet-config';
import { answerLoopRequest, startLoopMonitor } from './loop-monitor';
import { orgConfig, type RateLimit } from './org-config';

/** What the parent passes. */
export interface BotProcessOptions {
  config: 'demo' | 'fleet' | 'digest' | 'org';
  /** Channels (and groups) of the digest config. */
  digestChannels?: number;
  /** The org config's client-side request budget per account and region (none when absent). */
  orgRateLimit?: RateLimit;
  /** Logs at this level to stderr (stdout carries the answers to the parent); none when absent. */
  logLevel?: string;
  /** The state file, to share one between two bots; a fresh one in a temporary folder when absent. */
  dbPath?: string;
  signingSecret: string;
  botToken: string;
  slackApiUrl: string;
  awsEndpoint: string;
  accessKeyId: string;
}

async function main(): Promise<void> {
  const o = JSON.parse(process.argv[2] ?? '{}') as BotProcessOptions;
  const bot = await startBot({
    config:
      o.config === 'fleet'
        ? fleetConfig()
        : o.config === 'digest'
          ? digestConfig(o.digestChannels ?? 30)
          : o.config === 'org'
            ? orgConfig(o.orgRateLimit)
            : demoConfigQuiet(),
    slack: {
      mode: 'http',
      botToken: o.botToken,
      signingSecret: o.signingSecret,
      appToken: undefined,
      apiUrl: o.slackApiUrl,
    },
    dbPath: o.dbPath ?? join(mkdtempSync(join(tmpdir(), 'patchbot-bench-')), 'patchbot.db'),
    port: 0,
    host: '127.0.0.1',
    logger: o.logLevel ? createLogger({ level: o.logLevel, destination: pino.destination(2) }) : silentLogger(),
    aws: { endpoint: o.awsEndpoint, credentials: { accessKeyId: o.accessKeyId, secretAccessKey: 'sandbox' } },
  });
  const loop = startLoopMonitor();
  serveParent(
    { port: bot.port },
    async (message) => {
      const answer = answerLoopRequest(loop, message);
      if (answer) return answer;
      if (typeof message.job === 'string') await bot.runJob(message.job);
      return { ok: true };
    },
    () => bot.stop(),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bot process failed: ${String(err)}\n`);
  process.exit(1);
});
