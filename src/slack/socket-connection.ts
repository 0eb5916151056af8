/**
 * One Socket Mode WebSocket (the `ws` package): open until Slack's `hello`, then `disconnect`
 * messages and envelopes handed to the receiver, zod-checked. A watchdog pings and ends a socket
 * that stops answering (a half-open connection never closes by itself). Nothing here reconnects:
 * the receiver decides that.
 */
import WebSocket from 'ws';
import { z } from 'zod';
import type { Logger } from '../logger';

/** An envelope as Slack sends it over the socket. */
export const EnvelopeSchema = z.object({
  envelope_id: z.string().min(1),
  type: z.string().min(1),
  payload: z.record(z.string(), z.unknown()),
  accepts_response_payload: z.boolean().optional(),
  retry_attempt: z.number().int().min(0).optional(),
  retry_reason: z.string().optional(),
});
export type Envelope = z.infer<typeof EnvelopeSchema>;

const ControlSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), num_connections: z.number().optional() }),
  z.object({ type: z.literal('disconnect'), reason: z.string().optional() }),
]);

/** Watchdog and handshake timing. */
export interface ConnectionTiming {
  /** How long to wait for `hello` after the URL was handed out. */
  helloTimeoutMs: number;
  /** How often to ping Slack. */
  pingIntervalMs: number;
  /** Silence after a ping (no pong, no message) that ends the socket. */
  pongTimeoutMs: number;
}

/** What a connection tells its owner. */
export interface ConnectionHandlers {
  onDisconnectMessage(conn: SocketConnection, reason: string): void;
  onEnvelope(conn: SocketConnection, envelope: Envelope): void;
  onClosed(conn: SocketConnection, code: number, reason: string): void;
}

/** One WebSocket to Slack's Socket Mode. */
export class SocketConnection {
  /** Slack asked this connection to go (a `disconnect` message); a replacement is opening. */
  draining = false;
  /** Envelopes received here and not yet acknowledged (a draining socket stays until they are). */
  unacked = 0;
  private ws: WebSocket | undefined;
  private helloed = false;
  private closed = false;
  private watchdog: NodeJS.Timeout | undefined;
  private lastHeardAt = Date.now();

  constructor(
    readonly id: number,
    private readonly timing: ConnectionTiming,
    private readonly handlers: ConnectionHandlers,
    private readonly log: Logger,
  ) {}

  /** Open and greeted: envelopes can arrive and acks can go. */
  get live(): boolean {
    return this.helloed && !this.closed && this.ws?.readyState === WebSocket.OPEN;
  }

  /** Connects to `url`; resolves at Slack's `hello`, rejects when the socket fails or closes first. */
  open(url: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(url, { handshakeTimeout: this.timing.helloTimeoutMs });
      this.ws = ws;
      const helloTimer = setTimeout(() => {
        fail(new Error(`no hello within ${this.timing.helloTimeoutMs} ms`));
        ws.terminate();
      }, this.timing.helloTimeoutMs);
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(helloTimer);
        reject(err);
      };
      ws.on('error', (err) => {
        this.log.debug({ err, connection: this.id }, 'socket error');
        fail(err);
      });
      ws.on('pong', () => this.heard());
      ws.on('message', (data, isBinary) => {
        this.heard();
        if (isBinary) return;
        const message = parse(data.toString());
        if (message === undefined)
          return this.log.warn({ connection: this.id }, 'socket message that is not JSON ignored');
        const control = ControlSchema.safeParse(message);
        if (control.success && control.data.type === 'hello') {
          if (settled) return;
          settled = true;
          clearTimeout(helloTimer);
          this.helloed = true;
          this.startWatchdog();
          resolve();
          return;
        }
        if (control.success && control.data.type === 'disconnect')
          return this.handlers.onDisconnectMessage(this, control.data.reason ?? 'unknown');
        const envelope = EnvelopeSchema.safeParse(message);
        if (envelope.success) return this.handlers.onEnvelope(this, envelope.data);
        this.log.warn(
          { connection: this.id, type: (message as { type?: unknown }).type },
          'socket message of an unknown shape ignored',
        );
      });
      ws.on('close', (code, reason) => {
        fail(new Error(`socket closed before hello (${code})`));
        this.ended(code, reason.toString());
      });
    });
  }

  /** Sends a JSON message; false when the socket is not open. */
  send(message: unknown): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  /** Closes politely; a peer that does not finish the close handshake is cut off a second later. */
  close(): void {
    if (!this.ws || this.closed) return;
    const ws = this.ws;
    ws.close(1000, 'done');
    setTimeout(() => ws.terminate(), 1000).unref();
  }

  /** Cuts the socket at once (stop, dead peer). */
  terminate(): void {
    this.ws?.terminate();
  }

  private heard(): void {
    this.lastHeardAt = Date.now();
  }

  /** Pings every interval; a socket silent for an interval plus the pong timeout is dead. */
  private startWatchdog(): void {
    this.watchdog = setInterval(() => {
      const silentMs = Date.now() - this.lastHeardAt;
      if (silentMs > this.timing.pingIntervalMs + this.timing.pongTimeoutMs) {
        this.log.warn({ connection: this.id, silentMs }, 'socket stopped answering pings; dropping it');
        this.ws?.terminate();
        return;
      }
      try {
        this.ws?.ping();
      } catch (err) {
        this.log.debug({ err, connection: this.id }, 'ping failed');
      }
    }, this.timing.pingIntervalMs);
    this.watchdog.unref();
  }

  private ended(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    // Only a connection that was greeted was ever the receiver's; a failed open is the opener's to report.
    if (this.helloed) this.handlers.onClosed(this, code, reason);
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
