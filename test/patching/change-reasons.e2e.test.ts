/**
 * approval.requireReason below Slack: every approval rule still applies first; an approval without a
 * written reason records nothing; a reason is kept with the vote, on the card's approval state and in
 * the audit log; a repeated approval records nothing twice.
 */
import { join } from 'node:path';
import { approvalState } from '../../src/patching';
import { groupOf, harness, terminal } from './helpers';
import { authorizer, changeConfig, gateways, releaseOnPrd, sends, tmp, useChangeWorld } from './change-world';

describe('approval with a required reason', () => {
  useChangeWorld();

  it('asks approvers for a reason, keeps it with the vote and in the audit log, and sends once', async () => {
    const cfg = changeConfig(2, { requireReason: true });
    const prd = groupOf(cfg, 'PRD');
    const w = await harness({ gateways, config: cfg, path: join(tmp.dir, 'reasons.db') });
    try {
      releaseOnPrd();
      const op = await w.service.requestInstall({ group: prd, requestedBy: 'U0OPS', channel: 'C0PRD' });
      const approve = (userId: string, reason?: string) =>
        w.service.decide(
          { operationId: op.id, userId, decision: 'approve', ...(reason ? { reason } : {}) },
          authorizer,
        );
      const audit = async () => w.store.audit.list({ operationId: op.id, limit: 50 });

      // Who may approve is checked before the reason: the dialog opens only for an approval that would count.
      expect((await approve('U0OPS')).outcome).toBe('refused');
      expect((await approve('U0NOBODY')).outcome).toBe('refused');
      for (const reason of [undefined, '   \n  ', 'too short']) {
        const asked = await approve('U0APP1', reason);
        expect(asked).toMatchObject({ outcome: 'reason_required', userMessage: expect.stringContaining('reason') });
      }
      expect(await w.store.approvals.list(op.id)).toEqual([]);
      expect((await audit()).map((e) => e.action)).not.toContain('operation.approval_recorded');

      const first = await approve('U0APP1', '  CHG-1234: openssl CVEs, STG clean <!channel>  ');
      expect(first).toMatchObject({ outcome: 'recorded', userMessage: expect.stringContaining('1 of 2') });
      const again = await approve('U0APP1', 'a second reason that must not replace the first');
      expect(again.outcome).toBe('refused');
      expect(again.userMessage).toContain('already approved');
      expect(sends()).toBe(0);

      const second = await approve('U0APP2', 'Reviewed the plan thread: fine');
      expect(second.outcome).toBe('approved');
      await w.tracker.start();
      await terminal(w.store, op.id);
      expect(sends()).toBe(1);

      const current = (await w.store.operations.get(op.id))!;
      const state = await approvalState(w.store, current, prd);
      expect(state.requireReason).toBe(true);
      expect(state.decisions.map((d) => [d.userId, d.reason])).toEqual([
        ['U0APP1', 'CHG-1234: openssl CVEs, STG clean <!channel>'],
        ['U0APP2', 'Reviewed the plan thread: fine'],
      ]);
      const entries = await audit();
      const votes = entries.filter((e) => e.action === 'operation.approval_recorded');
      expect(votes.map((e) => [e.actor, e.detail?.reason])).toEqual([
        ['U0APP2', 'Reviewed the plan thread: fine'],
        ['U0APP1', 'CHG-1234: openssl CVEs, STG clean <!channel>'],
      ]);
      expect(entries.find((e) => e.action === 'operation.approved')?.detail).toMatchObject({
        reasons: { U0APP1: 'CHG-1234: openssl CVEs, STG clean <!channel>', U0APP2: 'Reviewed the plan thread: fine' },
      });
    } finally {
      await w.close();
    }
  });

  it('a card decided meanwhile answers the reason plainly and records nothing', async () => {
    const cfg = changeConfig(1, { requireReason: true });
    const prd = groupOf(cfg, 'PRD');
    const w = await harness({ gateways, config: cfg, path: join(tmp.dir, 'decided.db') });
    try {
      releaseOnPrd();
      const op = await w.service.requestInstall({ group: prd, requestedBy: 'U0OPS', channel: 'C0PRD' });
      const rejected = await w.service.decide(
        { operationId: op.id, userId: 'U0APP2', decision: 'reject', reason: 'not tonight' },
        authorizer,
      );
      expect(rejected.outcome).toBe('rejected');
      const late = await w.service.decide(
        { operationId: op.id, userId: 'U0APP1', decision: 'approve', reason: 'CHG-1234 approved in CAB' },
        authorizer,
      );
      expect(late.outcome).toBe('refused');
      expect(late.userMessage).toMatch(/rejected by U0APP2/);
      expect(await w.store.approvals.list(op.id)).toEqual([]);
      expect(sends()).toBe(0);
    } finally {
      await w.close();
    }
  });
});
