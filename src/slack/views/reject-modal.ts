/**
 * The modal Reject opens: the change restated and an optional reason. The operation id rides in
 * private_metadata (and nothing else does), so the submission handler reloads the operation.
 */
import type { ModalView } from '@slack/types';
import { Blocks, Elements, Modal } from 'slack-block-builder';
import type { Sentence } from '../../sentence';
import { renderSentence, truncate } from '../mrkdwn';
import { REJECT_MODAL, REJECT_REASON_MAX } from './actions';

/**
 * The reject dialog for `operationId`; `summary` is raw text or a sentence naming the requester,
 * e.g. "install on PRD, requested by <@U…> (op-…)". It goes in a mrkdwn section, where the
 * requester reads as a mention; a modal's plain_text fields could only show the raw id.
 */
export function rejectModalView(operationId: string, summary: Sentence | string): ModalView {
  const view = Modal({
    title: 'Reject change',
    callbackId: REJECT_MODAL.callbackId,
    privateMetaData: operationId,
    submit: 'Reject',
    close: 'Cancel',
  })
    .blocks(
      Blocks.Section({
        text: `🚫 Reject *${truncate(renderSentence(summary), 2_500)}*?\nThe requester and the channel see who rejected it, and the reason if you give one.`,
      }),
      Blocks.Input({
        label: 'Reason (optional)',
        blockId: REJECT_MODAL.blockId,
        hint: 'Shown on the card and kept in the audit log.',
      })
        .optional()
        .element(
          Elements.TextInput({
            actionId: REJECT_MODAL.actionId,
            maxLength: REJECT_REASON_MAX,
            placeholder: 'e.g. wait until STG has been compliant for a week',
          }).multiline(),
        ),
    )
    .buildToObject();
  // The builder's object is Block Kit JSON; its types are its own, so it is cast once, here.
  return view as unknown as ModalView;
}
