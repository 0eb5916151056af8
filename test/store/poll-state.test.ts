import { MIGRATIONS, schemaVersion } from '../../src/store';
import { testStore } from './helpers';

describe('poll state (migration v3)', () => {
  it('is part of the latest schema', () => {
    const { store } = testStore();
    expect(MIGRATIONS.map((m) => m.version)).toContain(3);
    expect(schemaVersion(store.db)).toBe(MIGRATIONS.length);
    store.close();
  });

  it('window executions: baseline on first poll, markSeen once, listed by end time', () => {
    const { store, clock } = testStore();
    const base = {
      scope: 's',
      region: 'r',
      windowId: 'mw-1',
      windowName: 'w',
      status: 'SUCCESS',
      startTime: new Date('2026-03-01T08:00:00Z'),
      groups: ['PRD'],
    };
    expect(store.pollState.windowPolledAt('s', 'r', 'mw-1')).toBeUndefined();
    store.pollState.markWindowPolled('s', 'r', 'mw-1', [
      { ...base, executionId: 'e1', endTime: new Date('2026-03-01T09:00:00Z'), baseline: true },
    ]);
    expect(store.pollState.windowPolledAt('s', 'r', 'mw-1')).toEqual(clock.now());
    expect(store.pollState.isSeen('s', 'r', 'mw-1', 'e1')).toBe(true);
    expect(store.pollState.isSeen('s', 'r', 'mw-1', 'e2')).toBe(false);
    expect(
      store.pollState.markSeen({
        ...base,
        executionId: 'e2',
        endTime: new Date('2026-03-01T09:30:00Z'),
        baseline: false,
      }),
    ).toBe(true);
    expect(store.pollState.markSeen({ ...base, executionId: 'e2', endTime: null, baseline: false })).toBe(false);
    expect(store.pollState.newestSeenStart('s', 'r', 'mw-1')).toEqual(base.startTime);
    const after = store.pollState.executionsEndedAfter(new Date('2026-03-01T08:30:00Z'));
    expect(after.map((e) => [e.executionId, e.baseline, e.groups])).toEqual([
      ['e1', true, ['PRD']],
      ['e2', false, ['PRD']],
    ]);
    expect(store.pollState.executionsEndedAfter(new Date('2026-03-01T09:10:00Z')).map((e) => e.executionId)).toEqual([
      'e2',
    ]);
    store.close();
  });

  it('digests: the last one per channel', () => {
    const { store, clock } = testStore();
    expect(store.pollState.lastDigest('C1')).toBeUndefined();
    store.pollState.recordDigest('C1', { groups: [{ group: 'PRD', compliant: 1 }] });
    clock.advance(60_000);
    store.pollState.recordDigest('C1', { groups: [{ group: 'PRD', compliant: 2 }] });
    store.pollState.recordDigest('C2', { groups: [] });
    expect(store.pollState.lastDigest('C1')).toEqual({
      channel: 'C1',
      sentAt: clock.now(),
      data: { groups: [{ group: 'PRD', compliant: 2 }] },
    });
    store.close();
  });

  it('compliance polls: first and last poll per group, scope and region', () => {
    const { store, clock } = testStore();
    expect(store.pollState.compliancePolledAt('PRD', 's', 'r')).toBeUndefined();
    const first = clock.now();
    store.pollState.markCompliancePolled('PRD', 's', 'r');
    clock.advance(1000);
    store.pollState.markCompliancePolled('PRD', 's', 'r');
    expect(store.pollState.compliancePolledAt('PRD', 's', 'r')).toEqual(first);
    store.close();
  });
});
