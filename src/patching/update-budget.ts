/**
 * The pace of progress updates. Slack allows chat.update about 50 times a minute per workspace
 * (Tier 3), and approval cards, results and other messages need part of that: running operations
 * share `updatesPerMinute`, so with many running each one updates less often than updateIntervalMs.
 */
import type { OperationReport } from './report-record';

/** Shares the progress-update allowance among the operations running now. */
export class UpdateBudget {
  /** Operations running at the last pass. */
  private running = 0;

  constructor(
    private readonly updateIntervalMs: number,
    private readonly updatesPerMinute: number,
  ) {}

  /** Records how many operations are running now (once a pass). */
  setRunning(count: number): void {
    this.running = count;
  }

  /** updateIntervalMs, stretched so that all running operations together stay within updatesPerMinute. */
  intervalMs(): number {
    return Math.max(this.updateIntervalMs, Math.ceil((this.running * 60_000) / this.updatesPerMinute));
  }

  /** Whether an operation last updated at `lastPublishAt` (ms; undefined: never) may be updated at `now`. */
  allows(lastPublishAt: number | undefined, now: number): boolean {
    return lastPublishAt === undefined || now - lastPublishAt >= this.intervalMs();
  }
}

/** What a progress update shows; equal signatures mean nothing worth an update changed. */
export function progressSignature(r: OperationReport): string {
  return `${r.total}/${r.finished}/${r.succeeded}/${r.failed}/${r.unreachable.length}|${r.notice ?? ''}`;
}
