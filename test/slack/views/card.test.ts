/** The approval card of an install or reboot: the plan, the buttons, the decided states, the reject modal, and 10,000 instances. */
import { validateView } from '@patchbot/sandbox/slack/blocks-validate';
import { ACTIONS, REJECT_MODAL } from '../../../src/slack/views/actions';
import { decisionNoticeView } from '../../../src/slack/views/errors';
import { operationView } from '../../../src/slack/views/operation';
import { rejectModalView } from '../../../src/slack/views/reject-modal';
import type { OperationReport } from '../../../src/patching/report-record';
import type { SlackMessage } from '../../../src/slack/views/message';
import {
  EVIL,
  EVIL_NAME,
  HOUR,
  NOW,
  approvalState,
  changeReport,
  expectWithinLimits,
  hugePlan,
  hugeReport,
  measure,
  outcome,
  planned,
  readable,
  smallPlan,
} from './fixtures';

type Button = {
  type: string;
  action_id: string;
  value: string;
  style?: string;
  text: { text: string };
  confirm?: { title: { text: string }; text: { text: string } };
};
const actionBlocks = (m: SlackMessage) =>
  (m.blocks as Array<{ type: string; elements?: Button[] }>).filter((b) => b.type === 'actions');
const buttons = (m: SlackMessage): Button[] => actionBlocks(m).flatMap((b) => b.elements ?? []);
const button = (m: SlackMessage, actionId: string) => buttons(m).find((b) => b.action_id === actionId);
const at = (minutesBeforeNow: number) => new Date(NOW.getTime() - minutesBeforeNow * 60_000);
/** The handle the Slack layer resolved for the fixtures' approver user group. */
const HANDLES = new Map([['S0OPS0001', 'ops-leads']]);

describe('the pending install card, small plan', () => {
  const m = operationView(
    changeReport(smallPlan(), {
      approval: approvalState({ decisions: [{ userId: 'U0BOB0002', decision: 'approved', at: at(0.5) }] }),
    }),
    NOW,
    HANDLES,
  );
  const text = readable(m);

  it('says what waits for whom, and until when', () => {
    expectWithinLimits(m);
    expect(m.text).toBe('⏳ Install 12 patches on 8 PRD instances, no reboot: waiting for approval');
    expect(text).toContain('⏳ Install on PRD — waiting for approval');
    expect(text).toContain('Requested by <@U0ALICE001> at 2026-03-10 11:59 UTC · expires 2026-03-10 16:00 UTC (in 4h)');
  });

  it('names the targets and the excluded instances with their reasons', () => {
    expect(text).toContain('*Targets (8)*\n• *web-prd-01* `i-00000000000000001`\n');
    expect(text).toContain('• *web-prd-08*');
    expect(text).toContain(
      '*Excluded (2)*\n• *batch-prd-01* `i-00000000000000009` — stopped\n• *db-prd-01* `i-0000000000000000a` — SSM agent ConnectionLost',
    );
  });

  it('lists the patches worst first with severity, classification and instance counts', () => {
    expect(text).toContain(
      '*Patches to install (12)*, worst first\n• Critical · Security · `ALAS-2026-1002` openssl: CVE-2026-0001 — 3 instances\n• Important · Security · `ALAS-2026-1001`',
    );
    expect(text).toContain(
      '• Medium · Bugfix · `ALAS-2026-1003` 2026-03 Security update for kernel-3 (ALAS-2026-1003) — 1 instance',
    );
    expect(m.thread).toBeUndefined();
  });

  it('shows the scan age, reboot, concurrency and the promotion evidence', () => {
    expect(text).toContain('*Latest scan*\n2h ago · limit 1d');
    expect(text).toContain('*Reboot*\nNo reboot: patches wait as pending reboot');
    expect(text).toContain('*Rate*\n`10%` at a time · stops after `1` error');
    expect(text).toContain('Sent to exactly the targets listed');
    expect(text).toContain('*STG*: last install `op-stg0001` succeeded 5d ago, compliant now ✅');
    expect(text).not.toContain('⚠️');
  });

  it('shows the approvals so far and who may approve', () => {
    expect(text).toContain('*Approvals*: 1 of 2 approvals: <@U0BOB0002> at 2026-03-10 11:59 UTC');
    expect(text).toContain(
      'Who may approve: <@U0CAROL03>, <@U0DAVE004>, @ops-leads (not <@U0ALICE001>, who requested it)',
    );
  });

  it('names an approver user group by its handle, never with a mention that would notify its members', () => {
    expect(text).not.toContain('subteam');
    const unresolved = readable(operationView(changeReport(smallPlan()), NOW));
    expect(unresolved).toContain('Who may approve: <@U0CAROL03>, <@U0DAVE004>, a user group (not');
    expect(unresolved).not.toContain('S0OPS0001');
  });

  it('offers Approve with a confirm dialog that restates the change, and Reject, but no Scan first on a fresh scan', () => {
    expect(actionBlocks(m)).toHaveLength(1);
    const approve = button(m, ACTIONS.approve);
    expect(approve).toMatchObject({ style: 'primary', value: 'op-7k2m9q', text: { text: 'Approve' } });
    expect(approve?.confirm?.title.text).toBe('Approve this change?');
    expect(approve?.confirm?.text.text).toBe('Install 12 patches on 8 PRD instances, no reboot?');
    expect(button(m, ACTIONS.reject)).toMatchObject({ style: 'danger', value: 'op-7k2m9q', text: { text: 'Reject' } });
    expect(button(m, ACTIONS.scanFirst)).toBeUndefined();
    for (const b of buttons(m)) {
      expect(b.value).toBe('op-7k2m9q');
      expect(b.text.text.length).toBeLessThanOrEqual(75);
    }
  });

  it('reads "Reboot if needed" for RebootIfNeeded, in the card and the confirm dialog', () => {
    const v = operationView(changeReport(smallPlan({ rebootOption: 'RebootIfNeeded' })), NOW);
    expectWithinLimits(v);
    expect(readable(v)).toContain('*Reboot*\nReboot if needed');
    expect(button(v, ACTIONS.approve)?.confirm?.text.text).toBe(
      'Install 12 patches on 8 PRD instances, rebooting if needed?',
    );
  });

  it('says when self-approval is allowed and no approval came yet', () => {
    const v = operationView(
      changeReport(smallPlan(), { approval: approvalState({ minApprovals: 1, allowSelfApproval: true }) }),
      NOW,
      HANDLES,
    );
    expect(readable(v)).toContain(
      '*Approvals*: No approvals yet (1 needed)\nWho may approve: <@U0CAROL03>, <@U0DAVE004>, @ops-leads\n',
    );
  });
});

