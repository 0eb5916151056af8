/**
 * Install and reboot with approval, below Slack: plans from the simulator's fleet, decisions by the
 * policy, exactly one send however the clicks race, expiry, cancel, and a reboot that runs at most once.
 */
import { join } from 'node:path';
import type { FleetGateway } from '../../src/aws';
import { ManualClock } from '../../src/clock';
import { createPatchbotConfigSchema, type PatchbotConfig } from '../../src/config/schema';
import { ForbiddenError, InputError } from '../../src/errors';
import { readResult, type ApprovalAuthorizer } from '../../src/patching';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { GROUPS, eventually, sandboxFleet } from '../support/aws';
import { FAST, groupOf, harness, tempDir, terminal, type Harness } from './helpers';

const APPROVERS = ['U0APP1', 'U0APP2', 'S0LEADS'];
const LEADS = ['U0LEAD'];

/** PRD needs approval (minApprovals as given) and promotes from STG; STG runs at once. */
function changeConfig(minApprovals = 1): PatchbotConfig {
  return createPatchbotConfigSchema({ region: 'us-east-1' }).parse({
    aws: { scopes: [{ name: 'default', regions: ['us-east-1'] }] },
    groups: {
      STG: { channel: 'C0STG', operators: ['U0OPS'] },
      PRD: {
        channel: 'C0PRD',
        operators: ['U0OPS'],
        promoteFrom: 'STG',
        approval: { required: true, approvers: APPROVERS, minApprovals },
        install: { rebootOption: 'NoReboot' },
      },
    },
  });
}

/** Users are themselves; U0LEAD is in the user group S0LEADS. */
const authorizer: ApprovalAuthorizer = {
  async isAnyOf(userId, principals) {
    return principals.includes(userId) || (principals.includes('S0LEADS') && LEADS.includes(userId));
  },
};

