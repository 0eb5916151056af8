/** The read side of PatchService against the simulator: baselines, windows, history. */
import type { FleetGateway } from '../../src/aws';
import { ManualClock } from '../../src/clock';
import { finalStatus, summaryLine, type OperationReport } from '../../src/patching';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { sandboxFleet } from '../support/aws';
import { FAST, groupOf, harness, testConfig, type Harness } from './helpers';

describe('PatchService reads', () => {
  let sim: FleetSimulator;
  let gateways: FleetGateway[];
  let closeFleet: () => void;
  let h: Harness;
  const config = testConfig();

  beforeAll(async () => {
    sim = await startFleetSimulator({ port: 0, seed: 7, timing: FAST });
    const fleet = sandboxFleet(sim.url);
    gateways = fleet.gateways;
    closeFleet = fleet.close;
    h = await harness({ gateways, config });
  });
  afterAll(async () => {
    await h.close();
    closeFleet();
    await sim.close();
  });

  it('baselines: the group baseline with its approval rules, per scope', async () => {
    const { entries, failures } = await h.service.baselines(groupOf(config, 'PRD'));
    expect(failures).toEqual([]);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      scope: 'default',
      region: 'us-east-1',
      baseline: { name: 'PRD-AL2Baseline', operatingSystem: 'AMAZON_LINUX_2' },
    });
    expect(entries[0]!.baseline.approvalRules[0]).toMatchObject({
      approveAfterDays: 31,
      filters: { CLASSIFICATION: ['Security'], SEVERITY: ['Critical', 'Important'] },
    });
  });

  it('windows: mapped to groups by their tag targets, with the last execution', async () => {
    const all = await h.service.windows();
    expect(all.failures).toEqual([]);
    expect(all.entries.map((e) => [e.window.name, e.groups])).toEqual(
      expect.arrayContaining([
        ['patch-prd', ['PRD']],
        ['patch-stg', ['STG']],
        ['patch-window-am2', []],
      ]),
    );
    const am2 = all.entries.find((e) => e.window.name === 'patch-window-am2')!;
    expect(am2.targets).toEqual(
      expect.arrayContaining(['tag:PatchWindowTaskAM2=SCAN', 'tag:PatchWindowTaskAM2=INSTALL']),
    );
    expect(am2.lastExecution).toMatchObject({ status: expect.any(String), startTime: expect.any(Date) });
    // Sorted by next run.
    const next = all.entries.map((e) => e.window.nextExecutionTime!.getTime());
    expect(next).toEqual([...next].sort((a, b) => a - b));

    const prd = await h.service.windows(groupOf(config, 'PRD'));
    expect(prd.entries.map((e) => e.window.name)).toEqual(['patch-prd']);
    expect(prd.entries[0]!.targets).toEqual(['tag:Patch Group=PRD']);
  });

  it('history: newest first, per group, with the summary', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const local = await harness({ gateways, config, clock });
    try {
      const a = await local.store.operations.create({
        kind: 'scan',
        group: 'PRD',
        status: 'approved',
        requestedBy: 'U1',
        channel: 'C1',
      });
      clock.advance(1000);
      await local.store.operations.create({
        kind: 'scan',
        group: 'STG',
        status: 'approved',
        requestedBy: 'U2',
        channel: 'C1',
      });
      clock.advance(1000);
      const c = await local.store.operations.create({
        kind: 'scan',
        group: 'PRD',
        status: 'approved',
        requestedBy: 'U3',
        channel: 'C1',
      });
      await local.store.operations.transition(c.id, { from: 'approved', to: 'sending' });
      await local.store.operations.transition(c.id, {
        from: 'sending',
        to: 'failed',
        patch: { error: { code: 'AWS_ACCESS_DENIED', message: 'grant ssm:SendCommand' } },
      });
      await local.store.operations.transition(a.id, { from: 'approved', to: 'sending' });
      await local.store.operations.transition(a.id, {
        from: 'sending',
        to: 'running',
        patch: { result: { summary: '3 of 3 scanned', failures: [] } },
      });

      const prd = await local.service.history({ group: 'PRD', limit: 10 });
      expect(prd.map((e) => [e.operationId, e.status, e.summary])).toEqual([
        [c.id, 'failed', 'grant ssm:SendCommand'],
        [a.id, 'running', '3 of 3 scanned'],
      ]);
      expect(prd[0]).toMatchObject({ requestedBy: 'U3', kind: 'scan', finishedAt: clock.now() });
      expect(await local.service.history({ limit: 1 })).toHaveLength(1);
    } finally {
      await local.store.close();
    }
  });
});

describe('how an operation ends', () => {
  const base: OperationReport = {
    operationId: 'op-1',
    kind: 'scan',
    group: 'PRD',
    status: 'running',
    requestedBy: 'U1',
    startedAt: new Date(),
    finishedAt: undefined,
    total: 3,
    finished: 3,
    succeeded: 2,
    failed: 0,
    unreachable: [],
    outcomes: [],
    missingBySeverity: undefined,
    newlyMissing: [],
    failures: [],
  };
  const line = { instanceId: 'i-1', name: 'x', scope: 's', region: 'r' };

  it('succeeds when every reachable instance succeeded, unreachable ones reported', async () => {
    const unreachable = [{ ...line, status: 'Failed' as const, statusDetails: 'Undeliverable' }];
    const report = {
      ...base,
      unreachable,
      outcomes: [...unreachable, { ...line, instanceId: 'i-2', status: 'Success' as const, statusDetails: 'Success' }],
    };
    expect(finalStatus(report)).toBe('succeeded');
    expect(summaryLine(report)).toBe('2 of 3 scanned, 1 unreachable');
  });

  it('fails on a failed reachable instance, a failed scope, or when nothing succeeded', async () => {
    expect(finalStatus({ ...base, failed: 1 })).toBe('failed');
    expect(finalStatus({ ...base, failures: [{ scope: 's', region: 'r', message: 'denied' }] })).toBe('failed');
    expect(finalStatus({ ...base, succeeded: 0 })).toBe('failed');
    expect(summaryLine({ ...base, total: 0, succeeded: 0 })).toBe('nothing scanned: no instance received the command');
  });
});
