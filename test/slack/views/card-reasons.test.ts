/** approval.requireReason on the card: Approve opens the reason dialog; reasons show with their approvals, escaped. */
import { validateView } from '@patchbot/sandbox/slack/blocks-validate';
import { APPROVAL_REASON_MIN } from '../../../src/patching/approval-types';
import { ACTIONS, APPROVE_MODAL } from '../../../src/slack/views/actions';
import { approveModalView } from '../../../src/slack/views/approve-modal';
import { operationView } from '../../../src/slack/views/operation';
import { EVIL_NAME, NOW, approvalState, changeReport, expectWithinLimits, readable, smallPlan } from './fixtures';
import { at, button } from './card-helpers';

const REASON = `CHG-1234: openssl ${EVIL_NAME}`;
const ESCAPED = 'CHG-1234: openssl &lt;!channel&gt; &lt;@U0ALICE001&gt;';

describe('the pending card where approval needs a reason', () => {
  const approval = approvalState({
    requireReason: true,
    decisions: [{ userId: 'U0BOB0002', decision: 'approved', at: at(5), reason: REASON }],
  });
  const m = operationView(changeReport(smallPlan(), { approval }), NOW);
  const text = readable(m);

  it('offers Approve… without a confirm dialog: the reason dialog restates the change instead', () => {
    expectWithinLimits(m);
    const approve = button(m, ACTIONS.approve);
    expect(approve).toMatchObject({ style: 'primary', value: 'op-7k2m9q', text: { text: 'Approve…' } });
    expect(approve?.confirm).toBeUndefined();
    expect(text).toContain('Approve asks for a written reason');
  });

  it('shows each approval with its reason, escaped', () => {
    expect(text).toContain(`*Approvals*: 1 of 2 approvals: <@U0BOB0002> at 2026-03-10 11:55 UTC: ${ESCAPED}`);
    expect(text).not.toContain('<!channel>');
  });

  it('keeps the confirm dialog where no reason is asked', () => {
    const plain = operationView(changeReport(smallPlan()), NOW);
    expect(button(plain, ACTIONS.approve)?.confirm?.title.text).toBe('Approve this change?');
    expect(readable(plain)).not.toContain('written reason');
  });
});

describe('the approved card', () => {
  it('says "Approved by @bob at …: <reason>"', () => {
    const approval = approvalState({
      requireReason: true,
      minApprovals: 1,
      decisions: [{ userId: 'U0BOB0002', decision: 'approved', at: at(5), reason: REASON }],
    });
    for (const status of ['approved', 'running'] as const) {
      const m = operationView(changeReport(smallPlan(), { status, approval }), NOW);
      expectWithinLimits(m);
      expect(readable(m)).toContain(`Approved by <@U0BOB0002> at 2026-03-10 11:55 UTC: ${ESCAPED}`);
    }
  });
});

describe('approveModalView', () => {
  const view = approveModalView('op-7k2m9q', `install on PRD ${EVIL_NAME}`);

  it("passes the stand-in's validateView", () => {
    const verdict = validateView(view);
    if (!verdict.ok) throw new Error(verdict.issues.map((i) => `${i.pointer} ${i.message}`).join('; '));
  });

  it('carries the operation id and asks for a required reason of 10 to 500 characters', () => {
    expect(view).toMatchObject({
      type: 'modal',
      callback_id: APPROVE_MODAL.callbackId,
      private_metadata: 'op-7k2m9q',
      title: { text: 'Approve change' },
      submit: { text: 'Approve' },
    });
    // biome-ignore lint/suspicious/noExplicitAny: reads the raw Block Kit JSON of the modal's input block
    const input = (view.blocks as Array<Record<string, any>>).find((b) => b.type === 'input');
    expect(input?.optional).not.toBe(true);
    expect(input).toMatchObject({
      block_id: APPROVE_MODAL.blockId,
      element: {
        type: 'plain_text_input',
        action_id: APPROVE_MODAL.actionId,
        multiline: true,
        min_length: APPROVAL_REASON_MIN,
        max_length: 500,
      },
    });
    expect(APPROVAL_REASON_MIN).toBe(10);
  });

  it('escapes the summary', () => {
    expect(JSON.stringify(view)).not.toMatch(/<[!@h]/);
  });
});
