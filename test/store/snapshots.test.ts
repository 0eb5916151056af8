import Database from 'better-sqlite3';
import { join } from 'node:path';
import { StoreError } from '../../src/errors';
import { silentLogger } from '../../src/logger';
import { MIGRATIONS, openStore, type NewSnapshotEntry } from '../../src/store';
import { FOR_SCOPE_PAGE, UPSERT_BATCH_ROWS } from '../../src/store/snapshots';
import { migrate } from '../../src/store/migrations';
import { describeBackends } from '../support/backends';
import { tempDir } from './helpers';

function entry(
  instanceId: string,
  endTime: string | null,
  overrides: Partial<NewSnapshotEntry> = {},
): NewSnapshotEntry {
  return {
    group: 'PRD',
    scope: 'main',
    region: 'us-east-1',
    instanceId,
    name: `name-${instanceId}`,
    pingStatus: 'Online',
    operation: endTime ? 'Scan' : null,
    operationEndTime: endTime ? new Date(endTime) : null,
    missing: 1,
    failed: 0,
    pendingReboot: 0,
    critical: 1,
    security: 1,
    other: 0,
    missingPatches: [
      { title: 'ALAS2-1', kbId: 'kernel', severity: 'Critical', classification: 'Security', state: 'Missing' },
    ],
    ...overrides,
  };
}

