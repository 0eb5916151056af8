/**
 * One request budget per AWS account and region. AWS throttles per account and region, so every
 * HTTP request patchbot sends there (a poll, a status, a running install, each page of a paginator,
 * each retry) takes a token from one shared bucket: together they stay under the limit instead of
 * throttling each other into failure, and a busy scope waits only on its own bucket.
 */
import type { FinalizeRequestMiddleware, MiddlewareStack, RelativeMiddlewareOptions } from '@aws-sdk/types';
import type { RateLimit } from '../config/rate-limit';
import type { Logger } from '../logger';

/**
 * Monotonic time and a timer, injected so tests can drive the bucket. Not the Clock port: that
 * gives wall-clock dates, which can jump, and cannot schedule a wake-up.
 */
export interface Ticker {
  /** Milliseconds from a monotonic origin. */
  now(): number;
  /** Resolves after `ms`. */
  sleep(ms: number): Promise<void>;
}

/**
 * performance.now and a plain setTimeout. The timer is not unref'd on purpose: a request waiting for
 * its token is work under way, and with nothing else holding the event loop (`main --check`) an
 * unref'd wait let the process exit in the middle of the preflight, printing nothing. The wait is
 * bounded (the queue ahead divided by the rate), so it cannot hold the process open for long.
 */
export const realTicker: Ticker = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A token bucket whose waiters are served first come, first served. Each `take` reserves the next
 * token at once (the count may go negative: that is the queue), then sleeps until its token exists;
 * reservations are made in call order, so no later caller can overtake an earlier one, and nobody polls.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly limit: RateLimit,
    private readonly ticker: Ticker = realTicker,
  ) {
    this.tokens = limit.burst;
    this.last = ticker.now();
  }

  /** Waits for a token; resolves with how long it waited, in ms (0 when one was there). */
  async take(): Promise<number> {
    const now = this.ticker.now();
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.last) / 1000) * this.limit.requestsPerSecond);
    this.last = now;
    this.tokens -= 1;
    if (this.tokens >= 0) return 0;
    const waitMs = (-this.tokens / this.limit.requestsPerSecond) * 1000;
    await this.ticker.sleep(waitMs);
    return waitMs;
  }
}

/** The SDK middleware's name; tests find it in a client's stack by this. */
export const RATE_BUDGET_MIDDLEWARE = 'patchbotRateBudget';

/**
 * Inside the retry middleware (in its step, finalizeRequest, right after `retryMiddleware`, before signing), so
 * each attempt takes its own token and is signed only once it may go.
 */
const placement: RelativeMiddlewareOptions = {
  name: RATE_BUDGET_MIDDLEWARE,
  relation: 'after',
  toMiddleware: 'retryMiddleware',
  override: true,
};

/** Makes every HTTP request of a client (its middleware stack) wait for a token of `bucket`. */
export function useRateBudget<I extends object, O extends object>(
  stack: MiddlewareStack<I, O>,
  bucket: TokenBucket,
  log: Logger,
): void {
  const middleware: FinalizeRequestMiddleware<I, O> = (next, context) => async (args) => {
    const waitedMs = await bucket.take();
    if (waitedMs > 0) log.debug({ operation: context.commandName, waitedMs: Math.round(waitedMs) }, 'request waited');
    return next(args);
  };
  stack.addRelativeTo(middleware, placement);
}

/** Which budget a scope's region draws on: its account when the config names one, else the scope itself. */
export function budgetKey(scope: { name: string; accountId?: string | undefined }, region: string): string {
  return scope.accountId ? `account:${scope.accountId}/${region}` : `scope:${scope.name}/${region}`;
}
