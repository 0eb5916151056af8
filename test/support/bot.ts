import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBot, type BotOptions, type RunningBot } from '../../src/bot';
import type { ClientOptions } from '../../src/aws';
import type { Clock } from '../../src/clock';
import { parseConfigText, type PatchbotConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { startFleetSimulator, type FleetSimulator, type SimulatorOptions } from '@patchbot/sandbox/aws';
import { DEMO_IDS, startSlackStandIn, type SlackStandIn, type WorkspaceSeed } from '@patchbot/sandbox/slack';
import { ROOMY_RATE_LIMIT, SANDBOX_CREDENTIALS } from './aws';

export { DEMO_IDS };

/** The demo's config: the simulator's seeded groups and the stand-in's workspace ids. */
export function demoConfig(edit: (text: string) => string = (t) => t): PatchbotConfig {
  const text = readFileSync(join(__dirname, '../../scripts/demo.patchbot.yml'), 'utf8');
  return parseConfigText(edit(text), 'demo.patchbot.yml', {});
}

/** The config with every schedule off. */
function quiet(config: PatchbotConfig): PatchbotConfig {
  const off = (s: PatchbotConfig['schedules']['digest']) => ({ ...s, enabled: false });
  const { schedules } = config;
  return {
    ...config,
    schedules: {
      ...schedules,
      compliancePoll: off(schedules.compliancePoll),
      windowPoll: off(schedules.windowPoll),
      digest: off(schedules.digest),
    },
  };
}

/** A whole patchbot installation on loopback: fleet simulator, Slack stand-in and the real bot. */
export interface Harness {
  sim: FleetSimulator;
  slack: SlackStandIn;
  bot: RunningBot;
  config: PatchbotConfig;
  dbPath: string;
  /** Starts the bot again on the same state file (after `bot.stop()`), as a restart would. */
  restart(): Promise<RunningBot>;
  /**
   * Starts another bot on the same state file, simulator and workspace while `bot` runs (a second
   * process, as in a rolling restart); Slack's requests keep going to `bot` until `routeTo`.
   */
  startAnother(): Promise<RunningBot>;
  /** Sends Slack's requests (commands, clicks) to `bot` from now on. */
  routeTo(bot: RunningBot): void;
  close(): Promise<void>;
}

/** The signing secret the harness's stand-in signs with and its bot checks. */
export const SIGNING_SECRET = 'e2e-signing-secret';
const BOT_TOKEN = 'xoxb-e2e';
/** The app-level token of a Socket Mode harness. */
export const APP_TOKEN = 'xapp-e2e';

/** Starts everything; options tune the simulator and the bot's polling. */
export async function startHarness(
  options: {
    sim?: SimulatorOptions;
    config?: PatchbotConfig;
    clock?: Clock;
    aws?: Partial<ClientOptions>;
    workspace?: WorkspaceSeed;
    lease?: BotOptions['lease'];
    /** `socket`: the stand-in and the bot speak Socket Mode (the driver delivers over the bot's socket); `http` by default. */
    slackMode?: 'http' | 'socket';
    logger?: BotOptions['logger'];
    /** The state database (e.g. PostgreSQL); a fresh SQLite file at `dbPath` by default. */
    database?: BotOptions['database'];
    /** What the bot's AWS requests wait behind; the bot's own by default. */
    slackFirst?: BotOptions['slackFirst'];
  } = {},
): Promise<Harness> {
  const sim = await startFleetSimulator({ port: 0, seed: 1, timing: { pendingMs: 30, runMs: 120 }, ...options.sim });
  const socketMode = options.slackMode === 'socket';
  const slack = await startSlackStandIn({
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    ...(socketMode ? { appToken: APP_TOKEN } : {}),
    ...(options.workspace ? { workspace: options.workspace } : {}),
  });
  // Tests run jobs themselves (bot.runJob); a cron firing mid-test would post news at random.
  const config = quiet(options.config ?? demoConfig());
  const dbPath = join(mkdtempSync(join(tmpdir(), 'patchbot-e2e-')), 'patchbot.db');
  const others: RunningBot[] = [];
  const launch = async (route = true) => {
    const bot = await startBot({
      config,
      slack: socketMode
        ? { mode: 'socket', botToken: BOT_TOKEN, signingSecret: undefined, appToken: APP_TOKEN, apiUrl: slack.apiUrl }
        : {
            mode: 'http',
            botToken: BOT_TOKEN,
            signingSecret: SIGNING_SECRET,
            appToken: undefined,
            apiUrl: slack.apiUrl,
          },
      dbPath,
      ...(options.database ? { database: options.database } : {}),
      port: 0,
      host: '127.0.0.1',
      logger: options.logger ?? silentLogger(),
      aws: {
        endpoint: sim.url,
        credentials: SANDBOX_CREDENTIALS,
        maxAttempts: 3,
        rateLimit: ROOMY_RATE_LIMIT,
        ...options.aws,
      },
      pollIntervalMs: 100,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.lease ? { lease: options.lease } : {}),
      ...(options.slackFirst ? { slackFirst: options.slackFirst } : {}),
    });
    if (route && !socketMode) slack.setBotEventsUrl(`http://127.0.0.1:${bot.port}/slack/events`);
    return bot;
  };
  const harness: Harness = {
    sim,
    slack,
    bot: await launch(),
    config,
    dbPath,
    async restart() {
      harness.bot = await launch();
      return harness.bot;
    },
    async startAnother() {
      const bot = await launch(false);
      others.push(bot);
      return bot;
    },
    routeTo(bot) {
      slack.setBotEventsUrl(`http://127.0.0.1:${bot.port}/slack/events`);
    },
    async close() {
      for (const other of others) await other.stop().catch(() => undefined);
      await harness.bot.stop().catch(() => undefined);
      await slack.close();
      await sim.close();
    },
  };
  return harness;
}

/**
 * Waits until each bot is idle (`RunningBot.idle`): every request it took has been handled and a
 * tracking pass has run since. The positive signal before asserting that nothing (more) happened.
 */
export async function settled(...bots: RunningBot[]): Promise<void> {
  await Promise.all(bots.map((bot) => bot.idle()));
}

/** Every text in a message's blocks and its fallback, for assertions about what a person reads. */
export function readable(message: { text: string; blocks: unknown[] }): string {
  return `${message.text}\n${JSON.stringify(message.blocks)}`;
}

/** An operation message's fallback text once the operation has ended (not while it runs). */
export const OPERATION_ENDED = /\b(succeeded|finished with problems|failed|was cancelled|was not sent)\b/;

/**
 * Types `/patch <text>` as `userId` (alice by default) in #prd-patching and returns, as JSON text,
 * what the bot answered privately through that command's own response_url (an earlier command's
 * note may still arrive meanwhile, so only this one's are read).
 */
export async function privateAnswer(h: Harness, text: string, userId: string = DEMO_IDS.users.alice): Promise<string> {
  const sent = await h.slack.driver.slashCommand({ userId, channelId: DEMO_IDS.channels.prd, text });
  if (sent.status !== 200) throw new Error(`/patch ${text} was answered with HTTP ${sent.status}`);
  await h.slack.driver.waitForResponse((x) => x.url === sent.responseUrl, 10000);
  return JSON.stringify(h.slack.responses().filter((x) => x.url === sent.responseUrl));
}
