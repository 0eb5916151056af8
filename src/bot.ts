/**
 * The whole bot, wired: store → AWS gateways → patching services → Slack app → operation tracker.
 * main.ts, the demo and the end-to-end tests all start it through here, so they run one code path.
 */
import { createFleet, S3ObjectWriter, type ClientOptions } from './aws';
import { systemClock, type Clock } from './clock';
import { DEFAULT_SQLITE_PATH, type PatchbotConfig, type SlackEnv } from './config';
import type { Logger } from './logger';
import { OperationTracker, PatchService } from './patching';
import { onItsCard, replanRequest, scanFirstRequest, type CardRequestDeps } from './patching/card-requests';
import { exportAudit } from './patching/audit-export';
import { retryRequest } from './patching/retry-failed';
import { cancelUnseen } from './patching/unseen';
import { RecentReads } from './patching/recent-reads';
import { createPatchJobs } from './jobs/patch-jobs';
import { JobScheduler } from './jobs/scheduler';
import { Leadership, type LeaseTiming, type Role } from './jobs/leadership';
import type { ActionServices } from './slack/actions';
import type { OverrideServices } from './slack/override-actions';
import { resolveConfigChannels } from './slack/channel-names';
import { SlackNoticePoster } from './slack/notice-poster';
import { ChannelPoster } from './slack/poster';
import { SLACK_FIRST_MAX_WAIT_MS, SlackFirst } from './shared/slack-first';
import { TurnBudget } from './shared/turn-budget';
import { createSlackApp } from './slack/app';
import { SlackOperationPublisher } from './slack/publisher';
import { said, user } from './sentence';
import { PatchbotError } from './errors';
import { InFlight } from './shared/in-flight';
import { openStore, type DatabaseTarget, type Operation, type Store } from './store';
import { PgAdvisoryLease } from './store/pg-lease';
import { OperationsListener } from './store/pg-notify';
import type { PgConnection } from './store/pg-session';
import { ping } from './store/ping';
import { refreshingPoster, refreshingPublisher } from './slack/home-hooks';
import type { CommandServices } from '../commands/command';

/** What the bot needs to start. */
export interface BotOptions {
  config: PatchbotConfig;
  slack: SlackEnv;
  /** The state database from the configuration (PATCHBOT_DB or PATCHBOT_DATABASE_URL). */
  database?: DatabaseTarget;
  /** A SQLite file, when `database` is not given (tests and tools). */
  dbPath?: string;
  port: number;
  host: string;
  logger: Logger;
  clock?: Clock;
  /** Endpoint and credentials for the sandbox and tests; production leaves them to the SDK. */
  aws?: ClientOptions;
  /** How often running operations are polled (default 3 s). */
  pollIntervalMs?: number;
  /** The work lease's timing (default 15 s, renewed every 5 s) and, for tests, this process's holder id. */
  lease?: LeaseTiming & { holder?: string };
  /** What AWS requests wait behind (default: Slack's open requests, at most SLACK_FIRST_MAX_WAIT_MS). */
  slackFirst?: SlackFirst;
}

/** A running bot. */
export interface RunningBot {
  /** The port Slack's requests reach (/slack/events, /health). */
  port: number;
  store: Store;
  /**
   * leader: this process holds the work lease and runs the tracker and the scheduled jobs;
   * follower: another process does, this one serves requests only; stopped.
   */
  readonly role: Role;
  /** Runs a scheduled job now (compliance-poll, window-poll, digest), as its schedule would. */
  runJob(name: string): Promise<void>;
  /**
   * Resolves once every Slack request whose handling has begun is done with (its listeners, and the
   * work after the acknowledgement) and then, on the leader, a tracking pass has run: whatever those
   * requests set going has been acted on. Tests wait for it before asserting that nothing (more) happened.
   */
  idle(): Promise<void>;
  /** Stops taking requests, stops tracking, closes AWS clients and the state file. */
  stop(): Promise<void>;
}

/**
 * Starts patchbot; unfinished operations from a previous run resume at once. With another patchbot
 * on the same state file, the one holding the work lease tracks operations and runs the jobs; this
 * one serves requests and takes over when that lease expires (src/jobs/leadership.ts).
 */
