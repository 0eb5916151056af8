/** What the Socket Mode hub delivers and reports, and the options of its faults. */
import type { JsonObject } from './types';

/** What an envelope carries. */
export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';
/** Why Slack asks a connection to go. */
export type DisconnectReason = 'refresh_requested' | 'warning' | 'link_disabled';

/** How one delivery ended. */
export interface SocketDelivery {
  envelopeId: string;
  /** The app acknowledged (possibly late: compare `elapsedMs` with the ack deadline). */
  acked: boolean;
  /** The ack's payload (the "HTTP body" of Socket Mode), when it had one. */
  ackPayload?: JsonObject;
  elapsedMs: number;
  /** Sends made (1 + retries). */
  attempts: number;
  /** Why it was not acknowledged: no open connection, or nobody answered in time. */
  failure?: 'no_connection' | 'no_ack';
}

/** An open connection as tests see it. */
export interface SocketConnectionInfo {
  id: number;
  openedAt: number;
  /** A `disconnect` was sent to it. */
  draining: boolean;
}

/** Options of `refresh`. */
export interface RefreshOptions {
  /** Which connection (default: the oldest open one). */
  connectionId?: number;
  reason?: DisconnectReason;
  /** When Slack closes the socket after the message (default 3 s; Slack: a few seconds). */
  closeAfterMs?: number;
}

/** Options of `outage`. */
export interface SocketOutageOptions {
  /** How `apps.connections.open` fails meanwhile: HTTP 503 (default) or connections reset. */
  connectionsOpen?: 'http_503' | 'refused';
}

/** The events tests wait on. */
export interface SocketHubEvents {
  connected: [SocketConnectionInfo];
  closed: [SocketConnectionInfo];
  'outage-ended': [];
}
