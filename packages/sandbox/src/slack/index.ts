/**
 * The Slack workspace stand-in: a local HTTP server on 127.0.0.1 that behaves like Slack for one
 * workspace, so the real Bolt app runs against it unchanged (`clientOptions.slackApiUrl = apiUrl`).
 * It answers the Web API, hosts response_urls, records everything, and its driver sends the bot
 * slash commands and clicks signed exactly as Slack signs them. `GET /` is a demo page.
 *
 * Knobs (see knobs.ts), all off or at Slack's values by default:
 * - `configure({ rateLimits: true })`: chat.postMessage ~1/s per channel (burst 3), tiered methods
 *   per minute (chat.update tier 3: 50); over the limit → HTTP 429 + `Retry-After` + `ratelimited`.
 * - `configure({ latencyMs })`: a slow Slack. `configure({ blocksTextLimit })`: the hidden
 *   `msg_blocks_too_long` threshold (13,000 text characters; 0 = off).
 * - `configure({ outage: 'unreachable' | 'invalid_auth' })` until `configure({ outage: 'none' })`.
 * - `failNext(method, error, { count, applied })` (`applied`: done, then answered with the error,
 *   as Slack's `internal_error` may be), `hangNext(method, ms, { count, channel })`
 *   (error and hang faults may be limited to one channel),
 *   `rateLimitNext(method, retryAfterSeconds, count)`.
 * The same knobs over HTTP: `POST /_sandbox/config` and `POST /_sandbox/faults` (see admin.ts).
 */
import type { Server } from 'node:http';
import type { Clock } from '../shared/clock';
import { systemClock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { silentLogger } from '../shared/logger';
import { StandInContext } from './context';
import { SlackDriver } from './driver';
import type { KnobChanges, SlackKnobs } from './knobs';
import type { FailNextOptions, HangNextOptions } from './rate-limit';
import { ResponseUrlHost } from './response-url';
import { DEMO_WORKSPACE, type WorkspaceSeed } from './seed';
import { listen, stop } from './server';
import { listenUploads } from './upload-server';
import type { StoredFile } from './files';
import type { CallRecord, ModalRecord, ResponseRecord, SlackEphemeral, SlackMessage } from './types';
import type { Workspace } from './workspace';
import { SocketModeHub } from './socket-hub';

/** Re-exported for tests, the demo and its config: the seed, record shapes, signing, validation, waits. */
export { DEMO_IDS, DEMO_WORKSPACE } from './seed';
export type { WorkspaceSeed, ChannelSeed, UserSeed, UserGroupSeed, BotSeed } from './seed';
export type {
  SlackDriver,
  DriverResult,
  ForgeOptions,
  IdentityOptions,
  SendOptions,
  SlashCommandOptions,
  BlockActionOptions,
  ViewSubmissionOptions,
  Matcher,
} from './driver';
export type { SlackKnobs, KnobChanges, Outage } from './knobs';
export { DEFAULT_KNOBS } from './knobs';
export type { StoredFile, FileState } from './files';
export type { FailNextOptions, HangNextOptions } from './rate-limit';
export type {
  CallRecord,
  ModalRecord,
  ResponseRecord,
  SlackEphemeral,
  SlackMessage,
  MessageVersion,
  SlackBlock,
  MessageMetadata,
} from './types';
export { slackSignature, signingHeaders, verifySlackSignature } from './signing';
export { validateBlocks, validateHomeView, validateView, LIMITS as BLOCK_KIT_LIMITS } from './blocks-validate';
export { textOf } from './messages';
export type { HomeRecord } from './home-tabs';
import type { HomeRecord } from './home-tabs';
export { waitFor, WaitTimeoutError } from './wait';
export { METHODS as MODELLED_METHODS } from './web-api';
export type {
  SocketModeHub,
  SocketDelivery,
  SocketConnectionInfo,
  RefreshOptions,
  SocketOutageOptions,
  EnvelopeType,
  DisconnectReason,
} from './socket-hub';

/** How to start a stand-in. */
export interface SlackStandInOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The secret the driver signs with; give the bot the same one. */
  signingSecret: string;
  /** The only token the Web API accepts. */
  botToken: string;
  /** The workspace to start with; the demo seed by default. */
  workspace?: WorkspaceSeed;
  /** An app-level token (`xapp-…`): the workspace is in Socket Mode and the driver delivers over the app's WebSocket. */
  appToken?: string;
  /** The bot's events URL (Bolt's `http://host:port/slack/events`); settable later. */
  botEventsUrl?: string;
  /** Time for message ts, trigger and response_url expiry (not for signing: Bolt checks against the wall clock). */
  clock?: Clock;
  /** Silent by default. */
  logger?: Logger;
}

