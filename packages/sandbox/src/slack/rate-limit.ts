/**
 * Rate limits and injected faults. Limits run on a monotonic wall clock, not on the injected clock:
 * they are about how fast requests really arrive, and WebClient really waits out `Retry-After`.
 */
import type { SlackKnobs } from './knobs';

/** Slack's rate-limit tiers, plus chat.postMessage's own per-channel rule. */
export type RateTier = 1 | 2 | 3 | 4 | 'postMessage' | 'none';

/** Milliseconds from a monotonic clock. */
export type MonotonicNow = () => number;

const monotonic: MonotonicNow = () => performance.now();

/** A fault queued for a method. */
export type Fault = (
  | { kind: 'error'; error: string; remaining: number; extra?: Record<string, unknown>; applied?: boolean }
  | { kind: 'ratelimit'; retryAfterSeconds: number; remaining: number }
  | { kind: 'hang'; ms: number; remaining: number }
) & {
  /** Only calls naming this channel (by id) meet the fault; absent, every call to the method does. */
  channel?: string;
};

/** Options for `hangNext`. */
export interface HangNextOptions {
  /** How many calls hang (default 1). */
  count?: number;
  /** Only calls naming this channel id. */
  channel?: string;
}

/** Options for `failNext`. */
export interface FailNextOptions {
  /** How many calls fail (default 1). */
  count?: number;
  /** Extra members merged into the error body (e.g. `needed` for `missing_scope`). */
  extra?: Record<string, unknown>;
  /**
   * Do what was asked first, then answer the error anyway: Slack documents that after
   * `internal_error` (or a timeout) the message may have been posted all the same.
   */
  applied?: boolean;
  /** Only calls naming this channel id. */
  channel?: string;
}

/** Faults queued by tests: each call to a method takes the first one queued for it. */
export class FaultPlan {
  private readonly queued = new Map<string, Fault[]>();

  /** The next `count` calls to `method` answer `{ok:false,error}`. */
  failNext(method: string, error: string, options: FailNextOptions = {}): void {
    this.push(method, {
      kind: 'error',
      error,
      remaining: options.count ?? 1,
      ...(options.extra ? { extra: options.extra } : {}),
      ...(options.applied ? { applied: true } : {}),
      ...(options.channel ? { channel: options.channel } : {}),
    });
  }

  /**
   * The next `count` calls to `method` hang for `ms` before they are handled, as a stuck
   * connection does; a call whose client gave up meanwhile is dropped unhandled (the connection was reset).
   */
  hangNext(method: string, ms: number, options: HangNextOptions = {}): void {
    this.push(method, {
      kind: 'hang',
      ms,
      remaining: options.count ?? 1,
      ...(options.channel ? { channel: options.channel } : {}),
    });
  }

  /** The next `count` calls to `method` answer 429 with `Retry-After: retryAfterSeconds`. */
  rateLimitNext(method: string, retryAfterSeconds: number, count = 1): void {
    this.push(method, { kind: 'ratelimit', retryAfterSeconds, remaining: count });
  }

  /** Takes one use of the first fault queued for `method` that a call naming `channel` meets. */
  take(method: string, channel?: string): Fault | undefined {
    const list = this.queued.get(method);
    const index = list?.findIndex((f) => f.channel === undefined || f.channel === channel) ?? -1;
    const first = list?.[index];
    if (!list || !first) return undefined;
    first.remaining -= 1;
    if (first.remaining <= 0) list.splice(index, 1);
    return first;
  }

  /** Drops every queued fault. */
  clear(): void {
    this.queued.clear();
  }

  private push(method: string, fault: Fault): void {
    if (fault.remaining < 1) return;
    const list = this.queued.get(method) ?? [];
    list.push(fault);
    this.queued.set(method, list);
  }
}

/** Slack's limits when the `rateLimits` knob is on. */
export class RateLimiter {
  /** chat.postMessage token buckets per channel: tokens and last refill time. */
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  /** Call times per method in the last minute, for tiered methods. */
  private readonly windows = new Map<string, number[]>();

  constructor(private readonly now: MonotonicNow = monotonic) {}

  /**
   * Counts a call; returns the seconds to wait when it is over the limit (the call is then not
   * counted), undefined when it may proceed.
   */
  check(method: string, tier: RateTier, channel: string | undefined, knobs: SlackKnobs): number | undefined {
    if (!knobs.rateLimits || tier === 'none') return undefined;
    if (tier === 'postMessage') return this.postMessage(channel ?? '', knobs);
    return this.tiered(method, knobs.tierPerMinute[tier]);
  }

  /** Forgets all counts. */
  clear(): void {
    this.buckets.clear();
    this.windows.clear();
  }

  private postMessage(channel: string, knobs: SlackKnobs): number | undefined {
    const rate = Math.max(0.001, knobs.postMessagePerSecondPerChannel);
    const capacity = Math.max(1, knobs.postMessageBurst);
    const now = this.now();
    const bucket = this.buckets.get(channel) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.buckets.set(channel, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / rate));
  }

  private tiered(method: string, perMinute: number): number | undefined {
    const now = this.now();
    const recent = (this.windows.get(method) ?? []).filter((t) => now - t < 60_000);
    this.windows.set(method, recent);
    if (recent.length >= Math.max(1, perMinute)) {
      const oldest = recent[0] ?? now;
      return Math.max(1, Math.ceil((60_000 - (now - oldest)) / 1000));
    }
    recent.push(now);
    return undefined;
  }
}