export async function startBot(options: BotOptions): Promise<RunningBot> {
  const clock = options.clock ?? systemClock;
  const { logger } = options;
  // Channel names in patchbot.yml become ids before anything posts: chat.update and the cards' buttons take ids only.
  const { botToken, apiUrl } = options.slack;
  const resolved = botToken ? await resolveConfigChannels(options.config, { botToken, apiUrl }, logger) : undefined;
  const config = resolved?.config ?? options.config;
  const target = options.database ?? { backend: 'sqlite', path: options.dbPath ?? DEFAULT_SQLITE_PATH };
  // Slack's acknowledgements go before AWS requests: the receivers mark them, every AWS client waits on them.
  const slackFirst = options.slackFirst ?? new SlackFirst(SLACK_FIRST_MAX_WAIT_MS);
  // And before the parsing of answers already on their way: the store's pages and the AWS readers share these turns.
  const turns = new TurnBudget({ slackFirst });
  const store = await openStore(
    target.backend === 'postgres'
      ? { backend: 'postgres', url: target.url, ...(target.ssl ? { ssl: target.ssl } : {}), logger, clock, turns }
      : { path: target.path, logger, clock, turns },
  );
  const fleet = createFleet(config.aws.scopes, logger, { ...options.aws, slackFirst, turns });
  // Only the process holding the work lease sends: a follower records approved changes and the leader's tracker sends them,
  // so two processes never race on one send (a follower's send could not be told from a dead process's).
  let isLeader = (): boolean => false;
  // One minute's group reads, shared by the poll, the digest, /patch status and finished changes (which forget theirs).
  const recent = new RecentReads(clock);
  const service = new PatchService({
    store,
    gateways: fleet.gateways,
    groups: config.groups,
    clock,
    logger,
    recent,
    mayActNow: () => isLeader(),
    objects: new S3ObjectWriter(fleet.pool, logger),
  });
  let tracker: OperationTracker | undefined;
  const services: CommandServices = {
    status: (group) => service.status(group),
    baselines: (group) => service.baselines(group),
    windows: (group) => service.windows(group),
    history: (input) => service.history(input),
    groupDays: (groups, fromDay, toDay) => store.complianceHistory.groupDays(groups, fromDay, toDay),
    instance: (input) => service.instance(input.query, input.groups),
    auditExport: (input) => exportAudit({ store, clock }, input),
    operationId: (typed) => service.operationId(typed),
    now: () => clock.now(),
    startScan: (input) => tracked(changing(() => service.startScan(input))),
    requestInstall: (input) => tracked(changing(() => service.requestInstall(input))),
    requestReboot: (input) => tracked(changing(() => service.requestReboot(input))),
    requestPromote: (input) => tracked(changing(() => service.requestPromote(input))),
    cancel: (input) => tracked(service.cancel(input, slack.authorizer)),
    postDigest: (channel) => jobs.postDigest(channel),
    findChannel: async (ref) => (resolved ? resolved.directory.find(ref) : { id: ref }),
  };
  // The card buttons' rules (own card only, operators only) are the domain's; slack is created below, so its authorizer is reached lazily.
  const cards: CardRequestDeps = {
    store,
    groups: config.groups,
    authorizer: { isAnyOf: (u, p) => slack.authorizer.isAnyOf(u, p) },
    logger,
  };
  const actions: ActionServices = {
    decide: async (input) => {
      const { result, send } = await changing(() => service.recordDecision(input, slack.authorizer));
      if (!send) {
        if (result.op) tracker?.track(result.op.id);
        return { result };
      }
      return {
        result,
        send: async () => {
          const sent = await send();
          if (sent.op) tracker?.track(sent.op.id);
          return sent;
        },
      };
    },
    scanFirst: async (click) => {
      const request = await scanFirstRequest(cards, click);
      return tracked(changing(() => service.startScan(request)));
    },
    replan: async (click) => {
      const next = await replanRequest(cards, click);
      return tracked(
        changing(() =>
          next.kind === 'install' ? service.requestInstall(next.request) : service.requestReboot(next.request),
        ),
      );
    },
    retryFailed: async (click) => {
      const next = await retryRequest(cards, click);
      return tracked(
        changing(() =>
          next.kind === 'install' ? service.requestInstall(next.request) : service.requestReboot(next.request),
        ),
      );
    },
    home: async (userId, notice) => {
      await slack.home?.tab.publish(userId, notice);
    },
    acted: async (userId) => {
      await slack.home?.refresher.acted(userId);
    },
    describe: async (operationId, origin) => {
      const op = await onItsCard(cards, operationId, origin);
      return op ? said`${op.kind} on ${op.group}, requested by ${user(op.requestedBy)} (${op.id})` : undefined;
    },
  };
  const overrides: OverrideServices = {
    confirm: async (input) => {
      const result = await changing(() => service.confirmOverride(input, slack.authorizer));
      // A granted override is sent (and announced) by the leader's tracker at its next pass: wake it now.
      if (result.op) tracker?.track(result.op.id);
      return result;
    },
    describe: (operationId, origin) => actions.describe(operationId, origin),
  };
  /**
   * A new change (or a decision on one) starts only while the state file is still the one opened:
   * one deleted under the bot would lose the change's record at the next start (see Store.checkFile).
   */
  async function changing<T>(start: () => Promise<T>): Promise<T> {
    store.checkFile();
    return start();
  }
  /** Tracks an operation as soon as it exists (on the leader; a follower's leader finds it at its next pass), so its message appears at once rather than at the next poll. */
  async function tracked(pending: Promise<Operation>): Promise<Operation> {
    const op = await pending;
    tracker?.track(op.id);
    return op;
  }
  let roleNow = (): Role => 'stopped';
  const slack = createSlackApp({
    slack: options.slack,
    config,
    services,
    actions,
    overrides,
    clock,
    logger,
    replayLog: store.seenRequests,
    health: { ping: () => ping(store.kysely), role: () => roleNow(), backend: store.backend },
    home: { store, groups: config.groups, clock },
    slackFirst,
  });
  // Opened Homes follow operations and polls (throttled per user in home-refresh.ts).
  const homeRefresher = slack.home?.refresher ?? { changed: () => undefined };
  // Every request that passed the request guard counts until its listeners are done: what idle() waits for.
  const requests = new InFlight();
  slack.app.use(({ next }) => requests.run(next));
  const jobs = createPatchJobs({
    config,
    store,
    gateways: fleet.gateways,
    poster: refreshingPoster(new SlackNoticePoster(new ChannelPoster(slack.client, logger), logger), homeRefresher),
    clock,
    logger,
    recent,
  });
  const scheduler = new JobScheduler(jobs.jobs, logger);
  tracker = new OperationTracker({
    store,
    gateways: fleet.gateways,
    groups: config.groups,
    clock,
    logger,
    recent,
    runner: service.runner,
    // A card Slack refuses (bot not in the channel, archived...) cancels a change nobody could approve; the requester is told.
    publisher: refreshingPublisher(
      new SlackOperationPublisher(slack.client, clock, logger, slack.names, {
        onCardRefused: (op, reason) => cancelUnseen({ store, clock }, op, reason),
      }),
      homeRefresher,
    ),
    updateIntervalMs: config.slack.updateIntervalMs,
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
  });
  const work = tracker;
  const { lease, listener } = leaderSessions(store, options, work);
  const leadership = new Leadership({
    lease,
    clock,
    logger,
    ...options.lease,
    // Resuming is what a restart does: approved ops sent, interrupted sends looked up, running ones polled.
    onGained: async () => {
      await work.start();
      scheduler.start();
      await listener?.start();
    },
    onLost: async () => {
      await listener?.stop();
      await scheduler.stop();
      await work.stop();
    },
  });
  isLeader = () => leadership.role === 'leader';
  roleNow = () => leadership.role;
  try {
    const { port } = await slack.start(options.port, options.host);
    await leadership.start();
    logger.info(
      { port, mode: options.slack.mode, groups: config.groups.map((g) => g.name), role: leadership.role },
      'patchbot is listening',
    );
    return {
      port,
      store,
      get role() {
        return leadership.role;
      },
      runJob: (name) => scheduler.runNow(name),
      async idle() {
        await requests.idle();
        await work.nextPass();
      },
      async stop() {
        await slack.stop();
        await leadership.stop();
        await closeLease(lease);
        fleet.close();
        await store.close();
      },
    };
  } catch (err) {
    await leadership.stop();
    await closeLease(lease);
    await scheduler.stop();
    await tracker.stop();
    fleet.close();
    await store.close();
    throw err;
  }
}

