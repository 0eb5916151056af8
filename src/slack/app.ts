import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { App, HTTPModuleFunctions, HTTPReceiver, type SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { dispatch } from '../../commands/dispatch';
import type { CommandServices } from '../../commands/command';
import type { Clock } from '../clock';
import type { PatchbotConfig, SlackEnv } from '../config';
import { ConfigError, RequestRefusedError } from '../errors';
import type { Logger } from '../logger';
import { registerActions, registerShareAction, type ActionServices } from './actions';
import { registerOverrideActions, type OverrideServices } from './override-actions';
import { slackStartError } from './auth-check';
import { SlackAuthorizer } from './authorizer';
import { SlackNameDirectory, type NameDirectory } from './directory';
import { boltLogger } from './bolt-logger';
import { deliver } from './deliver';
import { HEALTH_PATH, Health, type HealthSources, LIVE_PATH } from './health';
import type { HomeDeps } from '../patching/home';
import { HomeTab, registerHome } from './home';
import { HomeRefresher } from './home-refresh';
import { learnInstallation } from './installation';
import { type ReplayLog, RequestGuard, SIGNING_CONTEXT_KEY, type Installation } from './request-guard';
import { type Respond, responseUrlResponder } from './response-url';
import { SocketModeReceiver } from './socket-receiver';
import type { SlackFirst } from '../shared/slack-first';
import { TaskGate } from '../shared/task-gate';
import { HTTP_KEEP_ALIVE_MS, HTTP_STOP_GRACE_MS, WEB_API_TIMEOUT_MS } from './timeouts';
import { errorView } from './views/errors';

/** Commands worked on at once after their acknowledgement; more wait their turn (see TaskGate). */
const COMMANDS_AT_ONCE = 4;

/** What the Slack app needs; everything is injected so tests run the same code as production. */
export interface SlackAppDeps {
  slack: SlackEnv;
  config: PatchbotConfig;
  services: CommandServices;
  /** The approval card's buttons. */
  actions: ActionServices;
  /** The frozen card's break-glass button; absent: not registered. */
  overrides?: OverrideServices;
  clock: Clock;
  logger: Logger;
  /** Where accepted signed requests are remembered beyond this process (the store); memory only when absent. */
  replayLog?: ReplayLog;
  /** What /health reports beside Slack's connection: the database's reachability, the role, the backend. */
  health?: HealthSources;
  /** The App Home's reads (the authorizer is the app's own); absent: no Home. */
  home?: Omit<HomeDeps, 'authorizer'>;
  /** Hears of every Slack request until it is acknowledged, so AWS traffic waits behind it; absent: nobody waits. */
  slackFirst?: SlackFirst;
}

/** The running Slack side: Bolt's app and its Web API client. */
export interface SlackApp {
  app: App;
  client: WebClient;
  /** Operators and approvers, resolved through Slack user groups. */
  authorizer: SlackAuthorizer;
  /** User group handles, for naming groups in messages without notifying them. */
  names: NameDirectory;
  /** The App Home: its publisher and the refresher that keeps opened Homes fresh (when deps.home was given). */
  home: { tab: HomeTab; refresher: HomeRefresher } | undefined;
  /** Listens for Slack (HTTP mode: /slack/events and the health paths on host:port; Socket Mode: connects, and serves the health paths). */
  start(port: number, host: string): Promise<{ port: number }>;
  stop(): Promise<void>;
}

/**
 * Web API retries: a few quick ones, and 429s wait for Retry-After (WebClient does that itself),
 * instead of the default ten retries over half an hour that would hang a command.
 */
const RETRY_CONFIG = { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5000 };
// Each attempt ends after WEB_API_TIMEOUT_MS (timeouts.ts): a hung connection cannot hold a call forever.

/** Builds the Bolt app with the /patch command; acknowledges every request before any AWS call. */
export function createSlackApp(deps: SlackAppDeps): SlackApp {
  const log = deps.logger.child({ subsystem: 'slack' });
  const { slack } = deps;
  if (!slack.botToken) throw new ConfigError('environment', [{ path: 'SLACK_BOT_TOKEN', message: 'missing' }]);
  const common = {
    token: slack.botToken,
    logger: boltLogger(log),
    deferInitialization: true,
    // Bolt's conversation store keeps state in this process's memory and looks it up on every request;
    // patchbot keeps nothing there (its state is the store's, shared by replicas), so it is off.
    convoStore: false as const,
    clientOptions: {
      ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}),
      retryConfig: RETRY_CONFIG,
      timeout: WEB_API_TIMEOUT_MS,
    },
  };
  let healthServer: Server | undefined;
  let eventsServer: Server | undefined;
  let installation: Installation | undefined;
  const guard = new RequestGuard({
    mode: slack.mode,
    installation: () => installation,
    ...(deps.replayLog ? { replayLog: deps.replayLog } : {}),
  });
  // Socket Mode: patchbot's own receiver (socket-receiver.ts), which survives outages and refreshes.
  const socket =
    slack.mode === 'socket'
      ? new SocketModeReceiver({
          appToken: slack.appToken ?? '',
          apiUrl: slack.apiUrl,
          logger: deps.logger,
          ...(deps.slackFirst ? { slackFirst: deps.slackFirst } : {}),
        })
      : undefined;
  // /health is 503 while the database does not answer, or no socket is open: the bot hears nothing then (health.ts).
  const health = new Health(deps.health, () =>
    socket?.connected() === false ? 'socket_mode_disconnected' : undefined,
  );
  const app = socket
    ? new App({ ...common, receiver: socket })
    : new App({
        ...common,
        receiver: new HTTPReceiver({
          signingSecret: slack.signingSecret ?? '',
          logger: common.logger,
          customRoutes: [HEALTH_PATH, LIVE_PATH].map((path) => ({
            path,
            method: ['GET'],
            handler: (req, res) => void health.serve(req, res),
          })),
          // Bolt has checked the signature and refused old timestamps; the guard needs the headers for the rest.
          customPropertiesExtractor: (req) => ({
            [SIGNING_CONTEXT_KEY]: {
              timestamp: req.headers['x-slack-request-timestamp'],
              signature: req.headers['x-slack-signature'],
            },
          }),
          // A refusal answers with its own status at once (not Bolt's 500, nor a 404 after 3 s).
          processEventErrorHandler: async (args) => {
            const refused = refusalOf(args.error);
            if (!refused || args.response.headersSent) return HTTPModuleFunctions.defaultProcessEventErrorHandler(args);
            args.response.writeHead(refused.status);
            args.response.end();
            return true;
          },
        }),
      });
  // Before any listener: the timestamp window both ways, replays, and requests for another workspace or app.
  // Wall-clock time, as Bolt's own signature check and Slack's timestamps use (not the injected clock).
  app.use(async ({ body, context, next }) => {
    try {
      await guard.check({ body, signing: context[SIGNING_CONTEXT_KEY], nowMs: Date.now() });
    } catch (err) {
      const refused = refusalOf(err);
      if (refused)
        log.warn({ reason: refused.reason, status: refused.status, detail: refused.message }, 'Slack request refused');
      throw err;
    }
    await next();
  });
  const authorizer = new SlackAuthorizer(app.client, deps.clock, log);
  const names = new SlackNameDirectory(app.client, deps.clock, log);

  const commandWork = new TaskGate(COMMANDS_AT_ONCE);
  app.command('/patch', async ({ command, ack, client }) => {
    // Ack first, always: Slack shows an error after 3 s, and AWS may be slower than that.
    await ack();
    const requestId = randomUUID().slice(0, 8);
    const reqLog = log.child({ requestId, user: command.user_id, channel: command.channel_id });
    reqLog.info({ text: command.text, waiting: commandWork.waiting }, '/patch');
    const respond = responseUrlResponder(command.response_url);
    await commandWork.run(() => answerCommand(command, respond, client, requestId, reqLog));
  });

  /** Runs a command and delivers its reply; every failure ends as a message to the user. */
  async function answerCommand(
    command: SlashCommand,
    respond: Respond,
    client: WebClient,
    requestId: string,
    reqLog: Logger,
  ): Promise<void> {
    try {
      const reply = await dispatch(commandContext(deps, authorizer, names, command, reqLog), command.text, requestId);
      await deliver(reply, { client, respond, channelId: command.channel_id, userId: command.user_id, logger: reqLog });
    } catch (err) {
      reqLog.error({ err }, 'could not answer /patch');
      await respond({
        response_type: 'ephemeral',
        ...errorView(
          'patchbot could not send its answer to Slack. Try again; if it keeps failing, an operator can look the request up in the bot logs.',
          requestId,
        ),
      }).catch((e: unknown) => reqLog.error({ err: e }, 'could not tell the user either'));
    }
  }

  const home = deps.home ? homeOf(app.client, { ...deps.home, authorizer }, names, deps.logger) : undefined;
  if (home) registerHome(app, home.refresher, log);
  registerActions(app, deps.actions, log, names);
  if (deps.overrides) registerOverrideActions(app, deps.overrides, log, names);
  // Share in channel runs the read command again as a typed one would run, through the same gate.
  registerShareAction(
    app,
    (input) =>
      commandWork.run(() =>
        dispatch(
          commandContext(deps, authorizer, names, { user_id: input.userId, channel_id: input.channelId }, input.logger),
          input.text,
          input.requestId,
        ),
      ),
    log,
  );

  app.error(async (err) => {
    // A refusal goes back to the receiver, which answers with its status (Socket Mode: left unacknowledged).
    if (refusalOf(err)) throw err;
    log.error({ err }, 'unhandled Slack app error');
  });

  return {
    app,
    client: app.client,
    authorizer,
    names,
    home,
    async start(port, host) {
      // A refused or unreachable token ends start-up with what to fix (SLACK_BOT_TOKEN, SLACK_API_URL...).
      await app.init().catch((err: unknown) => {
        throw slackStartError(err, { variable: 'SLACK_BOT_TOKEN', apiUrl: slack.apiUrl, method: 'auth.test' });
      });
      installation = await learnInstallation(app.client).catch((err: unknown) => {
        throw slackStartError(err, { variable: 'SLACK_BOT_TOKEN', apiUrl: slack.apiUrl, method: 'auth.test' });
      });
      log.info({ installation }, 'installed in');
      if (slack.mode === 'socket') {
        await app.start().catch((err: unknown) => {
          throw slackStartError(err, {
            variable: 'SLACK_APP_TOKEN',
            apiUrl: slack.apiUrl,
            method: 'apps.connections.open',
          });
        });
        healthServer = createServer((req, res) => {
          if (!health.serve(req, res)) res.writeHead(404).end();
        });
        await new Promise<void>((resolve) => healthServer!.listen(port, host, resolve));
        return { port: (healthServer.address() as AddressInfo).port };
      }
      const server = (await app.start({ port, host })) as Server;
      eventsServer = server;
      server.keepAliveTimeout = HTTP_KEEP_ALIVE_MS;
      // Node's advice: allow a request's headers longer than an idle connection is kept.
      server.headersTimeout = HTTP_KEEP_ALIVE_MS + 1000;
      if (deps.slackFirst) markSlackRequests(server, deps.slackFirst);
      return { port: (server.address() as AddressInfo).port };
    },
    async stop() {
      home?.refresher.stop();
      // Requests already open get Slack's acknowledgement window to finish; then their connections go.
      const server = eventsServer;
      const cut = server ? setTimeout(() => server.closeAllConnections(), HTTP_STOP_GRACE_MS) : undefined;
      try {
        await app.stop();
      } finally {
        clearTimeout(cut);
      }
      if (healthServer) await new Promise<void>((resolve) => healthServer!.close(() => resolve()));
    },
  };
}

