/** The compliance diff poller against the simulator: silent first run, empty when nothing changed, diffs that name what changed, and its SSM cost. */
import type { FleetGateway, InstancePatchState, ManagedInstance } from '../../src/aws';
import { systemClock } from '../../src/clock';
import { silentLogger } from '../../src/logger';
import { groupTarget } from '../../src/patching';
import { isEmpty, pollCompliance, recordHistoryDay, type PollDeps } from '../../src/patching/poll';
import { groupReadCalls, groupReadCounts } from '../../src/patching/group-read-cost';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { utcDay } from '../../src/shared/utc-day';
import { sql } from 'kysely';
import { openStore, type Store } from '../../src/store';
import { sandboxFleet } from '../support/aws';
import { FAST, groupOf, testConfig } from './helpers';

const LIST_OPS = [
  'DescribeInstanceInformation',
  'DescribeInstancePatchStatesForPatchGroup',
  'DescribeInstances',
] as const;

describe('pollCompliance on a 1,000-instance fleet', () => {
  let sim: FleetSimulator;
  let gateways: FleetGateway[];
  let closeFleet: () => void;
  let store: Store;
  let deps: PollDeps;
  const config = testConfig();
  const prd = groupOf(config, 'PRD');
  let members: ManagedInstance[];
  let patchStates: number;
  let states: InstancePatchState[];

  /** Calls by operation since `resetStats`. */
  const calls = () => sim.stats().calls;

  beforeAll(async () => {
    sim = await startFleetSimulator({ port: 0, seed: 11, instances: 1000, timing: FAST });
    const fleet = sandboxFleet(sim.url);
    gateways = fleet.gateways;
    closeFleet = fleet.close;
    store = await openStore({ path: ':memory:', logger: silentLogger(), clock: systemClock });
    deps = { store, gateways, groups: config.groups, clock: systemClock, logger: silentLogger() };
    members = await gateways[0]!.listManagedInstances(groupTarget(prd));
    states = await gateways[0]!.listPatchStates(groupTarget(prd));
    patchStates = states.length;
  });
  afterAll(async () => {
    await store.close();
    closeFleet();
    await sim.close();
  });

  /** PRD instances a scan reaches. */
  const reachable = () => members.filter((i) => i.pingStatus === 'Online' && i.ec2State === 'running');

  it('first poll records the snapshot and reports nothing', async () => {
    expect(await store.snapshots.count('PRD')).toBe(0);
    expect(await pollCompliance(deps, prd)).toBeUndefined();
    expect(await store.snapshots.count('PRD')).toBe(
      members.filter((i) => i.ec2State !== 'terminated' && i.ec2State !== 'shutting-down').length,
    );
    // After the silent first poll, the job records today's day of the compliance history from the snapshot.
    await recordHistoryDay(deps, 'PRD');
    const [day] = await store.complianceHistory.latestGroupDays(['PRD']);
    expect(day).toMatchObject({ group: 'PRD', day: utcDay(new Date()), instances: await store.snapshots.count('PRD') });
    expect(await store.complianceHistory.latestInstanceDays(['PRD'])).toHaveLength(day!.instances);
  });

  it('a poll with no change is empty and costs only the list pages', async () => {
    sim.resetStats();
    const diff = await pollCompliance(deps, prd);
    await recordHistoryDay(deps, 'PRD');
    expect(diff).toBeDefined();
    expect(isEmpty(diff!)).toBe(true);
    expect(diff!.failures).toEqual([]);
    const expected = groupReadCalls(groupReadCounts(members, states));
    const c = calls();
    expect(Object.fromEntries(LIST_OPS.map((op) => [op, c[op] ?? 0]))).toEqual(expected);
    expect(c.DescribeInstancePatches ?? 0).toBe(0);
    expect(Object.keys(c).sort()).toEqual([...LIST_OPS].sort());
    expect(diff!.cost).toMatchObject({ scopes: 1, patchListsFetched: 0, patchStates });
    // Today's history day was written again after this poll, at no AWS cost (the calls above are all there were).
    const days = await store.complianceHistory.groupDays(['PRD'], '2000-01-01', '2100-01-01');
    expect(days.map((d) => d.day)).toEqual([utcDay(new Date())]);
  });

  it('a quiet poll reads no stored patch list of an instance whose scan did not move', async () => {
    const [row] = (await store.snapshots.forScope('PRD', 'default', 'us-east-1')).filter((r) => r.missing > 0);
    expect(row).toBeDefined();
    const kept = await sql<{
      missing_patches: string;
    }>`select missing_patches from compliance_snapshots where instance_id = ${row!.instanceId}`.execute(store.kysely);
    // A list nobody can decode: reading it would fail the poll with the corrupt-row error.
    await sql`update compliance_snapshots set missing_patches = '[{"title":1,"cveIds":[]}]' where instance_id = ${row!.instanceId}`.execute(
      store.kysely,
    );
    try {
      const diff = await pollCompliance(deps, prd);
      expect(diff!.failures).toEqual([]);
      expect(isEmpty(diff!)).toBe(true);
    } finally {
      await sql`update compliance_snapshots set missing_patches = ${kept.rows[0]!.missing_patches} where instance_id = ${row!.instanceId}`.execute(
        store.kysely,
      );
    }
    await expect(store.snapshots.forScope('PRD', 'default', 'us-east-1')).resolves.toBeDefined();
  });

  it('rows written before CVE ids were kept are fetched once more, without a diff, and then never again', async () => {
    const rows = await store.snapshots.forGroup('PRD');
    const withPatches = rows.filter((r) => r.missingPatches.length > 0);
    expect(withPatches.length).toBeGreaterThan(0);
    expect(withPatches.some((r) => r.missingPatches.some((p) => (p.cveIds ?? []).length > 0))).toBe(true);
    // As a version that did not keep CVE ids wrote them: the same scan, no cveIds.
    await store.snapshots.upsert(
      rows.map(({ updatedAt: _at, ...r }) => ({
        ...r,
        missingPatches: r.missingPatches.map(({ cveIds: _ids, ...p }) => p),
      })),
    );
    sim.resetStats();
    const diff = await pollCompliance(deps, prd);
    expect(isEmpty(diff!)).toBe(true);
    expect(calls().DescribeInstancePatches ?? 0).toBeGreaterThanOrEqual(withPatches.length);
    const after = await store.snapshots.forGroup('PRD');
    expect(after.every((r) => r.missingPatches.every((p) => p.cveIds !== undefined))).toBe(true);
    expect(after.flatMap((r) => r.missingPatches.flatMap((p) => p.cveIds ?? []))).toEqual(
      rows.flatMap((r) => r.missingPatches.flatMap((p) => p.cveIds ?? [])),
    );
    sim.resetStats();
    expect(isEmpty((await pollCompliance(deps, prd))!)).toBe(true);
    expect(calls().DescribeInstancePatches ?? 0).toBe(0);
  });

  it('a new critical patch on two PRD instances gives one diff naming them with the patch', async () => {
    const two = reachable().slice(0, 2);
    sim.releasePatch({
      title: 'CVE-2026-0001 openssl',
      classification: 'Security',
      severity: 'Critical',
      releasedDaysAgo: 40,
      instanceIds: two.map((i) => i.instanceId),
      rescan: true,
    });
    sim.resetStats();
    const diff = (await pollCompliance(deps, prd))!;
    expect(diff.becameNonCompliant.map((i) => i.instanceId).sort()).toEqual(two.map((i) => i.instanceId).sort());
    for (const i of diff.becameNonCompliant) {
      expect(i.newlyMissing).toEqual([
        { title: 'CVE-2026-0001 openssl', severity: 'Critical', classification: 'Security' },
      ]);
      expect(i.name).toBe(two.find((t) => t.instanceId === i.instanceId)!.name);
    }
    expect([
      diff.becameCompliant,
      diff.appeared,
      diff.disappeared,
      diff.becameUnreachable,
      diff.lastOperationFailed,
    ]).toEqual([[], [], [], [], []]);
    expect(calls().DescribeInstancePatches).toBe(2);
    // Posted once: the next poll is empty again.
    expect(isEmpty((await pollCompliance(deps, prd))!)).toBe(true);
  });

  it('1% of the fleet changed: DescribeInstancePatches once per changed instance', async () => {
    const ten = reachable().slice(2, 12);
    expect(ten).toHaveLength(10);
    sim.releasePatch({
      title: 'CVE-2026-0002 glibc',
      classification: 'Security',
      severity: 'Important',
      releasedDaysAgo: 40,
      instanceIds: ten.map((i) => i.instanceId),
      rescan: true,
    });
    sim.resetStats();
    const diff = (await pollCompliance(deps, prd))!;
    expect(diff.becameNonCompliant).toHaveLength(10);
    expect(calls().DescribeInstancePatches).toBe(10);
    expect(diff.cost.patchListsFetched).toBe(10);
  });

  it('an agent going offline is reported once as unreachable, its row keeping its patch list', async () => {
    const rows = await store.snapshots.forScope('PRD', 'default', 'us-east-1');
    const one = reachable().find((i) =>
      rows.some((r) => r.instanceId === i.instanceId && r.missingPatches.length > 0),
    )!;
    const before = rows.find((r) => r.instanceId === one.instanceId)!;
    sim.setInstance(one.instanceId, { pingStatus: 'ConnectionLost' });
    const diff = (await pollCompliance(deps, prd))!;
    expect(diff.becameUnreachable).toEqual([
      { instanceId: one.instanceId, name: one.name, scope: 'default', region: 'us-east-1' },
    ]);
    expect(isEmpty(diff)).toBe(false);
    const after = (await store.snapshots.forScope('PRD', 'default', 'us-east-1')).find(
      (r) => r.instanceId === one.instanceId,
    );
    expect(after).toMatchObject({ pingStatus: 'ConnectionLost', missingPatches: before.missingPatches });
    expect(isEmpty((await pollCompliance(deps, prd))!)).toBe(true);
  });

  it('a quiet poll after one that compared reads and writes no stored row: the read matches what the rows were made to say', async () => {
    await pollCompliance(deps, prd);
    const reads = ['forScope', 'scopeSummaries', 'patchLists', 'forGroup', 'summaries'] as const;
    const spies = reads.map((m) => jest.spyOn(store.snapshots, m));
    const writes = (['upsert', 'replaceScope', 'remove', 'markRead'] as const).map((m) =>
      jest.spyOn(store.snapshots, m),
    );
    try {
      sim.resetStats();
      const diff = (await pollCompliance(deps, prd))!;
      expect(isEmpty(diff)).toBe(true);
      expect(diff.cost).toMatchObject({ scopes: 1, scopesUnchanged: 1, patchListsFetched: 0 });
      for (const spy of [...spies, ...writes]) expect(spy).not.toHaveBeenCalled();
      // The same AWS reads as any quiet poll: the saving is the store's, not AWS's.
      expect(Object.fromEntries(LIST_OPS.map((op) => [op, calls()[op] ?? 0]))).toEqual(
        groupReadCalls(groupReadCounts(members, states)),
      );
    } finally {
      for (const spy of [...spies, ...writes]) spy.mockRestore();
    }
  });

  it('a row deleted by hand is written again by the next poll, though the read did not change', async () => {
    const count = await store.snapshots.count('PRD');
    const [row] = await store.snapshots.forScope('PRD', 'default', 'us-east-1');
    await sql`delete from compliance_snapshots where instance_id = ${row!.instanceId}`.execute(store.kysely);
    const diff = (await pollCompliance(deps, prd))!;
    expect(diff.cost.scopesUnchanged).toBe(0);
    expect(diff.appeared.map((i) => i.instanceId)).toEqual([row!.instanceId]);
    expect(await store.snapshots.count('PRD')).toBe(count);
    // And the poll after is quiet again, comparing nothing.
    const next = (await pollCompliance(deps, prd))!;
    expect(isEmpty(next)).toBe(true);
    expect(next.cost.scopesUnchanged).toBe(1);
  });
});
