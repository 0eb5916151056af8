/**
 * One publish at a time per operation, waited for only briefly. A pass waits for an operation's
 * publish at most `waitMs`; a slower one (Slack hung or down) goes on in the background, and the
 * operation is left alone until it ends: one stuck message never holds the others.
 */
import type { Logger } from '../logger';

/** Publishes under way, by operation. */
export class PublishSlots {
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly waitMs: number,
    private readonly log: Logger,
  ) {}

  /** Whether a publish of the operation is still under way (past waitMs). */
  busy(operationId: string): boolean {
    return this.running.has(operationId);
  }

  /** Runs one operation's publish work, waiting for it at most waitMs. `work` handles its own errors. */
  async run(operationId: string, work: () => Promise<void>): Promise<void> {
    const running = work()
      .catch((err: unknown) => this.log.error({ operationId, err }, 'publishing an operation failed; will retry'))
      .finally(() => this.running.delete(operationId));
    this.running.set(operationId, running);
    await bounded(running, this.waitMs);
  }

  /** Waits a little (waitMs at most) for the publishes under way, at stop. */
  async drain(): Promise<void> {
    await bounded(Promise.allSettled(this.running.values()), this.waitMs);
  }
}

/** Waits for `p` at most `ms`. */
export async function bounded(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
