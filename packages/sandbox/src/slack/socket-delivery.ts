/** Delivering one Socket Mode envelope: to one connection, waiting for its ack (events retried at each ack deadline). */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../shared/logger';
import type { EnvelopeType, SocketDelivery } from './socket-options';
import type { JsonObject } from './types';

/** How often the Events API tries an unacknowledged event again (Slack: 3 retries). */
const EVENT_RETRIES = 3;

/** An envelope waiting for its ack. */
export interface PendingAck {
  resolveAck: (payload: JsonObject | undefined) => void;
  abort: () => void;
}

/** What a delivery uses of the hub: its ack deadline, pending acks, timers, and a way to send to one connection. */
export interface DeliveryRoom {
  /** The ack deadline (the stand-in's knob, read when the delivery starts). */
  ackTimeoutMs: number;
  /** Envelopes waiting for their ack, by envelope id. */
  pending: Map<string, PendingAck>;
  /** The hub's live timers (cleared when it closes). */
  timers: Set<NodeJS.Timeout>;
  /** Sends a message to the connection an envelope goes to; false when no connection is open. */
  sendToOne(message: JsonObject): boolean;
}

/**
 * Delivers one envelope to one connection and waits for its ack (up to `waitMs`, 10 s by
 * default, so a late ack is seen and timed). Events are retried at each ack deadline.
 */
export function deliverEnvelope(
  room: DeliveryRoom,
  type: EnvelopeType,
  payload: JsonObject,
  options: { waitMs?: number } = {},
): Promise<SocketDelivery> {
  const envelopeId = randomUUID();
  const started = performance.now();
  const waitMs = options.waitMs ?? 10_000;
  const deadline = room.ackTimeoutMs;
  let attempts = 0;
  return new Promise<SocketDelivery>((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    const finish = (result: Omit<SocketDelivery, 'envelopeId' | 'elapsedMs' | 'attempts'>) => {
      for (const t of timers) {
        clearTimeout(t);
        room.timers.delete(t);
      }
      room.pending.delete(envelopeId);
      resolve({ envelopeId, elapsedMs: Math.round(performance.now() - started), attempts, ...result });
    };
    const later = (ms: number, fn: () => void) => {
      const t = setTimeout(() => {
        room.timers.delete(t);
        fn();
      }, ms);
      room.timers.add(t);
      timers.push(t);
    };
    const attempt = (): boolean => {
      const sent = room.sendToOne({
        envelope_id: envelopeId,
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        ...(attempts > 0
          ? { retry_attempt: attempts, retry_reason: 'timeout' }
          : { retry_attempt: 0, retry_reason: '' }),
      });
      if (sent) attempts += 1;
      return sent;
    };
    room.pending.set(envelopeId, {
      resolveAck: (ackPayload) =>
        finish({ acked: true, ...(ackPayload && Object.keys(ackPayload).length > 0 ? { ackPayload } : {}) }),
      abort: () => finish({ acked: false, failure: 'no_ack' }),
    });
    if (!attempt()) return finish({ acked: false, failure: 'no_connection' });
    if (type === 'events_api') {
      for (let i = 1; i <= EVENT_RETRIES; i += 1) later(deadline * i, () => void attempt());
      later(Math.max(waitMs, deadline * (EVENT_RETRIES + 1)), () => finish({ acked: false, failure: 'no_ack' }));
    } else {
      later(waitMs, () => finish({ acked: false, failure: 'no_ack' }));
    }
  });
}

/** The ack the app sends back. */
const AckSchema = z.object({ envelope_id: z.string().min(1), payload: z.record(z.string(), z.unknown()).optional() });

/** Hands an ack the app sent (one text frame) to the delivery waiting for it; a frame that is not JSON is logged. */
export function receiveAck(pending: Map<string, PendingAck>, text: string, logger: Logger): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    logger.warn({ text: text.slice(0, 200) }, 'socket mode: not JSON from the app');
    return;
  }
  const ack = AckSchema.safeParse(parsed);
  if (!ack.success) return;
  pending.get(ack.data.envelope_id)?.resolveAck(ack.data.payload as JsonObject | undefined);
}
