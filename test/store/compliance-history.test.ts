import { StoreError } from '../../src/errors';
import type { NewHistoryDay, NewInstanceDay } from '../../src/store';
import { describeBackends } from '../support/backends';

function row(n: number, over: Partial<NewInstanceDay> = {}): NewInstanceDay {
  return {
    scope: 'default',
    region: 'us-east-1',
    instanceId: `i-${String(n).padStart(17, '0')}`,
    name: `web-${n}`,
    critical: false,
    important: false,
    pendingReboot: false,
    unreachable: false,
    ...over,
  };
}

function day(group: string, text: string, rows: NewInstanceDay[], over: Partial<NewHistoryDay> = {}): NewHistoryDay {
  return {
    group,
    day: text,
    instances: rows.length,
    compliant: rows.filter((r) => !r.critical && !r.important && !r.pendingReboot).length,
    critical: rows.filter((r) => r.critical).length,
    important: rows.filter((r) => r.important).length,
    pendingReboot: rows.filter((r) => r.pendingReboot).length,
    unreachable: rows.filter((r) => r.unreachable).length,
    oldestScanAt: new Date('2026-02-27T09:00:00.000Z'),
    rows,
    ...over,
  };
}

describeBackends('compliance history (migration v7)', ({ name, open, exec }) => {
  it('reads back group days in a range and each group latest day', async () => {
    const { store, clock } = await open();
    await store.complianceHistory.recordDay(day('PRD', '2026-02-27', [row(1), row(2, { critical: true })]));
    await store.complianceHistory.recordDay(day('PRD', '2026-02-28', [row(1), row(2, { critical: true })]));
    await store.complianceHistory.recordDay(day('DEV', '2026-02-28', [row(3, { unreachable: true })]));
    clock.advance(60_000);
    await store.complianceHistory.recordDay(
      day('PRD', '2026-03-01', [row(1, { pendingReboot: true })], { oldestScanAt: null }),
    );

    const range = await store.complianceHistory.groupDays(['PRD', 'DEV'], '2026-02-28', '2026-03-01');
    expect(range.map((d) => [d.group, d.day, d.instances, d.critical])).toEqual([
      ['DEV', '2026-02-28', 1, 0],
      ['PRD', '2026-02-28', 2, 1],
      ['PRD', '2026-03-01', 1, 0],
    ]);
    const latest = await store.complianceHistory.latestGroupDays(['PRD', 'DEV', 'QA']);
    expect(latest).toEqual([
      {
        group: 'DEV',
        day: '2026-02-28',
        instances: 1,
        compliant: 1,
        critical: 0,
        important: 0,
        pendingReboot: 0,
        unreachable: 1,
        oldestScanAt: new Date('2026-02-27T09:00:00.000Z'),
        recordedAt: new Date('2026-03-01T10:00:00.000Z'),
      },
      {
        group: 'PRD',
        day: '2026-03-01',
        instances: 1,
        compliant: 0,
        critical: 0,
        important: 0,
        pendingReboot: 1,
        unreachable: 0,
        oldestScanAt: null,
        recordedAt: new Date('2026-03-01T10:01:00.000Z'),
      },
    ]);
    expect(await store.complianceHistory.groupDays([], '2026-01-01', '2026-12-31')).toEqual([]);
    await store.close();
  });

  it('carries "since" over from the latest earlier day, restarts it after a clean day, and replaces a day written again', async () => {
    const { store } = await open();
    const h = store.complianceHistory;
    await h.recordDay(day('PRD', '2026-02-20', [row(1, { critical: true }), row(2, { important: true }), row(3)]));
    // Two days not recorded (the bot was down): the run goes on.
    await h.recordDay(
      day('PRD', '2026-02-23', [row(1, { critical: true, important: true }), row(2, { important: true }), row(3)]),
    );
    let latest = await h.latestInstanceDays(['PRD']);
    expect(latest.map((r) => [r.instanceId.slice(-1), r.day, r.criticalSince, r.importantSince])).toEqual([
      ['1', '2026-02-23', '2026-02-20', '2026-02-23'],
      ['2', '2026-02-23', null, '2026-02-20'],
      ['3', '2026-02-23', null, null],
    ]);

    // A clean day ends the run; the next miss starts a new one.
    await h.recordDay(day('PRD', '2026-02-24', [row(1), row(2, { important: true }), row(3)]));
    await h.recordDay(day('PRD', '2026-02-25', [row(1, { critical: true }), row(2, { important: true }), row(3)]));
    latest = await h.latestInstanceDays(['PRD']);
    expect(latest.map((r) => [r.instanceId.slice(-1), r.criticalSince, r.importantSince])).toEqual([
      ['1', '2026-02-25', null],
      ['2', null, '2026-02-20'],
      ['3', null, null],
    ]);

    // The same day again (a later poll): replaced, "since" still from the day before, a new name kept.
    await h.recordDay(
      day('PRD', '2026-02-25', [
        row(1, { critical: true, name: 'web-one' }),
        row(4, { pendingReboot: true, unreachable: true }),
      ]),
    );
    latest = await h.latestInstanceDays(['PRD']);
    expect(latest).toEqual([
      {
        group: 'PRD',
        day: '2026-02-25',
        scope: 'default',
        region: 'us-east-1',
        instanceId: 'i-00000000000000001',
        name: 'web-one',
        criticalSince: '2026-02-25',
        importantSince: null,
        pendingReboot: false,
        unreachable: false,
      },
      expect.objectContaining({ instanceId: 'i-00000000000000004', pendingReboot: true, unreachable: true }),
    ]);
    expect((await h.latestGroupDays(['PRD']))[0]?.instances).toBe(2);
    expect(await h.latestInstanceDays([])).toEqual([]);
    await store.close();
  });

  it("reads only the latest day's instances missing a patch since a day, in the same order, past 1,000 of them", async () => {
    const { store } = await open();
    const h = store.complianceHistory;
    // 2,500 instances over three scopes given out of order; every other one misses something.
    const rows = Array.from({ length: 2500 }, (_, i) =>
      row(2500 - i, {
        scope: ['b', 'a', 'c'][i % 3] as string,
        critical: i % 4 === 0,
        important: i % 4 === 2,
        pendingReboot: i % 4 === 1,
      }),
    );
    await h.recordDay(day('PRD', '2026-02-24', rows));
    await h.recordDay(day('PRD', '2026-02-25', rows));
    await h.recordDay(day('DEV', '2026-02-25', [row(1), row(2, { pendingReboot: true })]));
    const all = await h.latestInstanceDays(['PRD', 'DEV']);
    const missing = await h.latestMissingSince(['PRD', 'DEV']);
    expect(missing).toHaveLength(1250);
    expect(missing).toEqual(all.filter((r) => r.criticalSince !== null || r.importantSince !== null));
    expect(missing[0]?.scope).toBe('a');
    expect(missing.at(-1)?.scope).toBe('c');
    expect(await h.latestMissingSince(['DEV'])).toEqual([]);
    await store.close();
  });

  it('keeps groups apart: the same instance id in two groups, or in two regions', async () => {
    const { store } = await open();
    const h = store.complianceHistory;
    await h.recordDay(day('PRD', '2026-02-27', [row(1, { critical: true }), row(1, { region: 'eu-west-1' })]));
    await h.recordDay(day('DEV', '2026-02-28', [row(1)]));
    await h.recordDay(day('PRD', '2026-02-28', [row(1, { critical: true }), row(1, { region: 'eu-west-1' })]));
    const latest = await h.latestInstanceDays(['PRD', 'DEV']);
    expect(latest.map((r) => [r.group, r.region, r.criticalSince])).toEqual([
      ['DEV', 'us-east-1', null],
      ['PRD', 'eu-west-1', null],
      ['PRD', 'us-east-1', '2026-02-27'],
    ]);
    await store.close();
  });

  it('prunes days before the retention and the instance numbers no kept day uses', async () => {
    const { store } = await open();
    const h = store.complianceHistory;
    await h.recordDay(day('PRD', '2026-01-01', [row(1), row(2)]));
    await h.recordDay(day('PRD', '2026-01-02', [row(1), row(3)]));
    await h.recordDay(day('PRD', '2026-01-03', [row(1, { critical: true })]));
    expect(await h.prune('2026-01-02')).toEqual({ groupDays: 1, instanceDays: 2, instances: 1 });
    expect((await h.groupDays(['PRD'], '2025-01-01', '2027-01-01')).map((d) => d.day)).toEqual([
      '2026-01-02',
      '2026-01-03',
    ]);
    expect(await h.prune('2026-01-02')).toEqual({ groupDays: 0, instanceDays: 0, instances: 0 });
    expect(await h.prune('2026-01-04')).toEqual({ groupDays: 2, instanceDays: 3, instances: 2 });
    expect(await h.latestInstanceDays(['PRD'])).toEqual([]);
    await store.close();
  });

  it('writes a day and its rows in one transaction: a failure leaves the previous state', async () => {
    const { store } = await open();
    const h = store.complianceHistory;
    await h.recordDay(day('PRD', '2026-02-27', [row(1, { critical: true })]));
    await expect(
      store.transaction(async (tx) => {
        await tx.complianceHistory.recordDay(day('PRD', '2026-02-28', [row(1, { critical: true }), row(2)]));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await h.latestGroupDays(['PRD']))[0]?.day).toBe('2026-02-27');
    await expect(h.recordDay(day('PRD', '2026-02-30', []))).rejects.toThrow(/not a calendar day/);
    await store.close();
  });

  it('keeps one packed row per group and day, an empty day included', async () => {
    const { store } = await open();
    const h = store.complianceHistory;
    await h.recordDay(day('PRD', '2026-02-27', [row(1), row(2), row(3)]));
    await h.recordDay(day('PRD', '2026-02-28', [row(1), row(2)]));
    await h.recordDay(day('PRD', '2026-02-28', [row(2, { critical: true })]));
    await h.recordDay(day('DEV', '2026-02-28', []));
    const rows = await store.kysely
      .selectFrom('history_day_instances')
      .select(['group_name', 'day', 'packed'])
      .orderBy('group_name')
      .orderBy('day')
      .execute();
    expect(rows.map((r) => [r.group_name, r.day, r.packed.length])).toEqual([
      ['DEV', 20512, 5],
      ['PRD', 20511, 5 + 3 * 13],
      ['PRD', 20512, 5 + 13],
    ]);
    expect(await h.latestInstanceDays(['DEV'])).toEqual([]);
    expect(await h.prune('2026-03-01')).toEqual({ groupDays: 3, instanceDays: 4, instances: 3 });
    await store.close();
  });

  it('says a corrupt packed row is corrupt, which row, and how to repair it', async () => {
    const { store } = await open();
    const h = store.complianceHistory;
    await h.recordDay(day('PRD', '2026-02-27', [row(1, { critical: true })]));
    const short = name === 'postgres' ? "'\\x0101000000'::bytea" : "X'0101000000'";
    await exec(store, `UPDATE history_day_instances SET packed = ${short}`);
    const tool = name === 'postgres' ? 'psql' : 'the sqlite3 shell';
    const message = new RegExp(
      `history_day_instances row \\(PRD, 20511: 2026-02-27\\) of the compliance history is corrupt \\(column packed: 5 bytes for 1 instances.*Delete the row with ${tool}`,
    );
    await expect(h.latestInstanceDays(['PRD'])).rejects.toThrow(StoreError);
    await expect(h.latestInstanceDays(['PRD'])).rejects.toThrow(message);
    // The next day carries "since" over from it: refused the same way, nothing half-written.
    await expect(h.recordDay(day('PRD', '2026-02-28', [row(1, { critical: true })]))).rejects.toThrow(message);
    expect((await h.latestGroupDays(['PRD']))[0]?.day).toBe('2026-02-27');
    // Deleting the row, as the hint says, lets the next day start the runs over.
    await exec(store, 'DELETE FROM history_day_instances');
    await h.recordDay(day('PRD', '2026-02-28', [row(1, { critical: true })]));
    expect((await h.latestInstanceDays(['PRD']))[0]?.criticalSince).toBe('2026-02-28');
    await store.close();
  });
});
