/**
 * Counts work in flight and tells when none is left. The bot counts each Slack request from the
 * request guard until its listeners are done (the work after the acknowledgement included), so
 * `RunningBot.idle()` can say that everything received so far has been handled.
 */
export class InFlight {
  private count = 0;
  private waiting: Array<() => void> = [];

  /** How many are in flight now. */
  get size(): number {
    return this.count;
  }

  /** Runs `work`, counted until it settles; resolves or rejects as it does. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    this.count += 1;
    try {
      return await work();
    } finally {
      this.count -= 1;
      if (this.count === 0) for (const resolve of this.waiting.splice(0)) resolve();
    }
  }

  /** Resolves once nothing is in flight: at once when nothing is, else when the last one settles. */
  idle(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}
