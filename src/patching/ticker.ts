/**
 * A pass that runs every interval until stopped: passes never overlap, a wake-up runs one soon,
 * and stop() waits for the pass in progress and leaves no timer behind (so jest exits on its own).
 * A pass that throws or rejects is handed to `onError` and the next pass runs as usual: a timer's
 * rejection must never reach the process (an unhandled rejection ends it without a word).
 * nextPass() tells a caller when a pass that began after its call has ended, so anything it queued
 * before the call has been looked at (the bot's idle signal).
 */

/** Runs `pass` every `intervalMs` once started. */
export class Ticker {
  private running: Promise<void> | undefined;
  private rerun = false;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = 0;
  private active = false;
  /** Callers of nextPass() waiting for a pass that has not begun yet. */
  private waiters: Array<() => void> = [];

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly intervalMs: number,
    /** Told of a timer-driven pass that failed (callers of tick() get the rejection themselves). */
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Whether started and not stopped. */
  get started(): boolean {
    return this.active;
  }

  /** Arms the timer (the first pass after `intervalMs`). */
  start(): void {
    this.active = true;
    this.schedule(this.intervalMs);
  }

  /** Stops the timer and waits for the pass in progress. */
  async stop(): Promise<void> {
    this.active = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    this.release(this.waiters.splice(0));
  }

  /**
   * Resolves once a pass that begins after this call has ended: at once when neither started nor in a
   * pass, and on stop() for those still waiting (no pass is coming then).
   */
  nextPass(): Promise<void> {
    if (!this.active && !this.running) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Runs a pass soon without waiting for the interval: at once if none is under way, else once more right after it; nothing unless started. */
  wake(): void {
    this.schedule(0);
  }

  /** One pass now; a call during a pass makes that pass run once more and shares its promise. */
  tick(): Promise<void> {
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.rerun = false;
        const waiting = this.waiters.splice(0);
        try {
          await this.pass();
        } finally {
          this.release(waiting);
        }
      } while (this.rerun);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Tells callers of nextPass() that their pass has ended. */
  private release(waiting: Array<() => void>): void {
    for (const resolve of waiting) resolve();
  }

  /** Hands a failed pass to onError; an onError that throws is not allowed to end the loop either. */
  private report(err: unknown): void {
    try {
      this.onError(err);
    } catch {
      // Nothing sensible is left to do with it; the next pass runs regardless.
    }
  }

  /** Arms the timer for `delayMs` unless it is already due sooner. */
  private schedule(delayMs: number): void {
    if (!this.active) return;
    const due = Date.now() + delayMs;
    if (this.timer && this.timerDue <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.tick()
        .catch((err: unknown) => this.report(err))
        .finally(() => this.schedule(this.intervalMs));
    }, delayMs);
  }
}