describe('the pending card, stale or missing scan, promotion warning, plan failures', () => {
  it('warns about a stale scan and offers Scan first', () => {
    const m = operationView(
      changeReport(
        smallPlan({
          scan: { newest: new Date(NOW.getTime() - 72 * HOUR), oldest: undefined, maxAgeMs: 24 * HOUR, stale: true },
        }),
      ),
      NOW,
    );
    expectWithinLimits(m);
    expect(readable(m)).toContain('⚠️ The latest scan is 3d old (limit 1d): the plan may be out of date.');
    expect(readable(m)).toContain('*Latest scan*\n3d ago · limit 1d');
    expect(button(m, ACTIONS.scanFirst)).toMatchObject({ value: 'op-7k2m9q', text: { text: 'Scan first' } });
    expect(buttons(m).map((b) => b.action_id)).toEqual([ACTIONS.approve, ACTIONS.reject, ACTIONS.scanFirst]);
  });

  it('says when the group was never scanned, and offers Scan first', () => {
    const m = operationView(
      changeReport(
        smallPlan({ patches: [], scan: { newest: undefined, oldest: undefined, maxAgeMs: 24 * HOUR, stale: true } }),
      ),
      NOW,
    );
    expectWithinLimits(m);
    expect(readable(m)).toContain(
      '⚠️ *PRD* was never scanned, so nobody can see what this change would install. Scan first.',
    );
    expect(readable(m)).toContain('*Latest scan*\nnever scanned · limit 1d');
    expect(m.text).toBe('⏳ Install missing patches on 8 PRD instances, no reboot: waiting for approval');
    expect(button(m, ACTIONS.scanFirst)).toBeDefined();
  });

  it('says so when the latest scan finds nothing to install', () => {
    const m = operationView(changeReport(smallPlan({ patches: [] })), NOW);
    expect(readable(m)).toContain('*Patches to install*: none missing according to the latest scan.');
  });

  it('shows the promotion warning with ⚠️, escaped', () => {
    const promotion = {
      fromGroup: 'STG',
      lastInstall: {
        operationId: 'op-stg0002',
        status: 'failed' as const,
        finishedAt: new Date(NOW.getTime() - 26 * HOUR),
      },
      compliantNow: false,
      nonCompliantInstances: 3,
      warning: `STG's last install failed and 3 instances are not compliant ${EVIL[0]}`,
    };
    const m = operationView(changeReport(smallPlan({ promotion })), NOW);
    expectWithinLimits(m);
    expect(readable(m)).toContain(
      '*Promotion evidence*\n⚠️ *STG*: last install `op-stg0002` failed 1d 2h ago, not compliant now (3 instances non-compliant)',
    );
    // The warning restates the same facts: the card says them once.
    expect(readable(m)).not.toContain('are not compliant &lt;!channel&gt;');
  });

  it('says when the source group has no install yet', () => {
    const promotion = {
      fromGroup: 'STG',
      lastInstall: undefined,
      compliantNow: undefined,
      nonCompliantInstances: 0,
      warning: 'STG has no install through patchbot yet.',
    };
    expect(readable(operationView(changeReport(smallPlan({ promotion })), NOW))).toContain(
      '⚠️ *STG*: no install through patchbot yet, compliance unknown',
    );
  });

  it('lists the scopes the plan could not read', () => {
    const m = operationView(
      changeReport(
        smallPlan({
          failures: [
            { scope: 'dr', region: 'ap-south-1', message: 'AccessDenied: grant ssm:DescribeInstancePatchStates' },
          ],
        }),
      ),
      NOW,
    );
    expect(readable(m)).toContain(
      '❌ *Could not read 1 scope*, so it is not counted above:\n• *dr · ap-south-1*: AccessDenied: grant ssm:DescribeInstancePatchStates',
    );
  });
});

