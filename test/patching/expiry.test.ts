import { ManualClock } from '../../src/clock';
import { silentLogger } from '../../src/logger';
import { expireDueRequests, expireIfDue } from '../../src/patching/expiry';
import { readResult } from '../../src/patching';
import { openStore, type Store } from '../../src/store';

describe('expiry on a ManualClock', () => {
  let clock: ManualClock;
  let store: Store;
  beforeEach(async () => {
    clock = new ManualClock('2026-03-01T10:00:00Z');
    store = await openStore({ path: ':memory:', logger: silentLogger(), clock });
  });
  afterEach(async () => await store.close());

  const request = async (expiresInMs: number) =>
    await store.operations.create({
      kind: 'install',
      group: 'PRD',
      status: 'pending',
      requestedBy: 'U0OPS',
      channel: 'C0PRD',
      params: {},
      plan: {},
      expiresAt: new Date(clock.now().getTime() + expiresInMs),
    });

  it('expires a clicked request once its time has come, not before, with the summary the card shows', async () => {
    const op = await request(60_000);
    clock.advance(59_999);
    expect(await expireIfDue({ store, clock }, op)).toBeUndefined();
    clock.advance(1);
    const expired = await expireIfDue({ store, clock }, op);
    expect(expired?.status).toBe('expired');
    expect(readResult(expired!)).toMatchObject({ published: false, summary: 'expired without enough approvals' });
    // Someone else moved it first: nothing to do.
    expect(await expireIfDue({ store, clock }, op)).toBeUndefined();
  });

  it('sweeps every due request in one pass and audits each', async () => {
    const due = [await request(1000), await request(2000)];
    const later = await request(10_000);
    clock.advance(5000);
    const expired = await expireDueRequests({ store, clock, log: silentLogger() });
    expect(expired.map((o) => o.id).sort()).toEqual(due.map((o) => o.id).sort());
    expect((await store.operations.get(later.id))?.status).toBe('pending');
    for (const op of due) {
      expect(readResult((await store.operations.get(op.id))!).published).toBe(false);
      expect((await store.audit.list({ operationId: op.id, limit: 5 })).map((e) => e.action)).toContain(
        'operation.expired',
      );
    }
  });
});