/** A running stand-in. */
export interface SlackStandIn {
  /** Base URL, e.g. `http://127.0.0.1:53211`; the demo page is at `/`. */
  readonly url: string;
  /** The Web API base URL, `${url}/api/`: what Bolt's `clientOptions.slackApiUrl` takes. */
  readonly apiUrl: string;
  /** Sends slash commands, clicks and modal submissions to the bot, and waits for results. */
  readonly driver: SlackDriver;
  /** The workspace directory (channels, users, groups); tests may change membership. */
  readonly workspace: Workspace;
  /** Socket Mode's connections and faults (refresh, outage, stall); undefined in HTTP mode. */
  readonly socketMode: SocketModeHub | undefined;
  /** Points the driver at the bot. */
  setBotEventsUrl(url: string): void;
  /** Web API calls, oldest first; only those to `method` when given. */
  calls(method?: string): CallRecord[];
  /** A channel's messages now (edits applied), thread replies included, in ts order. */
  messages(channelId: string): SlackMessage[];
  /** Ephemeral messages, optionally for one channel and/or one user. */
  ephemerals(channelId?: string, userId?: string): SlackEphemeral[];
  /** POSTs to response_urls, oldest first. */
  responses(): ResponseRecord[];
  /** A fresh response_url for a slash command `user` sends in `channel`, as Slack puts in each command's form (for load generators that sign their own). */
  issueCommandResponseUrl(user: string, channel: string): string;
  /** Modals opened with views.open. */
  modals(): ModalRecord[];
  /** Each user's Home tab as views.publish last set it; one user's when given. */
  homes(): HomeRecord[];
  home(userId: string): HomeRecord | undefined;
  /** Files uploaded with files.getUploadURLExternal, with their bytes once POSTed, oldest first. */
  files(): StoredFile[];
  /** A message a person typed into a channel (no event reaches the bot: the stand-in has no Events API). */
  postUserMessage(message: { userId: string; channelId: string; text: string; threadTs?: string }): SlackMessage;
  /** Changes knobs; returns them all. */
  configure(changes: KnobChanges): SlackKnobs;
  /** The next `count` calls to `method` answer `{ok:false,error}`. */
  failNext(method: string, error: string, options?: FailNextOptions): void;
  /** The next `count` calls to `method` answer HTTP 429 with `Retry-After`. */
  rateLimitNext(method: string, retryAfterSeconds: number, count?: number): void;
  /** The next `count` calls to `method` hang `ms` first (dropped unhandled if the client gave up meanwhile). */
  hangNext(method: string, ms: number, options?: HangNextOptions): void;
  /** Clears messages, records, modals, faults and limits; knobs and membership back to their start. */
  reset(): void;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Starts a Slack workspace stand-in on 127.0.0.1. */
export async function startSlackStandIn(options: SlackStandInOptions): Promise<SlackStandIn> {
  const clock = options.clock ?? systemClock;
  const logger = (options.logger ?? silentLogger()).child({ subsystem: 'slack-standin' });
  const ctx = new StandInContext(
    { signingSecret: options.signingSecret, botToken: options.botToken, clock, logger },
    options.workspace ?? DEMO_WORKSPACE,
  );
  ctx.botEventsUrl = options.botEventsUrl;
  if (options.appToken) ctx.socket = new SocketModeHub(ctx, options.appToken);
  const responseUrls = new ResponseUrlHost(ctx);
  const driver = new SlackDriver(ctx, responseUrls);
  const { server, url } = await listen(ctx, responseUrls, driver, options.port ?? 0);
  ctx.baseUrl = url;
  const uploads = await listenUploads(ctx);
  ctx.uploadUrl = uploads.url;
  logger.info({ url }, 'slack stand-in listening');
  return new RunningStandIn(ctx, responseUrls, driver, server, url, uploads.server);
}

class RunningStandIn implements SlackStandIn {
  readonly apiUrl: string;

  constructor(
    private readonly ctx: StandInContext,
    private readonly responseUrls: ResponseUrlHost,
    readonly driver: SlackDriver,
    private readonly server: Server,
    readonly url: string,
    private readonly uploadServer: Server,
  ) {
    this.apiUrl = `${url}/api/`;
  }

  get socketMode(): SocketModeHub | undefined {
    return this.ctx.socket;
  }

  get workspace(): Workspace {
    return this.ctx.workspace;
  }

  setBotEventsUrl(url: string): void {
    this.ctx.botEventsUrl = url;
  }

  issueCommandResponseUrl(user: string, channel: string): string {
    return this.responseUrls.issue({ source: 'command', user, channel });
  }

  calls(method?: string): CallRecord[] {
    return this.ctx.calls.filter((c) => method === undefined || c.method === method).map((c) => structuredClone(c));
  }

  messages(channelId: string): SlackMessage[] {
    const channel = this.ctx.workspace.channel(channelId);
    return this.ctx.messages.messages(channel?.id ?? channelId);
  }

  ephemerals(channelId?: string, userId?: string): SlackEphemeral[] {
    return this.ctx.messages.ephemerals(channelId, userId);
  }

  responses(): ResponseRecord[] {
    return this.ctx.responses.map((r) => structuredClone(r));
  }

  modals(): ModalRecord[] {
    return this.ctx.modals.list();
  }

  homes(): HomeRecord[] {
    return this.ctx.homes.list();
  }

  home(userId: string): HomeRecord | undefined {
    return this.ctx.homes.get(userId);
  }

  postUserMessage(message: { userId: string; channelId: string; text: string; threadTs?: string }): SlackMessage {
    const ws = this.ctx.workspace;
    const channel = ws.channel(message.channelId);
    if (!channel || !ws.user(message.userId))
      throw new Error(`no channel ${message.channelId} or user ${message.userId}`);
    return this.ctx.messages.post({
      channel: channel.id,
      user: message.userId,
      text: message.text,
      blocks: [],
      ...(message.threadTs ? { threadTs: message.threadTs } : {}),
      via: 'user',
    });
  }

  configure(changes: KnobChanges): SlackKnobs {
    return this.ctx.configure(changes);
  }

  failNext(method: string, error: string, options?: FailNextOptions): void {
    this.ctx.faults.failNext(method, error, options);
  }

  rateLimitNext(method: string, retryAfterSeconds: number, count?: number): void {
    this.ctx.faults.rateLimitNext(method, retryAfterSeconds, count);
  }

  hangNext(method: string, ms: number, options?: HangNextOptions): void {
    this.ctx.faults.hangNext(method, ms, options);
  }

  reset(): void {
    this.ctx.reset();
    this.responseUrls.clear();
  }

  files(): StoredFile[] {
    return this.ctx.files.list();
  }

  async close(): Promise<void> {
    this.ctx.socket?.close();
    await stop(this.uploadServer);
    return stop(this.server);
  }
}
