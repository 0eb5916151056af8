import { join } from 'node:path';
import { ManualClock } from '../../src/clock';
import { StoreError } from '../../src/errors';
import { Leadership, type WorkLease } from '../../src/jobs/leadership';
import { silentLogger } from '../../src/logger';
import { openStore, type Store } from '../../src/store';
import { tempDir } from '../store/helpers';

const TTL = 15_000;

/** A Leadership whose leader work is a log of 'gained' and 'lost'. */
function member(lease: WorkLease, clock: ManualClock, holder: string) {
  const events: string[] = [];
  const leadership = new Leadership({
    lease,
    clock,
    logger: silentLogger(),
    holder,
    ttlMs: TTL,
    renewEveryMs: 5_000,
    onGained: async () => void events.push('gained'),
    onLost: async () => void events.push('lost'),
  });
  return { leadership, events };
}

/** Lets the queued start/stop of the leader work run. */
const settle = () => new Promise((r) => setImmediate(r));

describe('Leadership', () => {
  const tmp = tempDir();
  const stores: Store[] = [];
  afterAll(async () => {
    for (const s of stores) s.close();
    tmp.cleanup();
  });
  async function onOneFile(name: string): Promise<{ a: Store; b: Store; clock: ManualClock }> {
    const clock = new ManualClock('2026-03-01T10:00:00.000Z');
    const path = join(tmp.dir, name);
    const a = await openStore({ path, logger: silentLogger(), clock });
    const b = await openStore({ path, logger: silentLogger(), clock });
    stores.push(a, b);
    return { a, b, clock };
  }

  it('one of two processes leads; the other takes over when the leader stops renewing and the lease expires', async () => {
    const { a, b, clock } = await onOneFile('expiry.db');
    const A = member(a.lease, clock, 'A');
    const B = member(b.lease, clock, 'B');
    await A.leadership.start();
    await B.leadership.start();
    expect([A.leadership.role, B.leadership.role]).toEqual(['leader', 'follower']);
    expect(A.events).toEqual(['gained']);
    expect(B.events).toEqual([]);

    clock.advance(5_000);
    await A.leadership.check(); // renewed
    await B.leadership.check();
    expect(B.leadership.role).toBe('follower');

    // A stalls (no renewal) past the expiry: B takes over, and A, at its next check, stops at once.
    clock.advance(TTL);
    await B.leadership.check();
    await settle();
    expect(B.leadership.role).toBe('leader');
    expect(B.events).toEqual(['gained']);
    await A.leadership.check();
    await settle();
    expect(A.leadership.role).toBe('follower');
    expect(A.events).toEqual(['gained', 'lost']);

    await A.leadership.stop();
    await B.leadership.stop();
    expect(B.events).toEqual(['gained', 'lost']);
    expect(A.events).toEqual(['gained', 'lost']); // a follower has nothing to stop
  });

  it('a leader that stops gives the lease up, so the follower takes over at its next check', async () => {
    const { a, b, clock } = await onOneFile('release.db');
    const A = member(a.lease, clock, 'A');
    const B = member(b.lease, clock, 'B');
    await A.leadership.start();
    await B.leadership.start();
    await A.leadership.stop();
    expect(A.leadership.role).toBe('stopped');
    expect(A.events).toEqual(['gained', 'lost']);
    clock.advance(1);
    await B.leadership.check();
    await settle();
    expect(B.leadership.role).toBe('leader');
    expect(B.events).toEqual(['gained']);
    await B.leadership.stop();
  });

  it('a leader that cannot renew (the store fails) stops acting at once, and leads again once it can', async () => {
    const { a, clock } = await onOneFile('failing.db');
    let failing = false;
    const flaky: WorkLease = {
      acquire: (holder, ttl) =>
        failing
          ? Promise.reject(new StoreError('database is locked', { problem: 'locked' }))
          : a.lease.acquire(holder, ttl),
      release: (holder) => a.lease.release(holder),
      current: () => a.lease.current(),
    };
    const A = member(flaky, clock, 'A');
    await A.leadership.start();
    expect(A.leadership.role).toBe('leader');
    failing = true;
    clock.advance(5_000);
    await A.leadership.check();
    await settle();
    expect(A.leadership.role).toBe('follower');
    expect(A.events).toEqual(['gained', 'lost']);
    failing = false;
    clock.advance(5_000);
    await A.leadership.check();
    await settle();
    expect(A.leadership.role).toBe('leader');
    expect(A.events).toEqual(['gained', 'lost', 'gained']);
    await A.leadership.stop();
  });

  it('a leader whose lease reports a loss between checks stops at once, and leads again at a later check', async () => {
    const { a, clock } = await onOneFile('reported.db');
    let report: (reason: string) => void = () => undefined;
    const reporting: WorkLease = {
      acquire: (holder, ttl) => a.lease.acquire(holder, ttl),
      release: (holder) => a.lease.release(holder),
      current: () => a.lease.current(),
      onLost: (cb) => {
        report = cb;
      },
    };
    const A = member(reporting, clock, 'A');
    await A.leadership.start();
    report('the session holding the lock ended');
    await settle();
    expect(A.leadership.role).toBe('follower');
    expect(A.events).toEqual(['gained', 'lost']);
    report('the same news again'); // a follower has nothing to stop
    await settle();
    expect(A.events).toEqual(['gained', 'lost']);
    await A.leadership.check();
    await settle();
    expect(A.leadership.role).toBe('leader');
    expect(A.events).toEqual(['gained', 'lost', 'gained']);
    await A.leadership.stop();
    expect(A.events).toEqual(['gained', 'lost', 'gained', 'lost']);
  });

  it('a leader that finds the lease changed hands behind its back restarts its work as a new leader', async () => {
    const { a, b, clock } = await onOneFile('epoch.db');
    const A = member(a.lease, clock, 'A');
    await A.leadership.start();
    // While A stalls, B takes the expired lease and gives it up again.
    clock.advance(TTL);
    expect((await b.lease.acquire('B', TTL)).held).toBe(true);
    await b.lease.release('B');
    clock.advance(1);
    await A.leadership.check();
    await settle();
    expect(A.leadership.role).toBe('leader');
    expect(A.events).toEqual(['gained', 'lost', 'gained']);
    await A.leadership.stop();
  });

  it('a leader whose work fails to start lets the lease go and tries again at the next check', async () => {
    const { a, clock } = await onOneFile('start-fails.db');
    const events: string[] = [];
    let starts = 0;
    const leadership = new Leadership({
      lease: a.lease,
      clock,
      logger: silentLogger(),
      holder: 'A',
      ttlMs: TTL,
      onGained: async () => {
        events.push('gained');
        if (++starts === 1) throw new Error('the first tracker pass could not list operations');
      },
      onLost: async () => void events.push('lost'),
    });
    await leadership.start();
    await settle();
    expect(leadership.role).toBe('follower');
    expect(await a.lease.current()).toMatchObject({ holder: 'A', expiresAt: clock.now() }); // given up
    await leadership.check();
    await settle();
    expect(leadership.role).toBe('leader');
    expect(events).toEqual(['gained', 'lost', 'gained']);
    await leadership.stop();
  });
});
