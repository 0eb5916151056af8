/**
 * `/patch scan` end to end below Slack: PatchService sends through the production gateway to the
 * simulator, the tracker follows the invocations and publishes to a recording publisher.
 */
import type { FleetGateway } from '../../src/aws';
import { readResult } from '../../src/patching';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { eventually, sandboxFleet } from '../support/aws';
import { FAST, groupOf, harness, terminal, testConfig, type Harness } from './helpers';

describe('scan of PRD', () => {
  let sim: FleetSimulator;
  let gateways: FleetGateway[];
  let closeFleet: () => void;
  let h: Harness;
  const config = testConfig();
  const PRD = groupOf(config, 'PRD');

  beforeAll(async () => {
    sim = await startFleetSimulator({ port: 0, seed: 7, timing: FAST });
    const fleet = sandboxFleet(sim.url);
    gateways = fleet.gateways;
    closeFleet = fleet.close;
    h = await harness({ gateways, config });
    await h.tracker.start();
  });
  afterAll(async () => {
    await h.close();
    closeFleet();
    await sim.close();
  });

  it('publishes started, progress and the result once; names the unreachable instance', async () => {
    sim.resetStats();
    const op = await h.service.startScan({ group: PRD, requestedBy: 'U0OPS', channel: 'C0PRD' });
    expect(op).toMatchObject({
      kind: 'scan',
      status: 'running',
      params: {
        operation: 'Scan',
        rebootOption: 'NoReboot',
        maxConcurrency: '10%',
        maxErrors: '0',
        timeoutSeconds: 7200,
      },
    });
    expect(op.commands).toEqual([{ scope: 'default', region: 'us-east-1', commandId: expect.any(String) }]);
    h.tracker.track(op.id);
    const done = await terminal(h.store, op.id);

    expect(done.status).toBe('succeeded');
    const phases = h.publisher.phases(op.id);
    expect(phases[0]).toBe('started');
    expect(phases).toContain('progress');
    expect(phases.filter((p) => p === 'finished')).toHaveLength(1);
    expect(phases[phases.length - 1]).toBe('finished');
    // One message: posted once, every later publish targets it.
    const calls = h.publisher.calls.filter((c) => c.operationId === op.id);
    expect(calls[0]!.messageTs).toBeNull();
    for (const c of calls.slice(1)) expect(c.messageTs).toBe(done.messageTs);

    const report = h.publisher.finished(op.id)[0]!.report;
    expect(report).toMatchObject({
      status: 'succeeded',
      total: 8,
      finished: 8,
      succeeded: 7,
      failed: 0,
      failures: [],
      newlyMissing: [],
    });
    expect(report.unreachable).toEqual([
      expect.objectContaining({ name: 'prd-app-3', status: 'Failed', statusDetails: 'Undeliverable' }),
    ]);
    // The instance that only waits for a reboot counts as pending reboot, not as missing.
    expect(report.missingBySeverity).toEqual({ critical: 2, security: 2, other: 0 });
    expect(report.outcomes.find((o) => o.name === 'prd-web-3')).toMatchObject({ status: 'Success', missing: 3 });
    expect(report.finishedAt).toBeInstanceOf(Date);

    expect(readResult(done)).toMatchObject({
      published: true,
      counts: { total: 8, succeeded: 7, failed: 0, unreachable: 1 },
      summary: '7 of 8 scanned, 1 unreachable; missing: 2 critical, 2 security, 0 other',
    });
    expect(readResult(done).final).toBeUndefined();
    expect((await h.service.history({ group: 'PRD', limit: 5 }))[0]).toMatchObject({
      operationId: op.id,
      status: 'succeeded',
      summary: expect.stringContaining('7 of 8 scanned'),
    });
    const actions = (await h.store.audit.list({ operationId: op.id, limit: 10 })).map((a) => a.action).reverse();
    expect(actions).toEqual(['operation.requested', 'operation.sent', 'operation.finished']);
    expect(sim.stats().calls.SendCommand).toBe(1);
    expect(await h.store.snapshots.forGroup('PRD')).toHaveLength(8);
  });

  it('shows a newly released patch as newly missing, and only once', async () => {
    const { instanceIds } = sim.releasePatch({
      title: 'kernel-5.10.999',
      group: 'PRD',
      severity: 'Critical',
      classification: 'Security',
      releasedDaysAgo: 40,
    });
    const op = await h.service.startScan({ group: PRD, requestedBy: 'U0OPS', channel: 'C0PRD' });
    h.tracker.track(op.id);
    await terminal(h.store, op.id);
    const report = h.publisher.finished(op.id)[0]!.report;
    expect(report.newlyMissing).toHaveLength(1);
    const patch = report.newlyMissing[0]!;
    expect(patch).toMatchObject({ title: 'kernel-5.10.999', severity: 'Critical', classification: 'Security' });
    // Every reachable PRD instance the tag finds; prd-app-3's agent is lost, so its report did not change.
    expect(patch.instances.map((i) => i.name)).toEqual([
      'prd-app-1',
      'prd-app-2',
      'prd-cache-1',
      'prd-db-1',
      'prd-web-1',
      'prd-web-2',
      'prd-web-3',
    ]);
    expect(patch.instances.every((i) => instanceIds.includes(i.instanceId))).toBe(true);
    expect(report.missingBySeverity).toEqual({ critical: 8, security: 8, other: 0 });

    const again = await h.service.startScan({ group: PRD, requestedBy: 'U0OPS', channel: 'C0PRD' });
    h.tracker.track(again.id);
    await terminal(h.store, again.id);
    expect(h.publisher.finished(again.id)[0]!.report.newlyMissing).toEqual([]);
  });

  it('updates at most once per updateIntervalMs, and only on change', async () => {
    sim.configure({ timing: { pendingMs: 50, runMs: 150 } });
    const local = await harness({ gateways, config, tracker: { pollIntervalMs: 20, updateIntervalMs: 300 } });
    const times: number[] = [];
    const publish = local.publisher.publish.bind(local.publisher);
    local.publisher.publish = async (op, report, phase) => {
      if (phase === 'progress') times.push(Date.now());
      return publish(op, report, phase);
    };
    try {
      await local.tracker.start();
      const op = await local.service.startScan({ group: PRD, requestedBy: 'U0OPS', channel: 'C0PRD' });
      local.tracker.track(op.id);
      await terminal(local.store, op.id);
      expect(times.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(290);
      const progress = local.publisher.calls.filter((c) => c.phase === 'progress').map((c) => c.report.finished);
      // Each update shows something new.
      expect(new Set(progress).size).toBe(progress.length);
    } finally {
      sim.configure({ timing: FAST });
      await local.close();
    }
  });

  it('operations running at once share one progress budget: each updates less often, none stops', async () => {
    sim.configure({ timing: { pendingMs: 50, runMs: 150 } });
    // Two running at 200 a minute: each may update once per 600 ms, not once per updateIntervalMs.
    const local = await harness({
      gateways,
      config,
      tracker: { pollIntervalMs: 20, updateIntervalMs: 50, updatesPerMinute: 200 },
    });
    const events: Array<{ id: string; phase: string; at: number }> = [];
    const publish = local.publisher.publish.bind(local.publisher);
    local.publisher.publish = async (op, report, phase) => {
      events.push({ id: op.id, phase, at: Date.now() });
      return publish(op, report, phase);
    };
    try {
      await local.tracker.start();
      const ops = [
        await local.service.startScan({ group: PRD, requestedBy: 'U0OPS', channel: 'C0PRD' }),
        await local.service.startScan({ group: groupOf(config, 'STG'), requestedBy: 'U0OPS', channel: 'C0STG' }),
      ];
      for (const op of ops) local.tracker.track(op.id);
      for (const op of ops) await terminal(local.store, op.id);
      const firstFinished = Math.min(...events.filter((e) => e.phase === 'finished').map((e) => e.at));
      for (const op of ops) {
        const progress = events.filter((e) => e.id === op.id && e.phase === 'progress').map((e) => e.at);
        expect(progress.length).toBeGreaterThanOrEqual(1);
        // While both ran, consecutive updates of one operation are at least 600 ms apart.
        for (let i = 1; i < progress.length; i++)
          if (progress[i]! < firstFinished) expect(progress[i]! - progress[i - 1]!).toBeGreaterThanOrEqual(590);
      }
      const whileBoth = events.filter((e) => e.phase === 'progress' && e.at < firstFinished);
      expect(whileBoth.length).toBeGreaterThanOrEqual(2);
      for (const op of ops) expect(local.publisher.finished(op.id)).toHaveLength(1);
    } finally {
      sim.configure({ timing: FAST });
      await local.close();
    }
  });

  it('tells the user when AWS cannot be polled, and finishes once it can', async () => {
    sim.configure({ timing: { pendingMs: 50, runMs: 150 } });
    try {
      const op = await h.service.startScan({ group: PRD, requestedBy: 'U0OPS', channel: 'C0PRD' });
      sim.configure({ deny: [{ action: 'ssm:ListCommandInvocations' }] });
      h.tracker.track(op.id);
      const notice = await eventually(async () =>
        h.publisher.calls.find((c) => c.operationId === op.id && c.report.notice !== undefined),
      );
      expect(notice.report.notice).toContain('ssm:ListCommandInvocations');
      expect((await h.store.operations.get(op.id))!.status).toBe('running');
      sim.configure({ deny: [] });
      const done = await terminal(h.store, op.id);
      expect(done.status).toBe('succeeded');
      expect(h.publisher.finished(op.id)).toHaveLength(1);
      expect(h.publisher.finished(op.id)[0]!.report.notice).toBeUndefined();
    } finally {
      sim.configure({ deny: [], timing: FAST });
    }
  });
});