describe('the pending reboot card', () => {
  const plan = smallPlan({
    kind: 'reboot',
    patches: [],
    targets: smallPlan().targets.slice(0, 3),
    excluded: [{ ...smallPlan().targets[3]!, reason: 'nothing pending a reboot' }],
  });
  const m = operationView(changeReport(plan), NOW);

  it('reads as a reboot, without patches or a reboot option', () => {
    expectWithinLimits(m);
    expect(m.text).toBe('⏳ Reboot 3 PRD instances: waiting for approval');
    expect(readable(m)).toContain('⏳ Reboot on PRD — waiting for approval');
    expect(readable(m)).toContain('*Instances to reboot (3)*\n• *web-prd-01*');
    expect(readable(m)).toContain('— nothing pending a reboot');
    expect(readable(m)).not.toContain('Patches to install');
    expect(readable(m)).not.toContain('*Reboot*\n');
    expect(button(m, ACTIONS.approve)?.confirm?.text.text).toBe('Reboot 3 PRD instances?');
  });
});

describe('an approved, running and finished install', () => {
  const approval = approvalState({
    decisions: [
      { userId: 'U0BOB0002', decision: 'approved', at: at(25) },
      { userId: 'U0CAROL03', decision: 'approved', at: at(21) },
    ],
  });
  const outcomes = [
    ...Array.from({ length: 5 }, (_, i) => ({
      ...outcome(i + 1, 'Success', undefined, `web-prd-0${i + 1}`),
      missing: 0,
    })),
    { ...outcome(6, 'Success', undefined, 'web-prd-06'), missing: 0, pendingReboot: 3 },
    { ...outcome(7, 'Success', undefined, 'web-prd-07'), missing: 0, pendingReboot: 3 },
    outcome(8, 'Failed', 'Failed', 'web-prd-08'),
  ];
  const finished: Partial<OperationReport> = {
    status: 'succeeded',
    startedAt: at(20),
    finishedAt: NOW,
    finished: 8,
    succeeded: 7,
    failed: 1,
    outcomes,
    approval,
    complianceAfter: { compliant: 5, nonCompliant: 3, pendingReboot: 2, instances: 8 },
    missingBySeverity: { critical: 0, security: 1, other: 0 },
  };

  it('has no buttons while approved or running, and says who approved', () => {
    for (const status of ['approved', 'sending', 'running'] as const) {
      const m = operationView(
        changeReport(smallPlan(), { status, approval, finished: 3, succeeded: 3, outcomes: outcomes.slice(0, 3) }),
        NOW,
      );
      expectWithinLimits(m);
      expect(actionBlocks(m)).toHaveLength(0);
      expect(readable(m)).toContain(
        'Install 12 patches on 8 PRD instances, no reboot · Approved by <@U0BOB0002> at 2026-03-10 11:35 UTC, <@U0CAROL03> at 2026-03-10 11:39 UTC',
      );
    }
  });

  it('shows installed, pending reboot and failed per instance, and the compliance after', () => {
    const m = operationView(changeReport(smallPlan(), finished), NOW);
    expectWithinLimits(m);
    expect(actionBlocks(m)).toHaveLength(0);
    const text = readable(m);
    expect(m.text).toBe(
      '⚠️ Install of PRD finished with problems: 8 instances · 5 installed · 2 pending reboot · 1 failed · 0 unreachable',
    );
    expect(text).toContain('After: 5 compliant, 2 pending reboot, 1 non-compliant of 8');
    expect(text).toContain('Approved by <@U0BOB0002> at 2026-03-10 11:35 UTC, <@U0CAROL03> at 2026-03-10 11:39 UTC');
    expect(text).toContain('*Failed (1)*\n• *web-prd-08* `i-00000000000000008` — Failed');
    expect(text).toContain(
      '*Pending reboot (2)* — installed; the patches apply at the next reboot:\n• *web-prd-06* `i-00000000000000006`\n• *web-prd-07*',
    );
    const thread = readable(m.thread![0]!);
    expect(thread).toContain('• *web-prd-08* `i-00000000000000008` — Failed\n');
    expect(thread).toContain('• *web-prd-01* `i-00000000000000001` — Installed · 0 missing patches');
    expect(thread).toContain(
      '• *web-prd-06* `i-00000000000000006` — Installed, pending reboot · 0 missing patches · 3 patches wait for the reboot',
    );
  });

  it('reads "After: 6 compliant, 2 pending reboot of 8" when the rest are compliant', () => {
    const m = operationView(
      changeReport(smallPlan(), {
        ...finished,
        complianceAfter: { compliant: 6, nonCompliant: 2, pendingReboot: 2, instances: 8 },
      }),
      NOW,
    );
    expect(readable(m)).toContain('After: 6 compliant, 2 pending reboot of 8');
  });

  it('says when the policy needed no approval', () => {
    const m = operationView(
      changeReport(smallPlan({ group: 'STG' }), {
        ...finished,
        group: 'STG',
        approval: approvalState({ required: false, decisions: [] }),
      }),
      NOW,
    );
    expect(readable(m)).toContain("No approval needed: STG's policy lets changes run at once");
  });

  it('shows SSM status details of failed instances, escaped', () => {
    const m = operationView(
      changeReport(smallPlan(), {
        ...finished,
        outcomes: [...outcomes.slice(0, 7), outcome(8, 'Failed', `Execution Timed Out ${EVIL_NAME}`, EVIL_NAME)],
      }),
      NOW,
    );
    expectWithinLimits(m);
    expect(readable(m)).toContain('— Failed (Execution Timed Out &lt;!channel&gt;');
  });
});

