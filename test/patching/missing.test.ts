import type { InstancePatch, InstancePatchState, PatchState } from '../../src/aws';
import { AwsError } from '../../src/errors';
import { refreshMissing, summarizeNewlyMissing, type PatchGateway } from '../../src/patching';
import type { SnapshotEntry } from '../../src/store';

const T1 = new Date('2026-03-01T08:00:00Z');
const T2 = new Date('2026-03-02T08:00:00Z');

function state(id: string, end: Date, missing: number): InstancePatchState {
  return {
    instanceId: id,
    patchGroup: 'PRD',
    baselineId: 'pb',
    operation: 'Scan',
    operationEndTime: end,
    rebootOption: undefined,
    installedCount: 0,
    installedOtherCount: 0,
    installedPendingRebootCount: 0,
    installedRejectedCount: 0,
    missingCount: missing,
    failedCount: 0,
    notApplicableCount: 0,
    criticalNonCompliantCount: missing,
    securityNonCompliantCount: missing,
    otherNonCompliantCount: 0,
    lastNoRebootInstallOperationTime: undefined,
  };
}

function patch(title: string, severity = 'Critical', cveIds: string[] = []): InstancePatch {
  return {
    title,
    kbId: `kb-${title}`,
    classification: 'Security',
    severity,
    state: 'Missing',
    installedTime: undefined,
    cveIds,
  };
}

/** A snapshot row; `withCves: false` writes it as a version that did not keep CVE ids did. */
function snap(id: string, end: Date | null, titles: string[], withCves = true): SnapshotEntry {
  return {
    group: 'PRD',
    scope: 'main',
    region: 'r1',
    instanceId: id,
    name: `n-${id}`,
    pingStatus: 'Online',
    operation: end ? 'Scan' : null,
    operationEndTime: end,
    missing: titles.length,
    failed: 0,
    pendingReboot: 0,
    critical: titles.length,
    security: titles.length,
    other: 0,
    missingPatches: titles.map((t) => ({
      title: t,
      kbId: `kb-${t}`,
      severity: 'Critical',
      classification: 'Security',
      state: 'Missing' as const,
      ...(withCves ? { cveIds: [] } : {}),
    })),
    updatedAt: T1,
  };
}

/** A gateway that answers DescribeInstancePatches from a table and records what it was asked. */
function fakeGateway(scope: string, region: string, patches: Record<string, InstancePatch[]>, fail = false) {
  const asked: string[][] = [];
  const gw = {
    scope,
    region,
    async listInstancePatches(ids: readonly string[], states?: readonly PatchState[]) {
      asked.push([...ids]);
      expect(states).toEqual(['Missing', 'Failed']);
      if (fail)
        throw new AwsError(
          'AWS_ACCESS_DENIED',
          'denied',
          { service: 'ssm', operation: 'DescribeInstancePatches', scope, region },
          { userMessage: 'grant ssm:DescribeInstancePatches' },
        );
      return new Map(ids.map((id) => [id, patches[id] ?? []]));
    },
  } as unknown as PatchGateway;
  return { gw, asked };
}

