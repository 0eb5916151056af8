/** The organisation benchmark's figures and targets: the pure arithmetic its report rests on. */

/** The targets for the organisation section. */
export const ORG_TARGETS = {
  /** Accepted calls at most this times the minimum, at every size. */
  callRatio: 1.05,
  /** A quiet poll of the largest fleet in at most this share of the former read's calls. */
  beforeShare: 0.5,
  /** Wall time and calls grow at most this fast with the fleet (1 is linear). */
  exponent: 1.1,
  peakRssMb: 300,
  /** Acknowledgement p99 while the largest poll runs, against the bare Bolt app's. */
  ackP99Ratio: 1.25,
  /** Throttled wall time against the rate-limit bound. */
  throttledWallRatio: 1.15,
} as const;

/** How fast `value` grows with `size` between two points: log(v2/v1) / log(n2/n1); 1 is linear. */
export function growthExponent(n1: number, v1: number, n2: number, v2: number): number {
  if (n1 <= 0 || n2 <= 0 || n1 === n2 || v1 <= 0 || v2 <= 0) return NaN;
  return Math.log(v2 / v1) / Math.log(n2 / n1);
}

/**
 * The least time a rate limit of `rps` a second (a bucket holding `burst`) allows for the calls each
 * scope had accepted: the busiest scope's calls beyond the burst, at the rate.
 */
export function rateBoundMs(acceptedPerScope: readonly number[], burst: number, rps: number): number {
  if (rps <= 0) return 0;
  const busiest = Math.max(0, ...acceptedPerScope);
  return Math.round((Math.max(0, busiest - burst) / rps) * 1000);
}

/** `a / b`, NaN when b is not positive. */
export const ratio = (a: number, b: number): number => (b > 0 ? a / b : NaN);

/** "met", or "**missed** by N%" over an upper bound; "n/a" when the figure could not be taken. */
export function atMost(value: number, target: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value <= target) return 'met';
  return `**missed** by ${Math.max(1, Math.round((value / target - 1) * 100))}%`;
}
