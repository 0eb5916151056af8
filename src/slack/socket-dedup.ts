/**
 * Envelopes already received, so a retried one is not worked on twice: Slack retries what it
 * thinks unacknowledged (an ack lost with a dropped socket, a slow one), and during a refresh two
 * sockets are open. Keyed by envelope id and, for events, by event id; bounded and forgotten after
 * the retry window.
 */

/** How long Slack may retry an envelope (the Events API's last retry comes about 5 minutes on). */
const REMEMBER_MS = 10 * 60_000;
/** Envelopes remembered at most; the oldest are forgotten first. */
const CAPACITY = 10_000;

/** What is known about an envelope seen before. */
export interface SeenEnvelope {
  /** The ack sent for it, to send again when a retry arrives after it; undefined while it is being worked on. */
  ack: { payload?: unknown } | undefined;
}

/** The keys one envelope is known by. */
export function envelopeKeys(envelope: {
  envelope_id: string;
  type: string;
  payload: Record<string, unknown>;
}): string[] {
  const eventId = envelope.type === 'events_api' ? envelope.payload.event_id : undefined;
  return [`envelope:${envelope.envelope_id}`, ...(typeof eventId === 'string' ? [`event:${eventId}`] : [])];
}

/** Remembers envelopes for the retry window. */
export class EnvelopeMemory {
  private readonly seen = new Map<string, { entry: SeenEnvelope; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The earlier sighting of any of `keys`, or undefined (and then it is remembered as being worked on). */
  admit(keys: readonly string[]): SeenEnvelope | undefined {
    const now = this.now();
    for (const key of keys) {
      const hit = this.seen.get(key);
      if (hit && hit.until > now) return hit.entry;
    }
    const entry: SeenEnvelope = { ack: undefined };
    for (const key of keys) this.seen.set(key, { entry, until: now + REMEMBER_MS });
    while (this.seen.size > CAPACITY) {
      const oldest = this.seen.keys().next().value;
      if (oldest === undefined) break;
      this.seen.delete(oldest);
    }
    return undefined;
  }

  /** Records the ack sent for the envelope known by `keys`. */
  acked(keys: readonly string[], payload: unknown): void {
    for (const key of keys) {
      const hit = this.seen.get(key);
      if (hit) hit.entry.ack = payload === undefined ? {} : { payload };
    }
  }
}
