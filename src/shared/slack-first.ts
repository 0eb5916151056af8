/** The longest an AWS request waits behind Slack's acknowledgements: a burst of commands slows a poll, never stalls it. */
export const SLACK_FIRST_MAX_WAIT_MS = 1000;

/**
 * Slack's requests before background AWS traffic. Slack shows the user an error when an
 * acknowledgement takes over 3 seconds, and every millisecond of it is someone waiting; the next
 * page of a compliance poll can wait. The receivers mark each Slack request from its arrival to its
 * acknowledgement, and every AWS request waits to start while any is open, but never longer than
 * `maxWaitMs`: a steady stream of commands slows the pollers down, it cannot stop them.
 */
export class SlackFirst {
  private open = 0;
  private readonly waiting = new Set<() => void>();

  constructor(private readonly maxWaitMs: number) {
    if (!(maxWaitMs >= 0)) throw new RangeError(`the longest wait must be 0 ms or more, got ${maxWaitMs}`);
  }

  /** Slack requests received and not yet acknowledged. */
  get pending(): number {
    return this.open;
  }

  /**
   * Marks a Slack request as arrived; the returned function marks it acknowledged (calling it again
   * does nothing). A request still open after `maxWaitMs` stops counting by itself: the HTTP count
   * starts before the signature can be checked, and a request dribbled in (or never finished) by
   * anyone who can reach the port must not hold AWS traffic back for longer than that.
   */
  arrived(): () => void {
    this.open += 1;
    let done = false;
    const acknowledged = () => {
      if (done) return;
      done = true;
      clearTimeout(expiry);
      this.open -= 1;
      if (this.open === 0) for (const wake of [...this.waiting]) wake();
    };
    const expiry = setTimeout(acknowledged, this.maxWaitMs);
    // Bookkeeping only: a Slack request that outlives it is the receiver's to time out, not a reason to keep running.
    expiry.unref();
    return acknowledged;
  }

  /** Resolves at once when no Slack request is open, else when the last is acknowledged or `maxWaitMs` has passed. */
  async turn(): Promise<void> {
    if (this.open === 0 || this.maxWaitMs === 0) return;
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, this.maxWaitMs);
      this.waiting.add(wake);
    });
  }
}
