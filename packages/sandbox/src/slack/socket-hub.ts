/**
 * The stand-in's Socket Mode, as Slack documents it: `apps.connections.open` (app-level token in
 * the Authorization header) hands out a one-use `ws://127.0.0.1:PORT/link/?ticket=…&app_id=…`
 * URL; a WebSocket there gets `hello`, then envelopes (`slash_commands`, `interactive`,
 * `events_api`) that the app acknowledges with `{envelope_id, payload?}`. Each envelope goes to
 * ONE open connection of the app (at most 10), preferring connections not told to go away;
 * events the app does not acknowledge within the ack deadline are sent again with
 * `retry_attempt`/`retry_reason`, as the Events API retries. Faults: `refresh` (a `disconnect`
 * message, the socket closed a few seconds later), `outage` (sockets dropped; connections.open
 * answers HTTP 503 or resets until it ends), `stall` (a socket goes half-open), and the Web API's
 * own `failNext` / `outage` knobs on `apps.connections.open`.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { sendJson } from './http';
import type { SlackKnobs } from './knobs';
import type { FaultPlan } from './rate-limit';
import { type DeliveryRoom, deliverEnvelope, type PendingAck, receiveAck } from './socket-delivery';
import type { CallRecord, JsonObject } from './types';

/** Connections Slack allows an app at once. */
export const MAX_SOCKET_CONNECTIONS = 10;
/** How long a connections.open URL may wait to be used. */
const TICKET_TTL_MS = 30_000;
import type {
  EnvelopeType,
  RefreshOptions,
  SocketConnectionInfo,
  SocketDelivery,
  SocketHubEvents,
  SocketOutageOptions,
} from './socket-options';

export type {
  DisconnectReason,
  EnvelopeType,
  RefreshOptions,
  SocketConnectionInfo,
  SocketDelivery,
  SocketHubEvents,
  SocketOutageOptions,
} from './socket-options';

/**
 * What the hub uses of the stand-in's shared state. `StandInContext` satisfies it; the hub names
 * only these parts so that the context may hold a hub without the two importing each other.
 */
export interface HubContext {
  readonly baseUrl: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly faults: Pick<FaultPlan, 'take'>;
  readonly knobs: Pick<SlackKnobs, 'outage' | 'ackTimeoutMs'>;
  readonly workspace: { readonly bot: { readonly appId: string } };
  recordCall(record: CallRecord): void;
}

interface Connection extends SocketConnectionInfo {
  ws: WebSocket;
  /** Socket on which the stand-in pretends to be half-open (reads paused). */
  stalled: boolean;
}

/** Socket Mode for one app: tickets, connections, envelope delivery and faults. */
export class SocketModeHub {
  readonly events = new EventEmitter<SocketHubEvents>();
  private readonly wss = new WebSocketServer({ noServer: true, autoPong: false });
  private readonly tickets = new Map<string, number>();
  private readonly connections = new Map<number, Connection>();
  private readonly pending = new Map<string, PendingAck>();
  private nextId = 1;
  private roundRobin = 0;
  private outageUntil = 0;
  private outageMode: NonNullable<SocketOutageOptions['connectionsOpen']> = 'http_503';
  private outageTimer: NodeJS.Timeout | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Time with no open connection since the first one opened, and when the current gap began. */
  private gapTotalMs = 0;
  private gapSince: number | undefined;
  private everConnected = false;

  constructor(
    private readonly ctx: HubContext,
    /** The only app-level token apps.connections.open accepts. */
    readonly appToken: string,
  ) {}

  /** Open connections, oldest first. */
  list(): SocketConnectionInfo[] {
    return [...this.connections.values()].map(({ id, openedAt, draining }) => ({ id, openedAt, draining }));
  }

  /** Whether Socket Mode is in an outage now. */
  get inOutage(): boolean {
    return Date.now() < this.outageUntil;
  }