describe('refreshMissing', () => {
  it('asks only for instances whose scan changed or that are new, and only those missing something', async () => {
    const { gw, asked } = fakeGateway('main', 'r1', {
      'i-changed': [patch('A'), patch('B')],
      'i-new': [patch('C', 'Important')],
    });
    const snapshot = [snap('i-same', T1, ['A']), snap('i-changed', T1, ['A']), snap('i-clean', T1, ['A'])];
    const result = await refreshMissing([gw], { name: 'PRD' }, snapshot, [
      {
        scope: 'main',
        region: 'r1',
        states: [state('i-same', T1, 1), state('i-changed', T2, 2), state('i-clean', T2, 0), state('i-new', T2, 1)],
      },
    ]);
    expect(asked).toEqual([['i-changed', 'i-new']]);
    expect(result.fetched).toBe(2);
    expect(result.failures).toEqual([]);
    const byId = new Map(result.changes.map((c) => [c.entry.instanceId, c]));
    expect([...byId.keys()].sort()).toEqual(['i-changed', 'i-clean', 'i-new']);
    expect(byId.get('i-changed')!.newlyMissing.map((p) => p.title)).toEqual(['B']);
    expect(byId.get('i-clean')!).toMatchObject({
      newlyMissing: [],
      entry: { missingPatches: [], operationEndTime: T2, name: 'n-i-clean' },
    });
    expect(byId.get('i-new')!).toMatchObject({ previous: undefined, entry: { name: null } });

    const summary = summarizeNewlyMissing(result.changes);
    expect(summary.map((s) => [s.title, s.instances.map((i) => i.instanceId)])).toEqual([
      ['B', ['i-changed']],
      ['C', ['i-new']],
    ]);
  });

  it('keeps the CVE ids of each patch, and fetches a row written before CVE ids were kept once more, with nothing newly missing', async () => {
    const { gw, asked } = fakeGateway('main', 'r1', {
      'i-old': [patch('A', 'Critical', ['CVE-2026-0001', 'CVE-2026-0002'])],
      'i-kept': [patch('A', 'Critical', ['CVE-2026-0001'])],
    });
    const snapshot = [snap('i-old', T1, ['A'], false), snap('i-kept', T1, ['A'])];
    const result = await refreshMissing([gw], { name: 'PRD' }, snapshot, [
      { scope: 'main', region: 'r1', states: [state('i-old', T1, 1), state('i-kept', T1, 1)] },
    ]);
    expect(asked).toEqual([['i-old']]);
    expect(result.changes).toHaveLength(1);
    expect(result.changes[0]!.newlyMissing).toEqual([]);
    expect(result.changes[0]!.entry.missingPatches).toEqual([
      expect.objectContaining({ title: 'A', cveIds: ['CVE-2026-0001', 'CVE-2026-0002'] }),
    ]);
  });

  it('a scope whose fetch fails is reported and its changed instances wait for the next refresh', async () => {
    const ok = fakeGateway('main', 'r1', { 'i-1': [patch('A')] });
    const broken = fakeGateway('partner', 'r1', {}, true);
    const result = await refreshMissing(
      [ok.gw, broken.gw],
      { name: 'PRD' },
      [],
      [
        { scope: 'main', region: 'r1', states: [state('i-1', T1, 1)] },
        { scope: 'partner', region: 'r1', states: [state('i-2', T1, 1), state('i-3', T1, 0)] },
        { scope: 'gone', region: 'r1', states: [state('i-4', T1, 1)] },
      ],
    );
    expect(result.failures).toEqual([
      { scope: 'gone', region: 'r1', message: expect.stringContaining('no longer configured') },
      { scope: 'partner', region: 'r1', message: 'grant ssm:DescribeInstancePatches' },
    ]);
    // i-3 needed no fetch, so it is recorded; i-2 is not.
    expect(result.changes.map((c) => c.entry.instanceId).sort()).toEqual(['i-1', 'i-3']);
  });

  it('gives never-scanned instances a row so later scans have a baseline', async () => {
    const { gw, asked } = fakeGateway('main', 'r1', {});
    const instance = {
      instanceId: 'i-fresh',
      name: 'fresh',
      pingStatus: 'Online' as const,
      lastPingAt: undefined,
      platformName: undefined,
      platformVersion: undefined,
      agentVersion: undefined,
      ec2State: 'running',
    };
    const result = await refreshMissing(
      [gw],
      { name: 'PRD' },
      [],
      [{ scope: 'main', region: 'r1', states: [], instances: [instance] }],
    );
    expect(asked).toEqual([]);
    expect(result.changes).toEqual([
      expect.objectContaining({
        entry: expect.objectContaining({ instanceId: 'i-fresh', name: 'fresh', operationEndTime: null }),
      }),
    ]);
    // Known and still never scanned: no change.
    const again = await refreshMissing(
      [gw],
      { name: 'PRD' },
      [snap('i-fresh', null, [])],
      [{ scope: 'main', region: 'r1', states: [], instances: [instance] }],
    );
    expect(again.changes).toEqual([]);
  });
});
