/**
 * Runs at most `limit` tasks at once; the rest wait their turn in arrival order. The /patch handler
 * runs command work through one, so a burst of commands cannot flood the event loop with AWS
 * traffic and delay the acknowledgements of the commands still arriving; the AWS clients run
 * DescribeInstances pages through another (src/aws/instance-page-gate.ts).
 */
export class TaskGate {
  private running = 0;
  private readonly queue: Array<() => void> = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`a task gate needs a limit of at least 1, got ${limit}`);
  }

  /** Tasks waiting for a turn. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Runs `task` once a turn is free; resolves or rejects as the task does. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.running += 1;
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      // The turn passes straight to the next task, so `running` never dips below the limit while tasks wait.
      if (next) next();
      else this.running -= 1;
    }
  }
}
