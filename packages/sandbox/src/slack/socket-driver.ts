/**
 * The driver's Socket Mode path: the request the driver built for HTTP (a slash command's form
 * fields, or `payload=<interaction JSON>`) goes to the app as a Socket Mode envelope instead, and
 * the ack comes back in the shape an HTTP answer has, so every test helper works in both modes.
 */
import type { StandInContext } from './context';
import type { SocketModeHub } from './socket-hub';
import type { DriverResult, SendOptions } from './driver-options';
import type { JsonObject } from './types';

/** A body as the envelope Slack sends over the socket: an Events API callback (JSON), `slash_commands` fields, or the `interactive` payload. */
export function envelopeOf(body: string): {
  type: 'slash_commands' | 'interactive' | 'events_api';
  payload: JsonObject;
} {
  if (body.startsWith('{')) return { type: 'events_api', payload: JSON.parse(body) as JsonObject };
  const form = new URLSearchParams(body);
  const interaction = form.get('payload');
  if (interaction !== null) return { type: 'interactive', payload: JSON.parse(interaction) as JsonObject };
  return { type: 'slash_commands', payload: Object.fromEntries(form) };
}

/** Delivers over the app's socket; no connection is Slack's `dispatch_failed`, a late ack `operation_timeout`. */
export async function sendOverSocket(
  ctx: StandInContext,
  hub: SocketModeHub,
  body: string,
  options: SendOptions,
): Promise<Omit<DriverResult, 'responseUrl' | 'triggerId'>> {
  const { type, payload } = envelopeOf(body);
  const delivery = await hub.deliver(type, payload, { waitMs: options.timeoutMs ?? 10_000 });
  const text = delivery.ackPayload ? JSON.stringify(delivery.ackPayload) : '';
  const slackError = !delivery.acked
    ? delivery.failure === 'no_connection'
      ? 'dispatch_failed'
      : 'operation_timeout'
    : delivery.elapsedMs > ctx.knobs.ackTimeoutMs
      ? 'operation_timeout'
      : undefined;
  return {
    // The HTTP status the same answer would have had: 200 for an ack, none when nobody answered.
    status: delivery.acked ? 200 : 0,
    body: text,
    ...(delivery.ackPayload ? { json: delivery.ackPayload } : {}),
    elapsedMs: delivery.elapsedMs,
    sent: { body, timestamp: Math.floor(Date.now() / 1000), signature: '' },
    ...(slackError ? { slackError } : {}),
  };
}
