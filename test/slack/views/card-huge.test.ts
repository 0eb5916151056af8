/** The approval card for 10,000 instances, pending and finished: within every limit, lists capped. */
import { ACTIONS } from '../../../src/slack/views/actions';
import { operationView } from '../../../src/slack/views/operation';
import {
  NOW,
  approvalState,
  changeReport,
  expectWithinLimits,
  hugePlan,
  hugeReport,
  measure,
  readable,
} from './fixtures';
import { actionBlocks, button, at } from './card-helpers';

describe('the pending card for 10,000 instances and 800 patches', () => {
  const m = operationView(changeReport(hugePlan()), NOW);
  const sections = (m.blocks as Array<{ type: string; text?: { text: string } }>).map((b) => b.text?.text ?? '');
  const size = measure(m);

  it('stays within every limit, thread included', () => {
    expectWithinLimits(m);
    expect(size.blocks).toBeLessThanOrEqual(50);
    expect(size.longestSection).toBeLessThanOrEqual(3_000);
    expect(size.chars).toBeLessThan(10_000);
    for (const a of actionBlocks(m)) expect(a.elements!.length).toBeLessThanOrEqual(25);
    expect(size.thread).toBeLessThanOrEqual(10);
  });

  it('caps each list with "…and N more" and the right N', () => {
    const check = (title: string, total: number) => {
      const body = sections.find((t) => t.startsWith(title)) ?? '';
      const shown = body.split('\n').filter((l) => l.startsWith('• ')).length;
      expect(shown).toBeGreaterThan(0);
      expect(body).toContain(`…and ${(total - shown).toLocaleString('en-US')} more (see the thread)`);
    };
    check('*Targets (10,000)*', 10_000);
    check('*Excluded (500)*', 500);
    check('*Patches to install (800)*, worst first', 800);
  });

  it('puts the full lists in the thread, patches first among what approvers read', () => {
    const replies = (m.thread ?? []).map(readable);
    expect(replies[0]).toContain('*PRD · targets* · 1–');
    expect(replies.join('\n')).toContain('Fleet Manager in the SSM console lists every instance tagged PRD.');
    expect(replies.some((r) => r.includes('*PRD · patches to install, worst first* · 1–'))).toBe(true);
  });

  it('restates the change in the confirm dialog, and offers Scan first for the stale scan', () => {
    expect(button(m, ACTIONS.approve)?.confirm?.text.text).toBe(
      'Install 800 patches on 10,000 PRD instances, no reboot?',
    );
    expect(button(m, ACTIONS.scanFirst)).toBeDefined();
    expect(readable(m)).toContain(
      '⚠️ *STG*: last install `op-stg0001` failed 2d ago, not compliant now (1,234 instances non-compliant)',
    );
  });
});

describe('a finished install on 10,000 instances', () => {
  const base = hugeReport();
  const outcomes = base.outcomes.map((o, i) =>
    o.status === 'Success' && i % 3 === 0 ? { ...o, pendingReboot: 2 } : o,
  );
  const pending = outcomes.filter((o) => o.status === 'Success' && (o.pendingReboot ?? 0) > 0).length;
  const approval = approvalState({
    decisions: Array.from({ length: 40 }, (_, i) => ({
      userId: `U0APPROVER${i}`,
      decision: 'approved' as const,
      at: at(60 - i),
    })),
  });
  const m = operationView(
    {
      ...base,
      kind: 'install',
      outcomes,
      plan: hugePlan(),
      approval,
      complianceAfter: { compliant: 5_000, nonCompliant: 5_000, pendingReboot: pending, instances: 10_000 },
    },
    NOW,
  );

  it('stays within every limit and caps the pending-reboot list', () => {
    expectWithinLimits(m);
    // The one button of a finished change with failed instances: Retry failed, for exactly those.
    expect(JSON.stringify(actionBlocks(m))).toMatch(/"Retry failed \(500\)"},"action_id":"patchbot.retry_failed"/);
    expect(actionBlocks(m)).toHaveLength(1);
    const body =
      (m.blocks as Array<{ text?: { text: string } }>)
        .map((b) => b.text?.text ?? '')
        .find((t) => t.startsWith(`*Pending reboot (${pending.toLocaleString('en-US')})*`)) ?? '';
    const shown = body.split('\n').filter((l) => l.startsWith('• ')).length;
    expect(body).toContain(`…and ${(pending - shown).toLocaleString('en-US')} more (see the thread)`);
    expect(readable(m)).toContain(`After: 5,000 compliant, ${pending.toLocaleString('en-US')} pending reboot`);
  });
});
