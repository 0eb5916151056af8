/**
 * Call statistics, so tests can prove what a client sent: calls and rejections by operation,
 * throttled and injected-error totals (with their per-operation breakdown), and the same per
 * partition.
 */

/** Counters for one scope (everything, or one partition). */
export interface Counters {
  /** Every request, by operation. */
  calls: Record<string, number>;
  /** Requests answered with a 4xx AWS error (invalid, unknown, not found), by operation. */
  rejected: Record<string, number>;
  /** `Operation:ErrorCode` → count, for the rejections. */
  rejectedCodes: Record<string, number>;
  /** Requests refused by the rate limiter or by random throttling. */
  throttled: number;
  throttledByOperation: Record<string, number>;
  /** Requests answered with an injected 500. */
  errorsInjected: number;
  errorsInjectedByOperation: Record<string, number>;
}

/** A snapshot of the statistics. */
export interface Stats extends Counters {
  since: string;
  totalCalls: number;
  /** Per `account/region`. */
  partitions: Record<string, Counters>;
}

/** What happened to a request. */
export type Outcome = 'call' | 'throttled' | 'errorInjected' | 'rejected';

function emptyCounters(): Counters {
  return {
    calls: {},
    rejected: {},
    rejectedCodes: {},
    throttled: 0,
    throttledByOperation: {},
    errorsInjected: 0,
    errorsInjectedByOperation: {},
  };
}

function bump(counter: Record<string, number>, key: string): void {
  counter[key] = (counter[key] ?? 0) + 1;
}

/** Collects statistics. */
export class StatsRecorder {
  private all = emptyCounters();
  private byPartition = new Map<string, Counters>();
  private since = new Date();

  /** Counts one event for an operation in a partition. `code` names the error of a rejection. */
  record(partitionKey: string, operation: string, outcome: Outcome, code?: string): void {
    let partition = this.byPartition.get(partitionKey);
    if (!partition) {
      partition = emptyCounters();
      this.byPartition.set(partitionKey, partition);
    }
    for (const target of [this.all, partition]) {
      switch (outcome) {
        case 'call':
          bump(target.calls, operation);
          break;
        case 'throttled':
          target.throttled++;
          bump(target.throttledByOperation, operation);
          break;
        case 'errorInjected':
          target.errorsInjected++;
          bump(target.errorsInjectedByOperation, operation);
          break;
        case 'rejected':
          bump(target.rejected, operation);
          bump(target.rejectedCodes, `${operation}:${code ?? 'Unknown'}`);
          break;
      }
    }
  }

  /** A deep copy of the current statistics. */
  snapshot(): Stats {
    return {
      since: this.since.toISOString(),
      ...structuredClone(this.all),
      totalCalls: Object.values(this.all.calls).reduce((a, b) => a + b, 0),
      partitions: Object.fromEntries([...this.byPartition].map(([key, counters]) => [key, structuredClone(counters)])),
    };
  }

  /** Clears every counter. */
  reset(): void {
    this.all = emptyCounters();
    this.byPartition = new Map();
    this.since = new Date();
  }
}