describe('rejected, expired and cancelled cards', () => {
  it('says who rejected it, when, and why (escaped); no buttons', () => {
    const approval = approvalState({
      decisions: [
        {
          userId: 'U0CAROL03',
          decision: 'rejected',
          at: at(5),
          reason: `Not during the sale.\nWait for STG ${EVIL_NAME}`,
        },
      ],
    });
    const m = operationView(changeReport(smallPlan(), { status: 'rejected', finishedAt: at(5), approval }), NOW);
    expectWithinLimits(m);
    expect(actionBlocks(m)).toHaveLength(0);
    expect(m.text).toBe('🚫 Install 12 patches on 8 PRD instances, no reboot: rejected');
    expect(readable(m)).toContain('🚫 Install on PRD rejected');
    expect(readable(m)).toContain(
      'Rejected by <@U0CAROL03> at 2026-03-10 11:55 UTC\n> Not during the sale.\n> Wait for STG &lt;!channel&gt; &lt;@U0ALICE001&gt; &lt;https://evil.example|click me&gt;',
    );
    expect(readable(m)).toContain('Requested by <@U0ALICE001> at 2026-03-10 11:59 UTC\n');
    expect(readable(m)).not.toContain('expires');
  });

  it('says when nobody gave a reason', () => {
    const approval = approvalState({ decisions: [{ userId: 'U0CAROL03', decision: 'rejected', at: at(5) }] });
    expect(
      readable(operationView(changeReport(smallPlan(), { status: 'rejected', finishedAt: at(5), approval }), NOW)),
    ).toContain('_No reason given._');
  });

  it('says it expired, with the approvals it had; no buttons', () => {
    const approval = approvalState({
      expiresAt: at(1),
      decisions: [{ userId: 'U0BOB0002', decision: 'approved', at: at(100) }],
    });
    const m = operationView(changeReport(smallPlan(), { status: 'expired', finishedAt: at(1), approval }), NOW);
    expectWithinLimits(m);
    expect(actionBlocks(m)).toHaveLength(0);
    expect(readable(m)).toContain('⌛ Install on PRD expired without approval');
    expect(readable(m)).toContain('Expired without approval at 2026-03-10 11:59 UTC: a new request is needed.');
    expect(readable(m)).toContain('1 of 2 approvals: <@U0BOB0002> at 2026-03-10 10:20 UTC');
  });

  it('says it was cancelled before it ran, with the notice that says who', () => {
    const m = operationView(
      changeReport(smallPlan(), { status: 'cancelled', finishedAt: at(2), notice: 'Cancelled by <@U0ALICE001>' }),
      NOW,
    );
    expectWithinLimits(m);
    expect(actionBlocks(m)).toHaveLength(0);
    expect(readable(m)).toContain('⏹️ Install on PRD cancelled');
    expect(readable(m)).toContain('Cancelled at 2026-03-10 11:58 UTC, before it ran.');
    expect(readable(m)).toContain('ℹ️ Cancelled by &lt;@U0ALICE001&gt;');
  });
});

