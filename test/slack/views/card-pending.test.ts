/** The pending approval card of an install or reboot: the plan, the buttons, stale scans, promotion warnings and plan failures. */
import { ACTIONS } from '../../../src/slack/views/actions';
import { operationView } from '../../../src/slack/views/operation';
import { EVIL, HOUR, NOW, approvalState, changeReport, expectWithinLimits, readable, smallPlan } from './fixtures';
import { actionBlocks, buttons, button, at, HANDLES } from './card-helpers';

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
