/**
 * Group status reads kept for a minute. The compliance poll reads every group, and the digest and
 * `/patch status` often follow it (the digest is scheduled beside a poll; someone asks for status
 * after a diff lands): at 100,000 instances each fresh read is over a thousand calls for the same
 * answer. A read with a failed scope is not kept (asking again is how a user retries), and a
 * finished change forgets its group's read, so nobody is shown compliance from before their change.
 */
import type { Clock } from '../clock';
import type { GroupStatus } from './group-reports';
import { InFlight } from './in-flight';

/** How long a read is reused: "within the same minute". */
export const RECENT_READ_MS = 60_000;

/** A minute's memory of each group's status, and one read shared by concurrent asks. */
export class RecentReads {
  private readonly kept = new Map<string, GroupStatus>();
  /** Each kept read's timer: one per group, replaced with the read, so no timer holds a read the map let go of. */
  private readonly expiry = new Map<string, NodeJS.Timeout>();
  private readonly reads = new InFlight<GroupStatus>();

  constructor(
    private readonly clock: Clock,
    readonly maxAgeMs: number = RECENT_READ_MS,
  ) {}

  /** The group's status read within maxAgeMs, else `read` (joined by concurrent asks), kept when whole. */
  status(group: string, read: () => Promise<GroupStatus>): Promise<GroupStatus> {
    const recent = this.recent(group);
    if (recent) return Promise.resolve(recent);
    return this.reads.run(group, async () => {
      const status = await read();
      this.keep(status);
      return status;
    });
  }

  /** Keeps a status read elsewhere (the poll's own read), unless a scope failed. */
  keep(status: GroupStatus): void {
    const { group } = status;
    this.forget(group);
    if (status.failures.length > 0) return;
    this.kept.set(group, status);
    // Let go of it once it can no longer be reused, not at the next ask: with a poll every quarter hour, every
    // group's status (tens of thousands of lines at 100,000 instances) would otherwise be held between polls.
    // Whether a kept read is still fresh is the clock's to say (recent); this timer only frees memory, and
    // holds the group's name, not the read: a timer per read kept held a minute of polls' reads alive.
    const timer = setTimeout(() => this.forget(group), this.maxAgeMs);
    timer.unref();
    this.expiry.set(group, timer);
  }

  /** Forgets the group's read: the next ask reads again. */
  forget(group: string): void {
    clearTimeout(this.expiry.get(group));
    this.expiry.delete(group);
    this.kept.delete(group);
  }

  private recent(group: string): GroupStatus | undefined {
    const kept = this.kept.get(group);
    if (!kept) return undefined;
    if (this.clock.now().getTime() - kept.generatedAt.getTime() < this.maxAgeMs) return kept;
    this.forget(group);
    return undefined;
  }
}
