/**
 * Background work's share of the event loop. A poll of 100,000 instances parses hundreds of
 * megabytes of AWS answers; read a slice at a time, no one slice is long, but every reader waiting
 * on its own `setImmediate` ran its slice in the same turn of the loop, so a turn held twenty
 * readers' slices and the snapshot's pages, and a Slack request needed several such turns before
 * its acknowledgement went out. Slices run through one budget instead: a turn runs slices for at
 * most `budgetMs`, and while a Slack request awaits its acknowledgement (SlackFirst) only one, so
 * the request's own steps come round again after a millisecond or two, not after a hundred.
 * Background work still gets every turn, so a poll slows while commands arrive; it never stops.
 */
import type { SlackFirst } from './slack-first';

/** How long a turn of the loop runs background slices when no Slack request is waiting. */
export const TURN_BUDGET_MS = 8;

/** One queued slice: runs it and settles its caller's promise; `endsTurn` when its work runs after it, unmeasured. */
interface Job {
  run: () => void;
  endsTurn: boolean;
}

/** Runs short synchronous slices of background work, a budget's worth a turn of the event loop. */
export class TurnBudget {
  private readonly queue: Job[] = [];
  private scheduled = false;
  private readonly budgetMs: number;
  private readonly slackFirst: SlackFirst | undefined;
  private readonly now: () => number;

  constructor(
    options: {
      /** Slices a turn runs for at most this long (the last one may run past it). */
      budgetMs?: number;
      /** While it has requests open, a turn runs one slice. */
      slackFirst?: SlackFirst;
      now?: () => number;
    } = {},
  ) {
    this.budgetMs = options.budgetMs ?? TURN_BUDGET_MS;
    if (!(this.budgetMs >= 0)) throw new RangeError(`a turn budget must be 0 ms or more, got ${this.budgetMs}`);
    this.slackFirst = options.slackFirst;
    this.now = options.now ?? (() => performance.now());
  }

  /** Slices waiting for a turn. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Runs `slice` in a later turn of the event loop that has budget left, and resolves (or rejects)
   * with what it returns (or throws). `slice` must be synchronous and short: a few milliseconds.
   */
  run<T>(slice: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const run = () => {
        try {
          resolve(slice());
        } catch (err) {
          reject(err);
        }
      };
      this.queue.push({ run, endsTurn: false });
      this.schedule();
    });
  }

  /** Resolves in a later turn with budget left: for a slice that cannot be wrapped (it awaits); it ends that turn's slices. */
  turn(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.queue.push({ run: () => resolve(), endsTurn: true });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.pump());
  }

  /** One turn's slices: at least one, then more while budget is left and no Slack request waits. */
  private pump(): void {
    this.scheduled = false;
    const start = this.now();
    for (;;) {
      const job = this.queue.shift();
      if (!job) return;
      job.run();
      if (this.queue.length === 0) return;
      if (job.endsTurn) break;
      if ((this.slackFirst?.pending ?? 0) > 0 || this.now() - start >= this.budgetMs) break;
    }
    this.schedule();
  }
}
