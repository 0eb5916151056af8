/**
 * Shares one running read among everyone who asks for the same key while it runs. Nothing is kept
 * once it settles, so an answer is never older than a read that was already under way when it was
 * asked for: a burst of `/patch status PRD` costs one read of PRD, not one per command.
 */
export class InFlight<V> {
  private readonly running = new Map<string, Promise<V>>();

  /** Joins the read of `key` under way, or starts `read` and lets others join it until it settles. */
  run(key: string, read: () => Promise<V>): Promise<V> {
    const joined = this.running.get(key);
    if (joined) return joined;
    const started = read().finally(() => this.running.delete(key));
    this.running.set(key, started);
    return started;
  }

  /** Keys with a read under way. */
  get size(): number {
    return this.running.size;
  }
}