describe('install and reboot with approval', () => {
  let sim: FleetSimulator;
  let gateways: FleetGateway[];
  let closeFleet: () => void;
  const tmp = tempDir();
  const config = changeConfig();
  const PRD = groupOf(config, 'PRD');
  const STG = groupOf(config, 'STG');
  let h: Harness;
  let released = 0;
  const ids = new Map<string, string>();
  const sends = () => sim.stats().calls.SendCommand ?? 0;
  /** A new critical patch on PRD, reported at once, so an install has something to do. */
  const releaseOnPrd = () =>
    sim.releasePatch({
      title: `openssl-3.0.${++released}`,
      group: 'PRD',
      severity: 'Critical',
      classification: 'Security',
      releasedDaysAgo: 40,
      rescan: true,
    });

  beforeAll(async () => {
    sim = await startFleetSimulator({ port: 0, seed: 7, timing: FAST });
    const fleet = sandboxFleet(sim.url);
    gateways = fleet.gateways;
    closeFleet = fleet.close;
    for (const g of [GROUPS.PRD, GROUPS.STG])
      for (const i of await gateways[0]!.listManagedInstances(g)) ids.set(i.name ?? i.instanceId, i.instanceId);
    h = await harness({ gateways, config, path: join(tmp.dir, 'main.db') });
    await h.tracker.start();
  });
  afterAll(async () => {
    await h.close();
    closeFleet();
    await sim.close();
    tmp.cleanup();
  });
  beforeEach(async () => sim.resetStats());

  it('plans PRD from what the fleet actually misses; excludes the lost agent; warns that STG never installed', async () => {
    sim.setInstance(idOf('prd-web-2'), { state: 'stopped' });
    try {
      const plan = await h.service.installPlan(PRD);
      const targetNames = plan.targets.map((t) => t.name);
      expect(targetNames).not.toContain('prd-app-3');
      expect(targetNames).not.toContain('prd-web-2');
      expect(plan.excluded).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'prd-app-3', reason: expect.stringContaining('ConnectionLost') }),
          expect.objectContaining({ name: 'prd-web-2', reason: expect.stringContaining('stopped') }),
        ]),
      );
      expect(plan.targets).toHaveLength(6);
      // The patches are exactly those SSM lists as missing on the targets.
      const gw = gateways[0]!;
      const lists = await gw.listInstancePatches(
        plan.targets.map((t) => t.instanceId),
        ['Missing', 'Failed'],
      );
      const expected = new Map<string, number>();
      for (const patches of lists.values())
        for (const p of patches) expected.set(p.title, (expected.get(p.title) ?? 0) + 1);
      expect(expected.size).toBeGreaterThan(0);
      expect(new Map(plan.patches.map((p) => [p.title, p.instances]))).toEqual(expected);
      const ranks = plan.patches.map((p) =>
        ['critical', 'important', 'high', 'medium', 'moderate', 'low'].indexOf(p.severity.toLowerCase()),
      );
      expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
      expect(plan).toMatchObject({
        kind: 'install',
        group: 'PRD',
        rebootOption: 'NoReboot',
        maxConcurrency: '10%',
        maxErrors: '0',
        failures: [],
      });
      expect(plan.scan.newest).toBeInstanceOf(Date);
      expect(plan.promotion).toMatchObject({
        fromGroup: 'STG',
        lastInstall: undefined,
        warning: expect.stringContaining('no install through patchbot'),
      });
      expect(sends()).toBe(0);
    } finally {
      sim.setInstance(idOf('prd-web-2'), { state: 'running' });
    }
  });

  it('an unprotected group (STG) installs at once, announced and recorded; PRD then shows it as evidence', async () => {
    const plan = await h.service.installPlan(STG);
    expect(plan.excluded).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'stg-batch-1', reason: expect.stringContaining('stopped') }),
      ]),
    );
    const op = await h.service.requestInstall({
      group: STG,
      requestedBy: 'U0OPS',
      channel: 'C0STG',
      rebootOption: 'RebootIfNeeded',
    });
    expect(op.status).toBe('running');
    expect(op.params).toMatchObject({ operation: 'Install', rebootOption: 'RebootIfNeeded' });
    const done = await terminal(h.store, op.id);
    expect(sends()).toBe(1);
    const report = h.publisher.finished(op.id)[0]!.report;
    expect(report.plan?.group).toBe('STG');
    expect(report.complianceAfter).toMatchObject({ instances: expect.any(Number) });
    expect((await h.store.audit.list({ operationId: op.id, limit: 10 })).map((a) => a.action)).toContain(
      'operation.requested',
    );
    const evidence = (await h.service.installPlan(PRD)).promotion!;
    expect(evidence.lastInstall).toMatchObject({ operationId: op.id, status: done.status });
  });

  it('refuses the requester and a non-approver; nothing is recorded or sent', async () => {
    releaseOnPrd();
    const op = await h.service.requestInstall({ group: PRD, requestedBy: 'U0OPS', channel: 'C0PRD' });
    expect(op).toMatchObject({ status: 'pending', expiresAt: expect.any(Date) });
    await eventually(async () => (h.publisher.phases(op.id).includes('started') ? true : undefined));
    const card = h.publisher.calls.find((c) => c.operationId === op.id)!.report;
    expect(card).toMatchObject({
      status: 'pending',
      plan: { kind: 'install' },
      approval: { required: true, minApprovals: 1, decisions: [] },
    });

    const self = await h.service.decide({ operationId: op.id, userId: 'U0OPS', decision: 'approve' }, authorizer);
    expect(self).toMatchObject({
      outcome: 'refused',
      userMessage: 'You requested this change; another approver must approve it.',
    });
    const stranger = await h.service.decide(
      { operationId: op.id, userId: 'U0RANDOM', decision: 'approve' },
      authorizer,
    );
    expect(stranger.outcome).toBe('refused');
    expect(stranger.userMessage).toContain('U0APP1');
    expect(await h.store.approvals.list(op.id)).toEqual([]);
    expect((await h.store.operations.get(op.id))!.status).toBe('pending');
    expect(sends()).toBe(0);
    await expect(h.service.cancel({ operationId: op.id, userId: 'U0RANDOM' }, authorizer)).rejects.toBeInstanceOf(
      ForbiddenError,
    );

    // A member of an approver user group approves: exactly one SendCommand.
    const ok = await h.service.decide({ operationId: op.id, userId: 'U0LEAD', decision: 'approve' }, authorizer);
    expect(ok.outcome).toBe('approved');
    const done = await terminal(h.store, op.id);
    expect(sends()).toBe(1);
    const again = await h.service.decide({ operationId: op.id, userId: 'U0APP1', decision: 'approve' }, authorizer);
    expect(again.outcome).toBe('refused');
    expect(again.userMessage).toMatch(/approved by U0LEAD/);
    const finished = h.publisher.finished(op.id)[0]!.report;
    expect(finished.approval?.decisions).toEqual([expect.objectContaining({ userId: 'U0LEAD', decision: 'approved' })]);
    expect(finished.outcomes.filter((o) => o.status === 'Success').length).toBeGreaterThan(0);
    // NoReboot: the installed instances now wait for a reboot.
    expect(finished.complianceAfter!.pendingReboot).toBeGreaterThan(0);
    expect(['succeeded', 'failed']).toContain(done.status);
  });

  it('two approvals at once, in one process and from two processes on one file: exactly one SendCommand', async () => {
    releaseOnPrd();
    const a = await h.service.requestInstall({ group: PRD, requestedBy: 'U0OPS', channel: 'C0PRD' });
    const results = await Promise.all([
      h.service.decide({ operationId: a.id, userId: 'U0APP1', decision: 'approve' }, authorizer),
      h.service.decide({ operationId: a.id, userId: 'U0APP2', decision: 'approve' }, authorizer),
    ]);
    // The loser either counted its vote at the same moment or, arriving just after, is told it is already approved.
    expect(results.filter((r) => r.outcome === 'approved')).toHaveLength(1);
    const loser = results.find((r) => r.outcome !== 'approved')!;
    expect(['recorded', 'refused']).toContain(loser.outcome);
    if (loser.outcome === 'refused') expect(loser.userMessage).toMatch(/already approved by U0APP/);
    await terminal(h.store, a.id);
    expect(sends()).toBe(1);

    sim.resetStats();
    releaseOnPrd();
    const other = await harness({ gateways, config, path: join(tmp.dir, 'main.db') });
    try {
      const b = await h.service.requestInstall({ group: PRD, requestedBy: 'U0OPS', channel: 'C0PRD' });
      const both = await Promise.all([
        h.service.decide({ operationId: b.id, userId: 'U0APP1', decision: 'approve' }, authorizer),
        other.service.decide({ operationId: b.id, userId: 'U0APP2', decision: 'approve' }, authorizer),
      ]);
      expect(both.filter((r) => r.outcome === 'approved')).toHaveLength(1);
      await terminal(h.store, b.id);
      expect(sends()).toBe(1);
    } finally {
      await other.store.close();
    }
  });

  it('minApprovals 2 needs two different approvers', async () => {
    const cfg = changeConfig(2);
    const two = await harness({ gateways, config: cfg, path: join(tmp.dir, 'two.db') });
    try {
      releaseOnPrd();
      const op = await two.service.requestInstall({
        group: groupOf(cfg, 'PRD'),
        requestedBy: 'U0OPS',
        channel: 'C0PRD',
      });
      const first = await two.service.decide({ operationId: op.id, userId: 'U0APP1', decision: 'approve' }, authorizer);
      expect(first).toMatchObject({ outcome: 'recorded', userMessage: expect.stringContaining('1 of 2') });
      const dup = await two.service.decide({ operationId: op.id, userId: 'U0APP1', decision: 'approve' }, authorizer);
      expect(dup.outcome).toBe('refused');
      expect(sends()).toBe(0);
      const second = await two.service.decide(
        { operationId: op.id, userId: 'U0APP2', decision: 'approve' },
        authorizer,
      );
      expect(second.outcome).toBe('approved');
      expect(sends()).toBe(1);
      await two.tracker.start();
      await terminal(two.store, op.id);
    } finally {
      await two.close();
    }
  });

  it('a request expires: the card is finished as expired and a later approve is refused', async () => {
    const clock = new ManualClock(new Date());
    const ex = await harness({ gateways, config, path: join(tmp.dir, 'expiry.db'), clock });
    releaseOnPrd();
    try {
      const op = await ex.service.requestInstall({ group: PRD, requestedBy: 'U0OPS', channel: 'C0PRD' });
      await ex.tracker.tick();
      expect(ex.publisher.phases(op.id)).toEqual(['started']);
      clock.advance(4 * 3_600_000 + 1);
      await ex.tracker.tick();
      expect((await ex.store.operations.get(op.id))!.status).toBe('expired');
      expect(ex.publisher.finished(op.id)).toHaveLength(1);
      expect(ex.publisher.finished(op.id)[0]!.report).toMatchObject({ status: 'expired', plan: { kind: 'install' } });
      await ex.tracker.tick();
      expect(ex.publisher.finished(op.id)).toHaveLength(1);
      const late = await ex.service.decide({ operationId: op.id, userId: 'U0APP1', decision: 'approve' }, authorizer);
      expect(late.outcome).toBe('refused');
      expect(late.userMessage).toContain('expired');
      expect((await ex.store.audit.list({ operationId: op.id, limit: 10 })).map((a) => a.action)).toContain(
        'operation.expired',
      );

      // Past its time but before any tick: the click itself expires it.
      const op2 = await ex.service.requestInstall({ group: PRD, requestedBy: 'U0OPS', channel: 'C0PRD' });
      clock.advance(4 * 3_600_000 + 1);
      const late2 = await ex.service.decide({ operationId: op2.id, userId: 'U0APP1', decision: 'approve' }, authorizer);
      expect(late2).toMatchObject({ outcome: 'refused', op: { status: 'expired' } });
      expect(sends()).toBe(0);
    } finally {
      await ex.close();
    }
  });

  it('reject by an approver, withdraw by the requester, cancel of a pending request', async () => {
    releaseOnPrd();
    const r = await h.service.requestInstall({ group: PRD, requestedBy: 'U0OPS', channel: 'C0PRD' });
    expect(
      (
        await h.service.decide(
          { operationId: r.id, userId: 'U0APP1', decision: 'reject', reason: 'freeze week' },
          authorizer,
        )
      ).outcome,
    ).toBe('rejected');
    expect(readResult((await h.store.operations.get(r.id))!).rejection).toMatchObject({
      userId: 'U0APP1',
      reason: 'freeze week',
    });
    const late = await h.service.decide({ operationId: r.id, userId: 'U0APP2', decision: 'approve' }, authorizer);
    expect(late.userMessage).toMatch(/rejected by U0APP1 .*freeze week/);
    await eventually(async () => (h.publisher.finished(r.id).length === 1 ? true : undefined));
    expect(h.publisher.finished(r.id)[0]!.report.approval!.decisions).toEqual([
      expect.objectContaining({ userId: 'U0APP1', decision: 'rejected', reason: 'freeze week' }),
    ]);

    const w = await h.service.requestInstall({ group: PRD, requestedBy: 'U0OPS', channel: 'C0PRD' });
    expect(
      (await h.service.decide({ operationId: w.id, userId: 'U0OPS', decision: 'reject' }, authorizer)).outcome,
    ).toBe('rejected');

    const c = await h.service.requestInstall({ group: PRD, requestedBy: 'U0OPS', channel: 'C0PRD' });
    const cancelled = await h.service.cancel({ operationId: c.id, userId: 'U0OPS' }, authorizer);
    expect(cancelled.status).toBe('cancelled');
    await eventually(async () => (h.publisher.finished(c.id)[0]?.report.status === 'cancelled' ? true : undefined));
    await expect(h.service.cancel({ operationId: c.id, userId: 'U0OPS' }, authorizer)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(sends()).toBe(0);
  });

  it('a reboot found in sending after a crash is never rebooted again', async () => {
    const path = join(tmp.dir, 'crash.db');
    const first = await harness({ gateways, config, path });
    const op = await first.service.requestReboot({ group: PRD, requestedBy: 'U0OPS', channel: 'C0PRD', all: true });
    await first.store.operations.transition(op.id, { from: 'pending', to: 'approved' });
    await first.store.operations.transition(op.id, { from: 'approved', to: 'sending' });
    await first.store.close();
    const second = await harness({ gateways, config, path });
    try {
      await second.tracker.start();
      const done = await terminal(second.store, op.id);
      expect(done.status).toBe('failed');
      expect(done.error!.message).toContain(`/patch reboot PRD`);
      expect(second.publisher.finished(op.id)).toHaveLength(1);
      expect(sim.stats().calls.RebootInstances ?? 0).toBe(0);
      expect(sends()).toBe(0);
    } finally {
      await second.close();
    }
  });

  it('reboot after a NoReboot install reboots only the instances waiting for it, and the scan shows them cleared', async () => {
    const gw = gateways[0]!;
    const plan = await h.service.rebootPlan(PRD, false);
    const states = await gw.getPatchStates([...plan.targets, ...plan.excluded].map((t) => t.instanceId));
    const waiting = states.filter((s) => s.installedPendingRebootCount > 0).map((s) => s.instanceId);
    const targetIds = plan.targets.map((t) => t.instanceId);
    expect(waiting.length).toBeGreaterThan(0);
    expect(targetIds.sort()).toEqual(waiting.filter((id) => id !== idOf('prd-app-3')).sort());

    const op = await h.service.requestReboot({ group: PRD, requestedBy: 'U0OPS', channel: 'C0PRD', all: false });
    expect(op.status).toBe('pending');
    expect(op.params).toMatchObject({
      operation: 'Reboot',
      targets: [{ scope: 'default', region: 'us-east-1', instanceIds: expect.any(Array) }],
    });
    const d = await h.service.decide({ operationId: op.id, userId: 'U0APP2', decision: 'approve' }, authorizer);
    expect(d.outcome).toBe('approved');
    const done = await terminal(h.store, op.id);
    expect(done.status).toBe('succeeded');
    expect(sim.stats().calls.RebootInstances).toBe(1);
    expect(sends()).toBe(1);
    expect(readResult(done).summary).toContain(`${targetIds.length} of ${targetIds.length} rebooted`);
    const report = h.publisher.finished(op.id)[0]!.report;
    expect(report.outcomes.map((o) => o.instanceId).sort()).toEqual(targetIds.sort());
    expect(report.outcomes.every((o) => o.pendingReboot === 0)).toBe(true);
    expect(report.complianceAfter!.pendingReboot).toBe(0);
    const after = await gw.getPatchStates(targetIds);
    expect(after.every((s) => s.installedPendingRebootCount === 0)).toBe(true);
    await expect(
      h.service.requestReboot({ group: PRD, requestedBy: 'U0OPS', channel: 'C0PRD', all: false }),
    ).rejects.toBeInstanceOf(InputError);
  });

  it('refuses an install with nothing to install', async () => {
    const clean = { ...STG, name: 'STG' };
    // STG was installed (RebootIfNeeded) above; its reachable instances miss nothing now.
    await expect(
      h.service.requestInstall({ group: clean, requestedBy: 'U0OPS', channel: 'C0STG' }),
    ).rejects.toMatchObject({
      userMessage: expect.stringContaining('Nothing to install: STG has no missing approved patches'),
    });
  });

  it('record() stores a decision without sending; one from another message, or too late, records nothing', async () => {
    releaseOnPrd();
    const op = await h.service.requestInstall({ group: PRD, requestedBy: 'U0OPS', channel: 'C0PRD' });
    await eventually(async () => (await h.store.operations.get(op.id))?.messageTs ?? undefined);
    const card = (await h.store.operations.get(op.id))!;
    const origin = { channel: card.channel, messageTs: card.messageTs! };

    const elsewhere = await h.service.recordDecision(
      { operationId: op.id, userId: 'U0APP1', decision: 'approve', origin: { ...origin, messageTs: '1.000001' } },
      authorizer,
    );
    expect(elsewhere.send).toBeUndefined();
    expect(elsewhere.result).toMatchObject({
      outcome: 'refused',
      userMessage: expect.stringContaining('not on the card'),
    });
    const late = await h.service.recordDecision(
      { operationId: op.id, userId: 'U0APP1', decision: 'approve', origin, inTime: () => false },
      authorizer,
    );
    expect(late.result).toMatchObject({ outcome: 'refused', userMessage: expect.stringContaining('not recorded') });
    expect(await h.store.approvals.list(op.id)).toEqual([]);
    expect((await h.store.operations.get(op.id))!.status).toBe('pending');

    const recorded = await h.service.recordDecision(
      { operationId: op.id, userId: 'U0APP1', decision: 'approve', origin, inTime: () => true },
      authorizer,
    );
    expect(recorded.result.outcome).toBe('approved');
    expect((await h.store.approvals.list(op.id)).map((a) => a.userId)).toEqual(['U0APP1']);
    expect(['approved', 'sending', 'running']).toContain((await h.store.operations.get(op.id))!.status);
    await recorded.send!();
    await terminal(h.store, op.id);
    expect(sends()).toBe(1);
  });

  /** The id of a seeded instance by its Name tag. */
  function idOf(name: string): string {
    const id = ids.get(name);
    if (!id) throw new Error(`no instance ${name}`);
    return id;
  }
});
