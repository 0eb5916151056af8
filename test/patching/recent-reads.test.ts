/** RecentReads: a group's status is reused for a minute, never when a scope failed, and forgotten after a change. */
import { ManualClock } from '../../src/clock';
import type { GroupStatus } from '../../src/patching';
import { RECENT_READ_MS, RecentReads } from '../../src/patching/recent-reads';

function status(group: string, at: Date, failed = false): GroupStatus {
  return {
    group,
    generatedAt: at,
    failures: failed ? [{ scope: 'a', region: 'us-east-1', message: 'down' }] : [],
  } as unknown as GroupStatus;
}

/** A read of PRD at the clock's time, and how many times it ran. */
function countedReads(clock: ManualClock) {
  let count = 0;
  const read = async () => {
    count++;
    return status('PRD', clock.now());
  };
  return { read, reads: () => count };
}

/** Whether `recent` still holds a read of `group`: asking reads again when it does not (a failed read, which it does not keep). */
async function holds(recent: RecentReads, clock: ManualClock, group: string): Promise<boolean> {
  let read = false;
  await recent.status(group, async () => {
    read = true;
    return status(group, clock.now(), true);
  });
  return !read;
}

describe('RecentReads', () => {
  it('reuses a read for a minute, then reads again', async () => {
    const clock = new ManualClock();
    const recent = new RecentReads(clock);
    const { read, reads } = countedReads(clock);
    const first = await recent.status('PRD', read);
    clock.advance(RECENT_READ_MS - 1);
    expect(await recent.status('PRD', read)).toBe(first);
    expect(reads()).toBe(1);
    clock.advance(1);
    expect(await recent.status('PRD', read)).not.toBe(first);
    expect(reads()).toBe(2);
  });

  it('lets go of a kept read once it can no longer be reused, asked again or not', async () => {
    jest.useFakeTimers();
    try {
      const clock = new ManualClock();
      const recent = new RecentReads(clock, 30);
      recent.keep(status('PRD', clock.now()));
      recent.keep(status('DEV', clock.now()));
      expect([await holds(recent, clock, 'PRD'), await holds(recent, clock, 'DEV')]).toEqual([true, true]);
      // A read kept again later is held for its own time, not the earlier one's.
      jest.advanceTimersByTime(20);
      const again = status('DEV', clock.now());
      recent.keep(again);
      jest.advanceTimersByTime(20);
      expect(await holds(recent, clock, 'PRD')).toBe(false);
      expect(await recent.status('DEV', async () => status('DEV', clock.now()))).toBe(again);
      jest.advanceTimersByTime(10);
      expect(await holds(recent, clock, 'DEV')).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });

  it('holds one timer per group however often its read is kept, and none once it is forgotten', async () => {
    jest.useFakeTimers();
    try {
      const clock = new ManualClock();
      const recent = new RecentReads(clock);
      // Polls back to back keep a group's read every few seconds: no timer may hold an earlier one for its minute.
      for (let i = 0; i < 100; i++) {
        recent.keep(status('PRD', clock.now()));
        recent.keep(status('DEV', clock.now()));
      }
      expect(jest.getTimerCount()).toBe(2);
      recent.keep(status('PRD', clock.now(), true));
      recent.forget('DEV');
      expect(jest.getTimerCount()).toBe(0);
      expect([await holds(recent, clock, 'PRD'), await holds(recent, clock, 'DEV')]).toEqual([false, false]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('shares one read among concurrent asks', async () => {
    const recent = new RecentReads(new ManualClock());
    let reads = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const read = async () => {
      reads++;
      await gate;
      return status('PRD', new Date('2026-01-01T00:00:00Z'));
    };
    const both = Promise.all([recent.status('PRD', read), recent.status('PRD', read)]);
    release();
    const [a, b] = await both;
    expect(a).toBe(b);
    expect(reads).toBe(1);
  });

  it('keeps the poll’s read, but not one with a failed scope, and forgets a group after its change', async () => {
    const clock = new ManualClock();
    const recent = new RecentReads(clock);
    const { read, reads } = countedReads(clock);
    recent.keep(status('PRD', clock.now()));
    await recent.status('PRD', read);
    expect(reads()).toBe(0);
    recent.forget('PRD');
    await recent.status('PRD', read);
    expect(reads()).toBe(1);
    recent.keep(status('PRD', clock.now(), true));
    await recent.status('PRD', read);
    expect(reads()).toBe(2);
    // A read that failed a scope is not kept either: the next ask (a user retrying) reads again.
    let failingReads = 0;
    const failing = async () => {
      failingReads++;
      return status('STG', clock.now(), true);
    };
    await recent.status('STG', failing);
    await recent.status('STG', failing);
    expect(failingReads).toBe(2);
  });
});
