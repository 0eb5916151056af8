import { ManualClock } from '../../src/clock';
import { silentLogger } from '../../src/logger';
import { expireDueRequests, expireIfDue } from '../../src/patching/expiry';
import { readResult } from '../../src/patching';
import { openDatabase, type Store } from '../../src/store';

describe('expiry on a ManualClock', () => {
  let clock: ManualClock;
  let store: Store;
  beforeEach(() => {
    clock = new ManualClock('2026-03-01T10:00:00Z');
    store = openDatabase({ path: ':memory:', logger: silentLogger(), clock });
  });
  afterEach(() => store.close());

  const request = (expiresInMs: number) =>
    store.operations.create({
      kind: 'install',
      group: 'PRD',
      status: 'pending',
      requestedBy: 'U0OPS',
      channel: 'C0PRD',
      params: {},
      plan: {},
      expiresAt: new Date(clock.now().getTime() + expiresInMs),
    });

  it('expires a clicked request once its time has come, not before, with the summary the card shows', () => {
    const op = request(60_000);
    clock.advance(59_999);
    expect(expireIfDue({ store, clock }, op)).toBeUndefined();
    clock.advance(1);
    const expired = expireIfDue({ store, clock }, op);
    expect(expired?.status).toBe('expired');
    expect(readResult(expired!)).toMatchObject({ published: false, summary: 'expired without enough approvals' });
    // Someone else moved it first: nothing to do.
    expect(expireIfDue({ store, clock }, op)).toBeUndefined();
  });

  it('sweeps every due request in one pass and audits each', () => {
    const due = [request(1000), request(2000)];
    const later = request(10_000);
    clock.advance(5000);
    const expired = expireDueRequests({ store, clock, log: silentLogger() });
    expect(expired.map((o) => o.id).sort()).toEqual(due.map((o) => o.id).sort());
    expect(store.operations.get(later.id)?.status).toBe('pending');
    for (const op of due) {
      expect(readResult(store.operations.get(op.id)!).published).toBe(false);
      expect(store.audit.list({ operationId: op.id, limit: 5 }).map((e) => e.action)).toContain('operation.expired');
    }
  });
});
