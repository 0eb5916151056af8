/** The approval card once decided: approved, running, finished, rejected, expired and cancelled; hostile strings escaped. */
import { operationView } from '../../../src/slack/views/operation';
import type { OperationReport } from '../../../src/patching/report-record';
import {
  EVIL_NAME,
  NOW,
  approvalState,
  changeReport,
  expectWithinLimits,
  outcome,
  planned,
  readable,
  smallPlan,
} from './fixtures';
import { actionBlocks, at } from './card-helpers';

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
    // The one button of a finished change with failed instances: Retry failed, for exactly those.
    expect(JSON.stringify(actionBlocks(m))).toMatch(/"Retry failed \(1\)"},"action_id":"patchbot.retry_failed"/);
    expect(actionBlocks(m)).toHaveLength(1);
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