describeBackends('compliance snapshots', ({ name, open, exec }) => {
  it('round-trips rows per group and scope', async () => {
    const { store } = await open();
    expect(await store.snapshots.count('PRD')).toBe(0);
    await store.snapshots.upsert([
      entry('i-1', '2026-03-01T08:00:00.000Z'),
      entry('i-2', null, { scope: 'partner' }),
      entry('i-3', null, { group: 'STG' }),
    ]);
    expect(await store.snapshots.count('PRD')).toBe(2);
    const [first] = await store.snapshots.forScope('PRD', 'main', 'us-east-1');
    expect(first).toEqual({
      ...entry('i-1', '2026-03-01T08:00:00.000Z'),
      updatedAt: new Date('2026-03-01T10:00:00.000Z'),
    });
    expect((await store.snapshots.forGroup('PRD')).map((e) => e.instanceId)).toEqual(['i-1', 'i-2']);
    await store.close();
  });

  it('never replaces newer SSM data with older, nor a known state with none', async () => {
    const { store, clock } = await open();
    await store.snapshots.upsert([entry('i-1', '2026-03-01T08:00:00.000Z', { missing: 1 })]);
    clock.advance(1000);
    expect(await store.snapshots.upsert([entry('i-1', '2026-03-01T07:00:00.000Z', { missing: 9 })])).toBe(0);
    expect(await store.snapshots.upsert([entry('i-1', null, { missing: 9 })])).toBe(0);
    expect((await store.snapshots.forGroup('PRD'))[0]!.missing).toBe(1);
    // The same scan again (say with a new ping status) and a newer one are written.
    expect(
      await store.snapshots.upsert([entry('i-1', '2026-03-01T08:00:00.000Z', { pingStatus: 'ConnectionLost' })]),
    ).toBe(1);
    expect(
      await store.snapshots.upsert([entry('i-1', '2026-03-01T09:00:00.000Z', { missing: 0, missingPatches: [] })]),
    ).toBe(1);
    expect((await store.snapshots.forGroup('PRD'))[0]).toMatchObject({
      missing: 0,
      missingPatches: [],
      pingStatus: 'Online',
      updatedAt: clock.now(),
    });
    await store.close();
  });

  it('writes more than one statement of rows at once, skipping older data row by row', async () => {
    const { store } = await open();
    const ids = Array.from({ length: UPSERT_BATCH_ROWS * 2 + 201 }, (_, i) => `i-${String(i).padStart(5, '0')}`);
    expect(await store.snapshots.upsert(ids.map((id) => entry(id, '2026-03-01T08:00:00.000Z')))).toBe(ids.length);
    // Every third instance comes with older data: only the others are written.
    const again = ids.map((id, i) =>
      entry(id, i % 3 === 0 ? '2026-03-01T07:00:00.000Z' : '2026-03-01T09:00:00.000Z', { missing: 5 }),
    );
    expect(await store.snapshots.upsert(again)).toBe(ids.filter((_, i) => i % 3 !== 0).length);
    const rows = await store.snapshots.forScope('PRD', 'main', 'us-east-1');
    expect(rows.map((r) => r.instanceId)).toEqual(ids);
    expect(rows.map((r) => r.missing)).toEqual(ids.map((_, i) => (i % 3 === 0 ? 1 : 5)));
    await store.close();
  });

  it('one instance twice in a write keeps what row-by-row writes would have kept', async () => {
    const { store } = await open();
    await store.snapshots.upsert([
      entry('i-1', '2026-03-01T08:00:00.000Z', { missing: 1 }),
      entry('i-1', '2026-03-01T07:00:00.000Z', { missing: 2 }),
      entry('i-2', '2026-03-01T08:00:00.000Z', { missing: 1 }),
      entry('i-2', '2026-03-01T09:00:00.000Z', { missing: 3 }),
      entry('i-3', '2026-03-01T08:00:00.000Z', { missing: 1 }),
      entry('i-3', null, { missing: 4 }),
    ]);
    const rows = await store.snapshots.forGroup('PRD');
    expect(rows.map((r) => [r.instanceId, r.missing])).toEqual([
      ['i-1', 1],
      ['i-2', 3],
      ['i-3', 1],
    ]);
    await store.close();
  });

  it('replaceScope drops instances that left the scope and keeps other scopes', async () => {
    const { store } = await open();
    await store.snapshots.upsert([entry('i-1', null), entry('i-2', null), entry('i-9', null, { scope: 'partner' })]);
    await store.snapshots.replaceScope('PRD', 'main', 'us-east-1', [entry('i-2', null), entry('i-3', null)]);
    expect((await store.snapshots.forGroup('PRD')).map((e) => `${e.scope}/${e.instanceId}`)).toEqual([
      'main/i-2',
      'main/i-3',
      'partner/i-9',
    ]);
    await expect(
      store.snapshots.replaceScope('PRD', 'main', 'us-east-1', [entry('i-4', null, { scope: 'partner' })]),
    ).rejects.toThrow(StoreError);
    await store.snapshots.remove('PRD', 'partner', 'us-east-1', ['i-9']);
    expect(await store.snapshots.count('PRD')).toBe(2);
    await store.close();
  });

  it('scopeSummaries pages a scope without reading patch lists, and says which lists predate CVE ids', async () => {
    const { store } = await open();
    const withCves = [
      {
        title: 'ALAS2-2',
        kbId: 'glibc',
        severity: 'Important',
        classification: 'Security',
        state: 'Missing' as const,
        cveIds: [],
      },
    ];
    const ids = Array.from({ length: FOR_SCOPE_PAGE + 3 }, (_, i) => `i-${String(i).padStart(5, '0')}`);
    await store.snapshots.upsert([
      ...ids.map((id) => entry(id, '2026-03-01T08:00:00.000Z', { missingPatches: withCves })),
      entry('i-legacy', '2026-03-01T08:00:00.000Z'), // written as a version without CVE ids wrote it
      entry('i-none', '2026-03-01T08:00:00.000Z', { missing: 0, missingPatches: [] }),
      entry('i-other', null, { scope: 'partner' }),
    ]);
    // A list nobody can decode: only a read of that list may fail on it.
    await exec(
      store,
      `UPDATE compliance_snapshots SET missing_patches = '[{"title":1,"cveIds":[]}]' WHERE instance_id = 'i-00001'`,
    );
    const rows = await store.snapshots.scopeSummaries('PRD', 'main', 'us-east-1');
    expect(rows.map((r) => r.instanceId)).toEqual([...ids, 'i-legacy', 'i-none']);
    expect(rows.find((r) => r.instanceId === 'i-legacy')).toMatchObject({ patchesLackCveIds: true, missing: 1 });
    expect(rows.find((r) => r.instanceId === 'i-none')?.patchesLackCveIds).toBe(false);
    expect(rows.find((r) => r.instanceId === 'i-00000')).not.toHaveProperty('missingPatches');
    expect(rows.filter((r) => r.patchesLackCveIds).map((r) => r.instanceId)).toEqual(['i-legacy']);

    const lists = await store.snapshots.patchLists('PRD', 'main', 'us-east-1', ['i-00000', 'i-legacy', 'i-gone']);
    expect([...lists.keys()].sort()).toEqual(['i-00000', 'i-legacy']);
    expect(lists.get('i-00000')).toEqual(withCves);
    await expect(store.snapshots.patchLists('PRD', 'main', 'us-east-1', ['i-00001'])).rejects.toThrow(
      /instance i-00001 is corrupt/,
    );
    await store.close();
  });

  it('a scope summary is the stored row without its list and write time, and a corrupt one fails loudly', async () => {
    const { store } = await open();
    await store.snapshots.upsert([entry('i-1', '2026-03-01T08:00:00.000Z'), entry('i-2', null)]);
    // Group, scope and region come from the query, the rest from the row: the same as the whole row.
    const whole = await store.snapshots.forScope('PRD', 'main', 'us-east-1');
    const summaries = await store.snapshots.scopeSummaries('PRD', 'main', 'us-east-1');
    expect(summaries).toEqual(
      whole.map(({ missingPatches: _list, updatedAt: _at, ...row }) => ({ ...row, patchesLackCveIds: true })),
    );
    await exec(store, `UPDATE compliance_snapshots SET operation_end_time = 'yesterday' WHERE instance_id = 'i-1'`);
    await expect(store.snapshots.scopeSummaries('PRD', 'main', 'us-east-1')).rejects.toThrow(
      /instance i-1 is corrupt.*operation_end_time/,
    );
    await store.close();
  });

  it("forgets a scope's read mark on any write to its rows, by patchbot or by hand, and only that scope's", async () => {
    const { store } = await open();
    const mark = async () => {
      await store.snapshots.markRead('PRD', 'main', 'us-east-1', 'h1');
      await store.snapshots.markRead('PRD', 'partner', 'us-east-1', 'h2');
    };
    const marks = async () => [
      await store.snapshots.readHash('PRD', 'main', 'us-east-1'),
      await store.snapshots.readHash('PRD', 'partner', 'us-east-1'),
    ];
    expect(await marks()).toEqual([undefined, undefined]);
    await store.snapshots.upsert([entry('i-1', '2026-03-01T08:00:00.000Z'), entry('i-2', null)]);
    await mark();
    expect(await marks()).toEqual(['h1', 'h2']);

    // A write the no-going-back rule skips changes no row: the mark stands.
    await store.snapshots.upsert([entry('i-1', '2026-02-01T08:00:00.000Z')]);
    expect(await marks()).toEqual(['h1', 'h2']);
    // A newer scan of one instance (an update), a new instance (an insert), a removal, a replaced scope.
    const writes = [
      () => store.snapshots.upsert([entry('i-1', '2026-03-02T08:00:00.000Z')]),
      () => store.snapshots.upsert([entry('i-3', null)]),
      () => store.snapshots.remove('PRD', 'main', 'us-east-1', ['i-3']),
      () => store.snapshots.replaceScope('PRD', 'main', 'us-east-1', [entry('i-1', '2026-03-03T08:00:00.000Z')]),
      // A row deleted by hand, as a corrupt row's error advises.
      () => exec(store, `DELETE FROM compliance_snapshots WHERE instance_id = 'i-1'`),
    ];
    for (const write of writes) {
      await write();
      expect(await marks()).toEqual([undefined, 'h2']);
      await mark();
    }
    // Marked after the writes of the same transaction, it stands.
    await store.transaction(async (tx) => {
      await tx.snapshots.upsert([entry('i-4', null)]);
      await tx.snapshots.markRead('PRD', 'main', 'us-east-1', 'h3');
    });
    expect(await marks()).toEqual(['h3', 'h2']);
    await store.close();
  });

  it('a corrupt row fails loudly, naming the instance and the fix', async () => {
    const { store } = await open();
    await store.snapshots.upsert([entry('i-1', null)]);
    await exec(store, `UPDATE compliance_snapshots SET missing_patches = '[{"title":1}]'`);
    await expect(store.snapshots.forGroup('PRD')).rejects.toThrow(/instance i-1 is corrupt.*missing_patches/);
    const tool = name === 'postgres' ? 'psql' : 'the sqlite3 shell';
    await expect(store.snapshots.forGroup('PRD')).rejects.toThrow(`Delete the row with ${tool}: the next scan`);
    await store.close();
  });
});

describe('compliance snapshots on an older SQLite file', () => {
  it('migrates a version-1 database to version 2 without touching its operations', async () => {
    const tmp = tempDir();
    try {
      const path = join(tmp.dir, 'v1.db');
      const logger = silentLogger();
      const v1 = new Database(path);
      migrate(v1, { path, logger, migrations: MIGRATIONS.slice(0, 1) });
      v1.prepare(
        `INSERT INTO operations (id, kind, group_name, status, requested_by, channel, params, commands, created_at, updated_at)
         VALUES ('op-aaaaaa', 'scan', 'PRD', 'running', 'U1', 'C1', '{}', '[]', '2026-03-01T10:00:00.000Z', '2026-03-01T10:00:00.000Z')`,
      ).run();
      v1.close();
      const store = await openStore({ path, logger });
      expect((await store.operations.get('op-aaaaaa'))!.status).toBe('running');
      expect(await store.snapshots.count('PRD')).toBe(0);
      await store.close();
    } finally {
      tmp.cleanup();
    }
  });
});
