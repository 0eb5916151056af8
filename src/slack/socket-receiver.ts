/**
 * patchbot's Socket Mode receiver for Bolt, in place of @slack/socket-mode's client, which (3.1)
 * rejects a promise nobody handles when `apps.connections.open` fails during a reconnect (HTTP 5xx
 * or no network count as unrecoverable there), and on every `disconnect` closes the socket first
 * and reconnects 5 s or more later. Here:
 *
 * - connections are opened through `apps.connections.open` (app-level token) with capped
 *   exponential backoff and jitter, forever, until `stop()`; no failure leaves this file;
 * - a `disconnect` message opens the replacement FIRST; the old socket is closed once the new one
 *   has said hello and the old one's envelopes are acknowledged, so there is no gap;
 * - each envelope goes through the app's one listener pipeline (`app.processEvent`, the request
 *   guard included) with an `ack` that answers on the socket it came from; a retried envelope is
 *   not worked on again (its ack is repeated);
 * - a ping watchdog drops half-open sockets (socket-connection.ts);
 * - `connected()` says whether a socket is open, and state changes are logged (`subsystem: 'socket'`).
 */
import type { App, Receiver } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { SlackError } from '../errors';
import type { Logger } from '../logger';
import { appTokenClient } from './auth-check';
import { boltLogger } from './bolt-logger';
import { backoffMs, DEFAULT_SOCKET_TIMING, type SocketTiming, socketOpenError } from './socket-backoff';
import { SocketConnection } from './socket-connection';
import { EnvelopeHandler } from './socket-envelopes';
import type { SlackFirst } from '../shared/slack-first';
import { WEB_API_TIMEOUT_MS } from './timeouts';

export { backoffMs, DEFAULT_SOCKET_TIMING, type SocketTiming } from './socket-backoff';

/** The receiver's state, as logged. */
export type SocketState = 'connecting' | 'connected' | 'reconnecting' | 'stopped';

/** What the receiver needs. */
export interface SocketReceiverOptions {
  appToken: string;
  /** Web API base URL (the stand-in's); Slack's by default. */
  apiUrl?: string | undefined;
  logger: Logger;
  timing?: Partial<SocketTiming>;
  /** Jitter source (tests pin it). */
  random?: () => number;
  /** Told of each envelope from its arrival to its acknowledgement, so AWS traffic waits behind it. */
  slackFirst?: SlackFirst;
}

