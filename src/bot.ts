/**
 * The whole bot, wired: store → AWS gateways → patching services → Slack app → operation tracker.
 * main.ts, the demo and the end-to-end tests all start it through here, so they run one code path.
 */
import { createFleet, type ClientOptions } from './aws';
import { systemClock, type Clock } from './clock';
import type { PatchbotConfig, SlackEnv } from './config';
import type { Logger } from './logger';
import { OperationTracker, PatchService } from './patching';
import { createSlackApp } from './slack/app';
import { SlackOperationPublisher } from './slack/publisher';
import { openDatabase, type Store } from './store';
import type { CommandServices } from '../commands/types';

/** What the bot needs to start. */
export interface BotOptions {
  config: PatchbotConfig;
  slack: SlackEnv;
  dbPath: string;
  port: number;
  host: string;
  logger: Logger;
  clock?: Clock;
  /** Endpoint and credentials for the sandbox and tests; production leaves them to the SDK. */
  aws?: ClientOptions;
  /** How often running operations are polled (default 3 s). */
  pollIntervalMs?: number;
}

/** A running bot. */
export interface RunningBot {
  /** The port Slack's requests reach (/slack/events, /health). */
  port: number;
  store: Store;
  /** Stops taking requests, stops tracking, closes AWS clients and the state file. */
  stop(): Promise<void>;
}

/** Starts patchbot; unfinished operations from a previous run resume at once. */
export async function startBot(options: BotOptions): Promise<RunningBot> {
  const clock = options.clock ?? systemClock;
  const { config, logger } = options;
  const store = openDatabase({ path: options.dbPath, logger, clock });
  const fleet = createFleet(config.aws.scopes, logger, options.aws);
  const service = new PatchService({ store, gateways: fleet.gateways, groups: config.groups, clock, logger });
  let tracker: OperationTracker | undefined;
  const services: CommandServices = {
    status: (group) => service.status(group),
    baselines: (group) => service.baselines(group),
    windows: (group) => service.windows(group),
    history: (input) => service.history(input),
    now: () => clock.now(),
    startScan: async (input) => {
      const op = await service.startScan(input);
      tracker?.track(op.id);
      return op;
    },
  };
  const slack = createSlackApp({ slack: options.slack, config, services, clock, logger });
  tracker = new OperationTracker({
    runner: service.runner,
    publisher: new SlackOperationPublisher(slack.client, logger),
    updateIntervalMs: config.slack.updateIntervalMs,
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
  });
  try {
    const { port } = await slack.start(options.port, options.host);
    await tracker.start();
    logger.info({ port, mode: options.slack.mode, groups: config.groups.map((g) => g.name) }, 'patchbot is listening');
    return {
      port,
      store,
      async stop() {
        await slack.stop();
        await tracker?.stop();
        fleet.close();
        store.close();
      },
    };
  } catch (err) {
    await tracker.stop();
    fleet.close();
    store.close();
    throw err;
  }
}
