/**
 * Keeps opened App Homes fresh without flooding views.publish: when something changes, the Home of
 * every user who opened it is published again, at most once per `minIntervalMs` per user. A change
 * inside that interval is coalesced into one trailing publish when the interval is up. Time is the
 * injected clock's; one unref'd interval checks what is due only while something is due, and stop()
 * clears it. Memory is bounded: the least recently opened users past `maxUsers` are forgotten.
 */
import type { Clock } from '../clock';
import type { Logger } from '../logger';

/** What the refresher needs. */
export interface HomeRefresherOptions {
  clock: Clock;
  logger: Logger;
  /** Publishes one user's Home. */
  publish: (userId: string) => Promise<void>;
  /** Default one minute. */
  minIntervalMs?: number;
  /** Users remembered; default 5,000. */
  maxUsers?: number;
  /** How often (real time) due publishes are looked for while any is due; default 1 s. */
  checkEveryMs?: number;
}

interface Viewer {
  lastAt: number | undefined;
  dueAt: number | undefined;
}

/** Republishes opened Homes on change, throttled per user. */
export class HomeRefresher {
  private readonly viewers = new Map<string, Viewer>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly minIntervalMs: number;
  private readonly maxUsers: number;
  private readonly checkEveryMs: number;
  private readonly log: Logger;

  constructor(private readonly options: HomeRefresherOptions) {
    this.minIntervalMs = options.minIntervalMs ?? 60_000;
    this.maxUsers = options.maxUsers ?? 5_000;
    this.checkEveryMs = options.checkEveryMs ?? 1_000;
    this.log = options.logger.child({ subsystem: 'home' });
  }

  /** The user opened their Home: remembered, and published now (they are looking at it). */
  async opened(userId: string): Promise<void> {
    this.remember(userId);
    await this.publishNow(userId);
  }

  /** The user acted (a dialog's decision): their Home, if opened, is published now, not throttled (they are looking at it). */
  async acted(userId: string): Promise<void> {
    if (this.viewers.has(userId)) await this.publishNow(userId);
  }

  /** Something a Home shows changed: every opened Home is published, throttled per user. */
  changed(): void {
    for (const userId of this.viewers.keys()) this.request(userId);
  }

  /** Whether the user's Home is remembered as opened. */
  knows(userId: string): boolean {
    return this.viewers.has(userId);
  }

  /** Users remembered (for tests and health). */
  get size(): number {
    return this.viewers.size;
  }

  /** Publishes every due trailing refresh now (the interval calls it; tests may too). */
  async flushDue(): Promise<void> {
    const now = this.options.clock.now().getTime();
    const due = [...this.viewers].filter(([, v]) => v.dueAt !== undefined && v.dueAt <= now).map(([u]) => u);
    await Promise.all(due.map((u) => this.publishNow(u)));
    this.armOrDisarm();
  }

  /** Stops the interval; later changes are ignored. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One user's refresh: now when the last publish is older than the interval, else once when it is up. */
  private request(userId: string): void {
    const v = this.viewers.get(userId);
    if (!v || this.stopped) return;
    const now = this.options.clock.now().getTime();
    if (v.lastAt === undefined || now - v.lastAt >= this.minIntervalMs) {
      void this.publishNow(userId);
      return;
    }
    v.dueAt ??= v.lastAt + this.minIntervalMs;
    this.armOrDisarm();
  }

  private async publishNow(userId: string): Promise<void> {
    const v = this.viewers.get(userId);
    if (v) {
      v.lastAt = this.options.clock.now().getTime();
      v.dueAt = undefined;
    }
    await this.options
      .publish(userId)
      .catch((err: unknown) => this.log.warn({ err, userId }, 'could not publish a Home'));
  }

  /** Marks the user most recently seen, forgetting the oldest past the cap. */
  private remember(userId: string): void {
    const v = this.viewers.get(userId) ?? { lastAt: undefined, dueAt: undefined };
    this.viewers.delete(userId);
    this.viewers.set(userId, v);
    while (this.viewers.size > this.maxUsers) {
      const oldest = this.viewers.keys().next().value;
      if (oldest === undefined) break;
      this.viewers.delete(oldest);
    }
  }

  /** The interval runs only while some publish is due. */
  private armOrDisarm(): void {
    const anyDue = [...this.viewers.values()].some((v) => v.dueAt !== undefined);
    if (anyDue && !this.timer && !this.stopped) {
      this.timer = setInterval(() => void this.flushDue(), this.checkEveryMs);
      this.timer.unref();
    } else if (!anyDue && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
