/**
 * Fault knobs: latency, a per-partition token bucket (AWS throttles per account and region), and
 * seeded random throttling and server errors. Rate limiting runs on a monotonic wall clock, not on
 * the simulator's injected clock: it is about how fast requests really arrive.
 */
import type { Random } from './random';

/** Run Command timings: how long an invocation waits, then runs. */
export interface Timing {
  pendingMs: number;
  runMs: number;
}

/** The knobs that can change at run time. */
export interface Knobs {
  latencyMs: number;
  jitterMs: number;
  /** Requests per second per partition; 0 turns the bucket off. */
  throttleRps: number;
  /** Fraction of requests answered with a 500. */
  errorRate: number;
  /** Fraction of requests answered with a throttling error at random. */
  throttleRate: number;
  timing: Timing;
  /** IAM actions answered with AccessDenied, as a role missing a permission would be. */
  deny: DenyRule[];
  /** Network faults on chosen actions: answers lost, requests delayed or hung (see FaultRule). */
  faults: FaultRule[];
}

/**
 * A network fault on one action (`ssm:SendCommand`, `ec2:RebootInstances`, ...):
 * - `lose-answer`: the request is carried out, then the connection is dropped before any answer
 *   (AWS did it; the client cannot know);
 * - `delay`: the request waits `ms` on the way in, then is carried out whatever became of the
 *   client (a request still on the wire when its sender died lands later);
 * - `hang`: the request is held `ms` and the connection dropped without carrying it out.
 * `times` limits the rule to the next N matching requests (unlimited when absent).
 */
export interface FaultRule {
  action: string;
  kind: 'lose-answer' | 'delay' | 'hang';
  ms?: number;
  times?: number;
}

/** The fault rule for `action`, if one applies; a rule with `times` is used up as it applies. */
export function takeFault(rules: FaultRule[], action: string): FaultRule | undefined {
  const service = action.split(':')[0];
  const rule = rules.find(
    (r) =>
      (r.action === '*' || r.action === action || r.action === `${service}:*`) &&
      (r.times === undefined || r.times > 0),
  );
  if (rule && rule.times !== undefined) rule.times--;
  return rule;
}

/**
 * An IAM denial to simulate: `action` is `ssm:SendCommand`, `ssm:*` or `*`; without `account`,
 * every account; without `region`, every region (a region-scoped deny, as an SCP or a policy
 * condition on aws:RequestedRegion would be).
 */
export interface DenyRule {
  action: string;
  account?: string;
  region?: string;
}

/**
 * Actions IAM cannot deny: "No permissions are required to perform this operation. If an
 * administrator adds a policy ... that explicitly denies access to the sts:GetCallerIdentity
 * action, you can still perform this operation" (STS API reference).
 */
const NEEDS_NO_PERMISSION: ReadonlySet<string> = new Set(['sts:GetCallerIdentity']);

/** Whether a rule denies `action` (e.g. `ssm:SendCommand`) to `account` in `region`. */
export function isDenied(rules: readonly DenyRule[], action: string, account: string, region: string): boolean {
  if (NEEDS_NO_PERMISSION.has(action)) return false;
  const service = action.split(':')[0];
  return rules.some(
    (r) =>
      (r.account === undefined || r.account === account) &&
      (r.region === undefined || r.region === region) &&
      (r.action === '*' || r.action === action || r.action === `${service}:*`),
  );
}

/** Defaults: no faults, invocations take a few seconds. */
export const DEFAULT_KNOBS: Knobs = {
  latencyMs: 0,
  jitterMs: 0,
  throttleRps: 0,
  errorRate: 0,
  throttleRate: 0,
  timing: { pendingMs: 1000, runMs: 3000 },
  deny: [],
  faults: [],
};

/** Milliseconds from a monotonic clock. */
export type MonotonicNow = () => number;

const monotonic: MonotonicNow = () => performance.now();

/** A token bucket refilled at `rate` tokens a second, holding at most `rate` tokens (one second of burst). */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private rate: number,
    private readonly now: MonotonicNow = monotonic,
  ) {
    this.tokens = Math.max(1, rate);
    this.last = now();
  }

  /** Takes a token if one is there. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Changes the refill rate; a lower rate also lowers the burst held. */
  setRate(rate: number): void {
    this.refill();
    this.rate = rate;
    this.tokens = Math.min(this.tokens, Math.max(1, rate));
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(Math.max(1, this.rate), this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }
}

/** The fault a request draws, if any. */
export type Fault = 'throttle' | 'error' | undefined;

/**
 * Decides which requests get an injected fault. Positions are random (from the seed) but spread
 * evenly: each rate feeds an accumulator that fires when it passes a random threshold, so over
 * any n requests the count stays within about two of rate × n. Plain coin flips would let a short
 * test see no fault at all (8 calls at 0.33 miss every time 4% of the time), which makes "the
 * client retried a throttle" unprovable.
 */
export class FaultPlan {
  private throttleLevel = 0;
  private errorLevel = 0;
  private throttleThreshold: number;
  private errorThreshold: number;

  constructor(private readonly random: Random) {
    this.throttleThreshold = 1 - random.next();
    this.errorThreshold = 1 - random.next();
  }

  /** The fault for the next request. */
  next(knobs: Knobs): Fault {
    this.throttleLevel += knobs.throttleRate;
    this.errorLevel += knobs.errorRate;
    if (knobs.throttleRate > 0 && this.throttleLevel >= this.throttleThreshold) {
      this.throttleLevel -= 1;
      this.throttleThreshold = 1 - this.random.next();
      return 'throttle';
    }
    if (knobs.errorRate > 0 && this.errorLevel >= this.errorThreshold) {
      this.errorLevel -= 1;
      this.errorThreshold = 1 - this.random.next();
      return 'error';
    }
    return undefined;
  }
}

/** The latency for one request: base plus up to `jitterMs`. */
export function drawLatency(random: Random, knobs: Knobs): number {
  if (knobs.latencyMs <= 0 && knobs.jitterMs <= 0) return 0;
  return Math.max(0, knobs.latencyMs + (knobs.jitterMs > 0 ? random.next() * knobs.jitterMs : 0));
}
