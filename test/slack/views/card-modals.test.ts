/** The reject modal and the private notice that answers a decision click. */
import { validateView } from '@patchbot/sandbox/slack/blocks-validate';
import { REJECT_MODAL } from '../../../src/slack/views/actions';
import { decisionNoticeView } from '../../../src/slack/views/errors';
import { rejectModalView } from '../../../src/slack/views/reject-modal';
import { EVIL, EVIL_NAME, expectWithinLimits, readable } from './fixtures';
import { HANDLES } from './card-helpers';

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
