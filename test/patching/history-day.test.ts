/** The compliance history's day computed from a group's snapshot rows (src/patching/poll/history-day.ts). */
import { ManualClock } from '../../src/clock';
import { silentLogger } from '../../src/logger';
import { firstKeptDay, historyDay, mergeDays, pruneHistory, recordHistoryDay } from '../../src/patching/poll';
import type { SnapshotEntry, SnapshotPatch } from '../../src/patching/ports';
import { openStore } from '../../src/store';

const patch = (severity: string, state: SnapshotPatch['state'] = 'Missing'): SnapshotPatch => ({
  title: `${severity} fix`,
  kbId: `KB-${severity}`,
  severity,
  classification: 'Security',
  state,
});

function entry(id: string, over: Partial<SnapshotEntry> = {}): SnapshotEntry {
  return {
    group: 'PRD',
    scope: 'default',
    region: 'us-east-1',
    instanceId: id,
    name: `name-${id}`,
    pingStatus: 'Online',
    operation: 'Scan',
    operationEndTime: new Date('2026-03-01T06:00:00.000Z'),
    missing: 0,
    failed: 0,
    pendingReboot: 0,
    critical: 0,
    security: 0,
    other: 0,
    missingPatches: [],
    updatedAt: new Date('2026-03-01T06:05:00.000Z'),
    ...over,
  };
}

const SNAPSHOT = [
  entry('i-1'),
  entry('i-2', { missing: 2, critical: 1, missingPatches: [patch('Critical'), patch('Medium')] }),
  entry('i-3', { failed: 1, missingPatches: [patch('important', 'Failed')], region: 'eu-west-1' }),
  entry('i-4', { pendingReboot: 1, pingStatus: 'ConnectionLost', operationEndTime: new Date('2026-02-20T01:00:00Z') }),
  entry('i-5', { operation: null, operationEndTime: null, pingStatus: null }),
];

describe('historyDay', () => {
  it('counts the group and marks each instance from its missing patches, agent and reboot', () => {
    const day = historyDay('PRD', '2026-03-01', SNAPSHOT);
    expect(day).toEqual({
      group: 'PRD',
      day: '2026-03-01',
      instances: 5,
      // i-1 only: i-5 was never scanned, so nothing says it is compliant.
      compliant: 1,
      critical: 1,
      important: 1,
      pendingReboot: 1,
      unreachable: 2,
      oldestScanAt: new Date('2026-02-20T01:00:00Z'),
      rows: expect.any(Array),
    });
    expect(day.rows.map((r) => [r.instanceId, r.critical, r.important, r.pendingReboot, r.unreachable])).toEqual([
      ['i-1', false, false, false, false],
      ['i-2', true, false, false, false],
      ['i-3', false, true, false, false],
      ['i-4', false, false, true, true],
      ['i-5', false, false, false, true],
    ]);
    expect(day.rows[2]).toMatchObject({ region: 'eu-west-1', name: 'name-i-3' });
  });

  it('has no oldest scan when nothing was ever scanned', () => {
    expect(historyDay('PRD', '2026-03-01', [entry('i-5', { operationEndTime: null })]).oldestScanAt).toBeNull();
  });

  it('is the same day whether the group is counted at once or scope by scope and merged', () => {
    const byRegion = ['eu-west-1', 'us-east-1'].map((region) =>
      historyDay(
        'PRD',
        '2026-03-01',
        SNAPSHOT.filter((e) => e.region === region),
      ),
    );
    const whole = historyDay(
      'PRD',
      '2026-03-01',
      [...SNAPSHOT].sort((a, b) => (a.region < b.region ? -1 : 1)),
    );
    expect(mergeDays(byRegion[0]!, byRegion[1]!)).toEqual(whole);
    expect(mergeDays(byRegion[1]!, byRegion[0]!)).toEqual({
      ...whole,
      rows: [...byRegion[1]!.rows, ...byRegion[0]!.rows],
    });
  });

  it('keeps retentionDays days, today included', () => {
    expect(firstKeptDay(new Date('2026-03-01T23:00:00Z'), 1)).toBe('2026-03-01');
    expect(firstKeptDay(new Date('2026-03-01T23:00:00Z'), 400)).toBe('2025-01-26');
  });
});

describe('recording and pruning the history', () => {
  it('records today (UTC) from the stored snapshot, the next day carries "since", and old days are pruned', async () => {
    const clock = new ManualClock('2026-03-01T23:30:00.000Z');
    const store = await openStore({ path: ':memory:', logger: silentLogger(), clock });
    const deps = { store, clock, logger: silentLogger() };
    await recordHistoryDay(deps, 'PRD');
    expect(await store.complianceHistory.latestGroupDays(['PRD'])).toEqual([]);

    await store.snapshots.upsert(SNAPSHOT.map(({ updatedAt: _u, ...e }) => e));
    await recordHistoryDay(deps, 'PRD');
    clock.advance(3_600_000);
    await recordHistoryDay(deps, 'PRD');
    const rows = await store.complianceHistory.latestInstanceDays(['PRD']);
    expect(rows.find((r) => r.instanceId === 'i-2')).toMatchObject({ day: '2026-03-02', criticalSince: '2026-03-01' });

    expect(await pruneHistory(deps, 1)).toEqual({ groupDays: 1, instanceDays: 5, instances: 0 });
    expect((await store.complianceHistory.latestGroupDays(['PRD']))[0]?.day).toBe('2026-03-02');
    await store.close();
  });

  it('a poll that changed nothing leaves a day already recorded today as it is, but records a new day', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00.000Z');
    const store = await openStore({ path: ':memory:', logger: silentLogger(), clock });
    const deps = { store, clock, logger: silentLogger() };
    await store.snapshots.upsert(SNAPSHOT.map(({ updatedAt: _u, ...e }) => e));
    let recorded = 0;
    const recordDay = store.complianceHistory.recordDay.bind(store.complianceHistory);
    store.complianceHistory.recordDay = async (day) => {
      recorded++;
      return recordDay(day);
    };
    await recordHistoryDay(deps, 'PRD', { unlessRecordedToday: true });
    await recordHistoryDay(deps, 'PRD', { unlessRecordedToday: true });
    expect(recorded).toBe(1);
    await recordHistoryDay(deps, 'PRD');
    expect(recorded).toBe(2);
    clock.advance(24 * 3_600_000);
    await recordHistoryDay(deps, 'PRD', { unlessRecordedToday: true });
    expect(recorded).toBe(3);
    expect((await store.complianceHistory.latestGroupDays(['PRD']))[0]?.day).toBe('2026-03-02');
    await store.close();
  });

  it('logs a failed write instead of failing the poll', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00.000Z');
    const store = await openStore({ path: ':memory:', logger: silentLogger(), clock });
    await store.snapshots.upsert(SNAPSHOT.map(({ updatedAt: _u, ...e }) => e));
    const errors: unknown[] = [];
    const logger = { ...silentLogger(), error: (obj: unknown) => errors.push(obj) } as unknown as ReturnType<
      typeof silentLogger
    >;
    await store.close();
    await expect(recordHistoryDay({ store, clock, logger }, 'PRD')).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
  });
});