describe('hostile strings on the card', () => {
  it('escapes patch titles, instance names, reasons, approvers and the requester', () => {
    const plan = smallPlan({
      targets: [{ ...smallPlan().targets[0]!, name: EVIL_NAME }],
      excluded: [{ ...smallPlan().targets[1]!, name: EVIL_NAME, reason: EVIL_NAME }],
      patches: [
        planned(1, EVIL_NAME, 1, EVIL_NAME),
        { ...planned(2, 'Critical', 1), classification: EVIL_NAME, kbId: EVIL_NAME },
      ],
      promotion: {
        fromGroup: EVIL_NAME,
        lastInstall: undefined,
        compliantNow: false,
        nonCompliantInstances: 1,
        warning: EVIL_NAME,
      },
    });
    const m = operationView(
      changeReport(plan, {
        requestedBy: '<!channel>',
        approval: approvalState({ approvers: ['<!here>', 'U0CAROL03'] }),
      }),
      NOW,
    );
    expectWithinLimits(m);
    const json = JSON.stringify(m);
    expect(json).not.toContain('<@U0ALICE001>');
    // The one real mention left is the configured approver's.
    expect(json.match(/<[!@#h]/g)).toEqual(['<@']);
    expect(json).toContain('<@U0CAROL03>');
    expect(readable(m)).toContain('&lt;https://evil.example|click me&gt;');
  });
});

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

describe('rejectModalView', () => {
  const view = rejectModalView('op-7k2m9q', `Install 12 patches on 8 PRD instances ${EVIL_NAME}`);

  it("passes the stand-in's validateView", () => {
    const verdict = validateView(view);
    if (!verdict.ok) throw new Error(verdict.issues.map((i) => `${i.pointer} ${i.message}`).join('; '));
  });

  it('carries the operation id, the callback id, and an optional multiline reason of at most 500 characters', () => {
    expect(view).toMatchObject({
      type: 'modal',
      callback_id: REJECT_MODAL.callbackId,
      private_metadata: 'op-7k2m9q',
      title: { text: 'Reject change' },
      submit: { text: 'Reject' },
      close: { text: 'Cancel' },
    });
    // biome-ignore lint/suspicious/noExplicitAny: reads the raw Block Kit JSON of the modal's input block
    const input = (view.blocks as Array<Record<string, any>>).find((b) => b.type === 'input');
    expect(input).toMatchObject({
      block_id: REJECT_MODAL.blockId,
      optional: true,
      element: { type: 'plain_text_input', action_id: REJECT_MODAL.actionId, multiline: true, max_length: 500 },
    });
  });

  it('escapes the summary', () => {
    expect(JSON.stringify(view)).not.toMatch(/<[!@h]/);
  });
});

describe('decisionNoticeView', () => {
  it('answers a click privately, escaped', () => {
    const m = decisionNoticeView(`You requested this change; another approver must approve it. ${EVIL[0]}`);
    expectWithinLimits(m);
    expect(readable(m)).toContain('✋ You requested this change; another approver must approve it. &lt;!channel&gt;');
  });

  it('says who may, when given', () => {
    const m = decisionNoticeView(
      'Only an approver of PRD can approve this change.',
      ['U0CAROL03', 'S0OPS0001'],
      HANDLES,
    );
    expectWithinLimits(m);
    expect(readable(m)).toContain('Who may: <@U0CAROL03>, @ops-leads');
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
    expect(actionBlocks(m)).toHaveLength(0);
    const body =
      (m.blocks as Array<{ text?: { text: string } }>)
        .map((b) => b.text?.text ?? '')
        .find((t) => t.startsWith(`*Pending reboot (${pending.toLocaleString('en-US')})*`)) ?? '';
    const shown = body.split('\n').filter((l) => l.startsWith('• ')).length;
    expect(body).toContain(`…and ${(pending - shown).toLocaleString('en-US')} more (see the thread)`);
    expect(readable(m)).toContain(`After: 5,000 compliant, ${pending.toLocaleString('en-US')} pending reboot`);
  });
});