/**
 * The work lease and, on PostgreSQL, the listener that wakes the leader's tracker when an operation
 * changes on any replica (an approval clicked on a follower is picked up within milliseconds of its
 * NOTIFY, not at the next poll). SQLite has one process's file, hence its lease row and no listener.
 */
function leaderSessions(
  store: Store,
  options: BotOptions,
  tracker: OperationTracker,
): { lease: Store['lease'] | PgAdvisoryLease; listener: OperationsListener | undefined } {
  if (store.backend !== 'postgres') return { lease: store.lease, listener: undefined };
  const target = options.database;
  // The store opened PostgreSQL, so the configuration named it; the lock and the listener use the same server.
  if (target?.backend !== 'postgres')
    throw new PatchbotError('INTERNAL', 'a PostgreSQL store without a PostgreSQL database target');
  const connection: PgConnection = { url: target.url, ...(target.ssl ? { ssl: target.ssl } : {}) };
  const { logger } = options;
  return {
    lease: new PgAdvisoryLease({ connection, clock: options.clock ?? systemClock, logger }),
    listener: new OperationsListener({ connection, logger, onChange: () => tracker.wake() }),
  };
}

/** Ends the PostgreSQL lease's session (the SQLite lease has none). */
async function closeLease(lease: Store['lease'] | PgAdvisoryLease): Promise<void> {
  if (lease instanceof PgAdvisoryLease) await lease.close();
}