  /** Milliseconds the app had no open connection since it first connected (the current gap included). */
  gapMs(): number {
    return this.gapTotalMs + (this.gapSince !== undefined ? Date.now() - this.gapSince : 0);
  }

  /** `POST /api/apps.connections.open`: the app-level token from the header only, as Slack requires. */
  handleConnectionsOpen(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    const drop = (): void => void req.socket.destroy();
    const header = req.headers.authorization;
    const token = header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
    const record = (status: number, body: JsonObject) =>
      this.ctx.recordCall({
        method: 'apps.connections.open',
        args: {},
        at: this.ctx.clock.now(),
        auth: token ? 'bearer' : 'none',
        status,
        response: body,
      });
    const answer = (status: number, body: JsonObject) => {
      record(status, body);
      sendJson(res, status, body);
    };
    if (this.ctx.knobs.outage === 'unreachable' || (this.inOutage && this.outageMode === 'refused')) {
      record(0, { dropped: true });
      return drop();
    }
    if (this.inOutage) return answer(503, { ok: false, error: 'service_unavailable' });
    if (!token) return answer(200, { ok: false, error: 'not_authed' });
    if (/^xox[bpe]-/.test(token)) return answer(200, { ok: false, error: 'not_allowed_token_type' });
    if (token !== this.appToken || this.ctx.knobs.outage === 'invalid_auth')
      return answer(200, { ok: false, error: 'invalid_auth' });
    const fault = this.ctx.faults.take('apps.connections.open', undefined);
    if (fault?.kind === 'ratelimit') {
      record(429, { ok: false, error: 'ratelimited' });
      sendJson(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(fault.retryAfterSeconds) });
      return;
    }
    if (fault?.kind === 'error') return answer(200, { ok: false, error: fault.error });
    const ticket = randomUUID();
    this.tickets.set(ticket, Date.now() + TICKET_TTL_MS);
    const base = this.ctx.baseUrl.replace(/^http/, 'ws');
    answer(200, { ok: true, url: `${base}/link/?ticket=${ticket}&app_id=${this.ctx.workspace.bot.appId}` });
  }

  /** The HTTP server's `upgrade` for `/link/`: a valid unused ticket becomes a connection. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ticket = url.searchParams.get('ticket') ?? '';
    const expires = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (this.ctx.knobs.outage === 'unreachable' || this.inOutage) return void socket.destroy();
    if (expires === undefined || expires < Date.now()) return refuse(401, 'Unauthorized');
    if (this.connections.size >= MAX_SOCKET_CONNECTIONS) return refuse(429, 'Too Many Requests');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    const conn: Connection = { id: this.nextId++, openedAt: Date.now(), draining: false, ws, stalled: false };
    this.connections.set(conn.id, conn);
    if (this.gapSince !== undefined) this.gapTotalMs += Date.now() - this.gapSince;
    this.gapSince = undefined;
    this.everConnected = true;
    // A stalled (half-open) connection hears nothing: no pongs, no acks.
    ws.on('ping', (data) => {
      if (!conn.stalled) ws.pong(data);
    });
    ws.on('message', (data, isBinary) => {
      if (!isBinary && !conn.stalled) this.onMessage(data.toString());
    });
    ws.on('error', (err) => this.ctx.logger.debug({ err, connection: conn.id }, 'socket mode connection error'));
    ws.on('close', () => {
      this.connections.delete(conn.id);
      if (this.connections.size === 0 && this.everConnected) this.gapSince = Date.now();
      this.events.emit('closed', { id: conn.id, openedAt: conn.openedAt, draining: conn.draining });
    });
    this.send(conn, {
      type: 'hello',
      num_connections: this.connections.size,
      debug_info: { host: `applink-sandbox-${conn.id}`, build_number: 1, approximate_connection_time: 18060 },
      connection_info: { app_id: this.ctx.workspace.bot.appId },
    });
    this.events.emit('connected', { id: conn.id, openedAt: conn.openedAt, draining: false });
  }

  private onMessage(text: string): void {
    receiveAck(this.pending, text, this.ctx.logger);
  }

  private send(conn: Connection, message: JsonObject): void {
    conn.ws.send(JSON.stringify(message));
  }

  /** The connection an envelope goes to: open, not told to go when another is, in turn. */
  private pick(): Connection | undefined {
    const open = [...this.connections.values()].filter((c) => c.ws.readyState === c.ws.OPEN);
    const fresh = open.filter((c) => !c.draining);
    const choices = fresh.length > 0 ? fresh : open;
    if (choices.length === 0) return undefined;
    return choices[this.roundRobin++ % choices.length];
  }

  /**
   * Delivers one envelope to one connection and waits for its ack (up to `waitMs`, 10 s by
   * default, so a late ack is seen and timed). Events are retried at each ack deadline.
   */
  deliver(type: EnvelopeType, payload: JsonObject, options: { waitMs?: number } = {}): Promise<SocketDelivery> {
    const room: DeliveryRoom = {
      ackTimeoutMs: this.ctx.knobs.ackTimeoutMs,
      pending: this.pending,
      timers: this.timers,
      sendToOne: (message) => {
        const conn = this.pick();
        if (!conn) return false;
        this.send(conn, message);
        return true;
      },
    };
    return deliverEnvelope(room, type, payload, options);
  }

  /** Sends `disconnect` to a connection and closes it `closeAfterMs` later, as Slack's routine refresh does. */
  refresh(options: RefreshOptions = {}): SocketConnectionInfo | undefined {
    const conn =
      options.connectionId !== undefined
        ? this.connections.get(options.connectionId)
        : [...this.connections.values()].find((c) => !c.draining);
    if (!conn) return undefined;
    conn.draining = true;
    this.send(conn, {
      type: 'disconnect',
      reason: options.reason ?? 'refresh_requested',
      debug_info: { host: `applink-sandbox-${conn.id}` },
    });
    const t = setTimeout(() => {
      this.timers.delete(t);
      conn.ws.close(1000, 'refresh');
      // Slack does not wait for the app's half of the close handshake.
      const kill = setTimeout(() => conn.ws.terminate(), 1000);
      kill.unref();
    }, options.closeAfterMs ?? 3000);
    this.timers.add(t);
    return { id: conn.id, openedAt: conn.openedAt, draining: true };
  }

  /** Drops every socket now; until `ms` have passed no socket opens and connections.open fails. */
  outage(ms: number, options: SocketOutageOptions = {}): void {
    this.outageUntil = Date.now() + ms;
    this.outageMode = options.connectionsOpen ?? 'http_503';
    for (const conn of this.connections.values()) conn.ws.terminate();
    if (this.outageTimer) clearTimeout(this.outageTimer);
    this.outageTimer = setTimeout(() => {
      this.outageTimer = undefined;
      this.events.emit('outage-ended');
    }, ms);
  }

  /** Makes a connection half-open: what the app sends is lost (no acks, no pongs), the socket stays open. */
  stall(connectionId?: number): SocketConnectionInfo | undefined {
    const conn = connectionId !== undefined ? this.connections.get(connectionId) : [...this.connections.values()][0];
    if (!conn) return undefined;
    conn.stalled = true;
    return { id: conn.id, openedAt: conn.openedAt, draining: conn.draining };
  }

  /** Ends faults and pending deliveries (reset between tests); open sockets are closed. */
  reset(): void {
    this.outageUntil = 0;
    if (this.outageTimer) clearTimeout(this.outageTimer);
    this.outageTimer = undefined;
    this.tickets.clear();
  }

  /** Closes every socket and timer (the stand-in stops). */
  close(): void {
    this.reset();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const p of [...this.pending.values()]) p.abort();
    for (const conn of this.connections.values()) conn.ws.terminate();
    this.wss.close();
  }
}
