/**
 * Install and reboot with approval, below Slack, in order on one fleet: the plan from what the fleet misses,
 * STG at once as PRD's evidence, refusals before one approval sends once, the reboot it leaves, nothing to install.
 */
import { ForbiddenError, InputError } from '../../src/errors';
import { readResult } from '../../src/patching';
import { eventually } from '../support/aws';
import { terminal } from './helpers';
import { authorizer, PRD, STG, sim, gateways, h, sends, releaseOnPrd, useChangeWorld, idOf } from './change-world';

describe('install and reboot with approval', () => {
  useChangeWorld();

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
});
