/** Small statistics for the benchmark's figures. */

/** The p-th percentile (nearest rank) of `values`. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** Latencies summed up, in milliseconds to one decimal. */
export interface Latency {
  p50: number;
  p99: number;
  max: number;
}

/** p50, p99 and max of `ms`. */
export function latency(ms: readonly number[]): Latency {
  const round = (n: number) => Math.round(n * 10) / 10;
  return { p50: round(percentile(ms, 50)), p99: round(percentile(ms, 99)), max: round(Math.max(...ms)) };
}

/** The item whose `key` is the median (the upper one of an even count). */
export function medianBy<T>(items: readonly T[], key: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  const median = sorted[Math.floor(sorted.length / 2)];
  if (median === undefined) throw new RangeError('no rounds to choose from');
  return median;
}
