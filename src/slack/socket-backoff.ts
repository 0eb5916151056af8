/** Socket Mode reconnect timing: the waits between opens, and a failed open as patchbot's SlackError. */
import { SlackError } from '../errors';
import { slackStartError } from './auth-check';
import type { ConnectionTiming } from './socket-connection';

/** Reconnect and watchdog timing. */
export interface SocketTiming extends ConnectionTiming {
  /** First wait after a failed open; doubled per failure. */
  backoffBaseMs: number;
  /** Longest wait between opens while Slack is unreachable (short: the next command waits on it). */
  backoffMaxMs: number;
  /** Longest wait after an answer that says the token is refused (nothing changes until someone fixes it). */
  authBackoffMaxMs: number;
  /** How long a socket told to go may keep unacknowledged envelopes before it is closed anyway. */
  drainMs: number;
}

/** Defaults: a connection back within about 2 s of Slack answering again; dead sockets found within 15 s. */
export const DEFAULT_SOCKET_TIMING: SocketTiming = {
  backoffBaseMs: 250,
  backoffMaxMs: 2000,
  authBackoffMaxMs: 60_000,
  drainMs: 3000,
  helloTimeoutMs: 10_000,
  pingIntervalMs: 5000,
  pongTimeoutMs: 5000,
};

/** The wait before attempt `failures + 1`: base·2^(failures-1), capped, with 50-100 % jitter. */
export function backoffMs(failures: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(raw * (0.5 + 0.5 * random()));
}

/** A failed apps.connections.open (or socket before hello) as patchbot's SlackError, naming SLACK_APP_TOKEN. */
export function socketOpenError(err: unknown, apiUrl: string | undefined): SlackError {
  if (err instanceof SlackError) return err;
  const mapped = slackStartError(err, {
    variable: 'SLACK_APP_TOKEN',
    apiUrl,
    method: 'apps.connections.open',
  });
  if (mapped instanceof SlackError) return mapped;
  // A socket that failed before hello: treated as Slack being unavailable, so it is retried.
  return new SlackError(
    'SLACK_UNAVAILABLE',
    `Socket Mode connection failed: ${mapped.message}`,
    { method: 'apps.connections.open', slackCode: 'socket' },
    { cause: err, userMessage: `The Socket Mode connection failed (${mapped.message}): patchbot keeps trying` },
  );
}
