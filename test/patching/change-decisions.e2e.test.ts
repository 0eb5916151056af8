/**
 * Decisions with approval, below Slack: exactly one send however the clicks race, two approvers, expiry,
 * reject, withdraw and cancel, a reboot that runs at most once, and decisions recorded before the send.
 */
import { join } from 'node:path';
import { ManualClock } from '../../src/clock';
import { readResult } from '../../src/patching';
import { eventually } from '../support/aws';
import { groupOf, harness, terminal } from './helpers';
import {
  changeConfig,
  authorizer,
  tmp,
  config,
  PRD,
  sim,
  gateways,
  h,
  sends,
  releaseOnPrd,
  useChangeWorld,
} from './change-world';

describe('install and reboot with approval', () => {
  useChangeWorld();

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
});