const OpenAnswerSchema = z.object({ url: z.string().regex(/^wss?:\/\//) });

/** A Bolt receiver over Socket Mode that reconnects forever and never goes deaf during a refresh. */
export class SocketModeReceiver implements Receiver {
  private app: App | undefined;
  private readonly log: Logger;
  private readonly timing: SocketTiming;
  private readonly random: () => number;
  private readonly web: WebClient;
  private readonly conns = new Set<SocketConnection>();
  private readonly listeners = new Set<(state: SocketState) => void>();
  private nextId = 1;
  private opening = false;
  private stopped = true;
  private state: SocketState = 'stopped';
  private wake: (() => void) | undefined;
  /** Why the last open failed (its Retry-After and kind set the next wait). */
  private lastFailure: SlackError | undefined;
  private readonly envelopes: EnvelopeHandler;

  constructor(private readonly options: SocketReceiverOptions) {
    this.log = options.logger.child({ subsystem: 'socket' });
    this.timing = { ...DEFAULT_SOCKET_TIMING, ...options.timing };
    this.random = options.random ?? Math.random;
    this.envelopes = new EnvelopeHandler(() => this.app, this.conns, this.log, options.slackFirst);
    this.web = appTokenClient({ appToken: options.appToken, apiUrl: options.apiUrl }, boltLogger(this.log), {
      retries: 0,
      timeoutMs: WEB_API_TIMEOUT_MS,
    });
  }

  /** Bolt hands itself over. */
  init(app: App): void {
    this.app = app;
  }

  /** Whether a socket to Slack is open now (what /health reports). */
  connected(): boolean {
    return [...this.conns].some((c) => c.live);
  }

  /** Calls `listener` on every state change; returns a function that stops it. */
  onState(listener: (state: SocketState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Opens the first connection. A token Slack refuses fails start-up (the error names the fix);
   * Slack unreachable or failing does not: the receiver keeps trying in the background.
   */
  async start(): Promise<void> {
    this.stopped = false;
    this.setState('connecting');
    this.opening = true;
    try {
      await this.openOne();
      this.opening = false;
    } catch (err) {
      this.opening = false;
      const failure = this.startError(err);
      if (failure.code !== 'SLACK_UNAVAILABLE') {
        this.stopped = true;
        this.setState('stopped');
        throw failure;
      }
      this.log.warn(
        { err: failure, problem: failure.userMessage },
        'Socket Mode could not connect at start; retrying in the background',
      );
      this.reconnect(1);
    }
  }

  /** Closes every socket and stops reconnecting. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    for (const c of this.conns) c.terminate();
    this.conns.clear();
    this.setState('stopped');
  }

  /** Opens connections until one is live (or the receiver stops), in the background; never rejects. */
  private reconnect(failuresSoFar = 0): void {
    if (this.opening || this.stopped) return;
    this.opening = true;
    void this.openUntilLive(failuresSoFar)
      .catch((err: unknown) => this.log.error({ err }, 'Socket Mode reconnect loop failed (a bug); trying again'))
      .finally(() => {
        this.opening = false;
        // A socket that closed while this loop was finishing still needs a replacement.
        if (!this.stopped && !this.connected()) this.reconnect(1);
      });
  }

  private async openUntilLive(failuresSoFar: number): Promise<void> {
    let failures = failuresSoFar;
    while (!this.stopped) {
      if (failures > 0) {
        await this.sleep(this.lastWaitMs(failures));
        if (this.stopped) return;
      }
      try {
        await this.openOne();
        return;
      } catch (err) {
        failures += 1;
        this.lastFailure = this.startError(err);
        this.log.warn(
          { failures, code: this.lastFailure.slackCode, problem: this.lastFailure.userMessage },
          'Socket Mode connection failed; trying again',
        );
      }
    }
  }

  /** The wait before the next open: Retry-After when Slack gave one, longer for a refused token. */
  private lastWaitMs(failures: number): number {
    const cause = this.lastFailure?.cause as { retryAfter?: unknown } | undefined;
    if (typeof cause?.retryAfter === 'number') return cause.retryAfter * 1000;
    const max = this.lastFailure?.code === 'SLACK_AUTH' ? this.timing.authBackoffMaxMs : this.timing.backoffMaxMs;
    return backoffMs(failures, this.timing.backoffBaseMs, max, this.random);
  }

  /** One apps.connections.open and one socket up to its hello; then the sockets told to go are drained. */
  private async openOne(): Promise<void> {
    const answer = OpenAnswerSchema.safeParse(await this.web.apiCall('apps.connections.open'));
    if (!answer.success)
      throw new SlackError('SLACK_ERROR', 'apps.connections.open answered without a WebSocket URL', {
        method: 'apps.connections.open',
      });
    if (this.stopped) return;
    const conn = new SocketConnection(
      this.nextId++,
      this.timing,
      {
        onDisconnectMessage: (c, reason) => this.onDisconnectMessage(c, reason),
        onEnvelope: (c, envelope) => void this.envelopes.handle(c, envelope),
        onClosed: (c, code, reason) => this.onClosed(c, code, reason),
      },
      this.log,
    );
    await conn.open(answer.data.url);
    if (this.stopped) return conn.terminate();
    this.conns.add(conn);
    this.log.info({ connection: conn.id, open: this.liveCount() }, 'Socket Mode connection open');
    this.setState('connected');
    for (const old of this.conns) if (old !== conn && old.draining) this.drain(old);
  }

  /** Slack asked a socket to go: open the replacement first; the old one closes once it is up. */
  private onDisconnectMessage(conn: SocketConnection, reason: string): void {
    this.log.info({ connection: conn.id, reason }, 'Slack asked for a new Socket Mode connection');
    if (reason === 'link_disabled')
      this.log.error(
        { connection: conn.id },
        'Slack turned Socket Mode off for the app (link_disabled): turn it on again in the app settings; patchbot keeps trying',
      );
    if (conn.draining) return; // a `warning` then a `refresh_requested`: one replacement is enough
    conn.draining = true;
    // Another socket already serves: this one only has to finish its envelopes.
    if ([...this.conns].some((c) => c !== conn && c.live && !c.draining)) return this.drain(conn);
    this.reconnect();
  }

  /** Closes a draining socket once its envelopes are acknowledged, or after `drainMs`. */
  private drain(conn: SocketConnection): void {
    const started = Date.now();
    const tick = () => {
      if (conn.unacked === 0 || Date.now() - started >= this.timing.drainMs) {
        this.log.debug({ connection: conn.id, unacked: conn.unacked }, 'closing the replaced Socket Mode connection');
        conn.close();
        return;
      }
      setTimeout(tick, 50).unref();
    };
    tick();
  }

  private onClosed(conn: SocketConnection, code: number, reason: string): void {
    this.conns.delete(conn);
    if (this.stopped) return;
    const live = this.liveCount();
    this.log.info({ connection: conn.id, code, reason, open: live }, 'Socket Mode connection closed');
    if (live === 0) {
      this.setState('reconnecting');
      this.reconnect();
    }
  }

  private liveCount(): number {
    return [...this.conns].filter((c) => c.live).length;
  }

  private setState(state: SocketState): void {
    if (state === this.state) return;
    this.state = state;
    this.log.info({ state }, `Socket Mode ${state}`);
    for (const l of this.listeners) l(state);
  }

  /** Sleeps, cut short by stop(). */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /** A failed open as patchbot's SlackError, naming SLACK_APP_TOKEN. */
  private startError(err: unknown): SlackError {
    return socketOpenError(err, this.options.apiUrl);
  }
}