/** The Home tab and its refresher over the app's client. */
function homeOf(client: WebClient, deps: HomeDeps, names: NameDirectory, logger: Logger) {
  const tab = new HomeTab(client, deps, names, logger);
  const refresher = new HomeRefresher({ clock: deps.clock, logger, publish: (userId) => tab.publish(userId) });
  return { tab, refresher };
}

/** Tells `slackFirst` of each POST (Slack's events; the health paths are GETs) from its arrival until its answer is sent or the connection goes. */
function markSlackRequests(server: Server, slackFirst: SlackFirst): void {
  server.prependListener('request', (req, res) => {
    if (req.method === 'POST') res.once('close', slackFirst.arrived());
  });
}

/** The refusal an error is (or wraps, as Bolt's UnknownError does), if any. */
function refusalOf(err: unknown): RequestRefusedError | undefined {
  if (err instanceof RequestRefusedError) return err;
  const original = (err as { original?: unknown } | undefined)?.original;
  return original instanceof RequestRefusedError ? original : undefined;
}

function commandContext(
  deps: SlackAppDeps,
  authorizer: SlackAuthorizer,
  names: NameDirectory,
  command: Pick<SlashCommand, 'user_id' | 'channel_id'>,
  logger: Logger,
) {
  return {
    userId: command.user_id,
    channelId: command.channel_id,
    config: deps.config,
    services: deps.services,
    authorizer,
    names,
    logger,
  };
}
