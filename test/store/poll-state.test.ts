import { sql } from 'kysely';
import { MIGRATIONS, schemaVersion } from '../../src/store';
import { describeBackends } from '../support/backends';

describeBackends('poll state (migration v3)', ({ open }) => {
  it('is part of the latest schema', async () => {
    const { store } = await open();
    expect(MIGRATIONS.map((m) => m.version)).toContain(3);
    if (store.sqlite) expect(schemaVersion(store.sqlite)).toBe(MIGRATIONS.length);
    else {
      const { rows } = await sql<{ v: number }>`SELECT max(version) AS v FROM schema_migrations`.execute(store.kysely);
      expect(rows[0]?.v).toBe(MIGRATIONS.length);
    }
    await store.close();
  });

  it('window executions: baseline on first poll, markSeen once, listed by end time', async () => {
    const { store, clock } = await open();
    const base = {
      scope: 's',
      region: 'r',
      windowId: 'mw-1',
      windowName: 'w',
      status: 'SUCCESS',
      startTime: new Date('2026-03-01T08:00:00Z'),
      groups: ['PRD'],
    };
    expect(await store.pollState.windowPolledAt('s', 'r', 'mw-1')).toBeUndefined();
    await store.pollState.markWindowPolled('s', 'r', 'mw-1', [
      { ...base, executionId: 'e1', endTime: new Date('2026-03-01T09:00:00Z'), baseline: true },
    ]);
    expect(await store.pollState.windowPolledAt('s', 'r', 'mw-1')).toEqual(clock.now());
    expect(await store.pollState.isSeen('s', 'r', 'mw-1', 'e1')).toBe(true);
    expect(await store.pollState.isSeen('s', 'r', 'mw-1', 'e2')).toBe(false);
    expect(
      await store.pollState.markSeen({
        ...base,
        executionId: 'e2',
        endTime: new Date('2026-03-01T09:30:00Z'),
        baseline: false,
      }),
    ).toBe(true);
    expect(await store.pollState.markSeen({ ...base, executionId: 'e2', endTime: null, baseline: false })).toBe(false);
    expect(await store.pollState.newestSeenStart('s', 'r', 'mw-1')).toEqual(base.startTime);
    const after = await store.pollState.executionsEndedAfter(new Date('2026-03-01T08:30:00Z'));
    expect(after.map((e) => [e.executionId, e.baseline, e.groups])).toEqual([
      ['e1', true, ['PRD']],
      ['e2', false, ['PRD']],
    ]);
    expect(
      (await store.pollState.executionsEndedAfter(new Date('2026-03-01T09:10:00Z'))).map((e) => e.executionId),
    ).toEqual(['e2']);
    await store.close();
  });

  it('digests: the last one per channel', async () => {
    const { store, clock } = await open();
    expect(await store.pollState.lastDigest('C1')).toBeUndefined();
    await store.pollState.recordDigest('C1', { groups: [{ group: 'PRD', compliant: 1 }] });
    clock.advance(60_000);
    await store.pollState.recordDigest('C1', { groups: [{ group: 'PRD', compliant: 2 }] });
    await store.pollState.recordDigest('C2', { groups: [] });
    expect(await store.pollState.lastDigest('C1')).toEqual({
      channel: 'C1',
      sentAt: clock.now(),
      data: { groups: [{ group: 'PRD', compliant: 2 }] },
    });
    await store.close();
  });

  it('compliance polls: first and last poll per group, scope and region', async () => {
    const { store, clock } = await open();
    expect(await store.pollState.compliancePolledAt('PRD', 's', 'r')).toBeUndefined();
    const first = clock.now();
    await store.pollState.markCompliancePolled('PRD', 's', 'r');
    clock.advance(1000);
    await store.pollState.markCompliancePolled('PRD', 's', 'r');
    expect(await store.pollState.compliancePolledAt('PRD', 's', 'r')).toEqual(first);
    await store.close();
  });
});
