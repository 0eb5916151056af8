/**
 * The modal Approve opens where the group's policy asks for a reason (approval.requireReason): the
 * change restated and a required reason, at least APPROVAL_REASON_MIN characters. The operation id
 * rides in private_metadata (and nothing else does), so the submission handler reloads the operation.
 */
import type { ModalView } from '@slack/types';
import { Blocks, Elements, Modal } from 'slack-block-builder';
import { APPROVAL_REASON_MAX, APPROVAL_REASON_MIN } from '../../patching/approval-types';
import type { Sentence } from '../../sentence';
import { renderSentence, truncate } from '../mrkdwn';
import { APPROVE_MODAL } from './actions';

/** What the dialog says under the field when the reason given is blank or too short. */
export const REASON_TOO_SHORT = `Write why this change may run: at least ${APPROVAL_REASON_MIN} characters, e.g. a change ticket and what it fixes.`;

/**
 * The approve dialog for `operationId`; `summary` is raw text or a sentence naming the requester,
 * e.g. "install on PRD, requested by <@U…> (op-…)", in a mrkdwn section (see rejectModalView).
 */
export function approveModalView(operationId: string, summary: Sentence | string): ModalView {
  const view = Modal({
    title: 'Approve change',
    callbackId: APPROVE_MODAL.callbackId,
    privateMetaData: operationId,
    submit: 'Approve',
    close: 'Cancel',
  })
    .blocks(
      Blocks.Section({
        text: `✅ Approve *${truncate(renderSentence(summary), 2_500)}*?\nThis group asks for a reason: the channel sees it on the card, and the audit log keeps it.`,
      }),
      Blocks.Input({
        label: 'Reason',
        blockId: APPROVE_MODAL.blockId,
        hint: `At least ${APPROVAL_REASON_MIN} characters. Shown on the card and kept in the audit log.`,
      }).element(
        Elements.TextInput({
          actionId: APPROVE_MODAL.actionId,
          minLength: APPROVAL_REASON_MIN,
          maxLength: APPROVAL_REASON_MAX,
          placeholder: 'e.g. CHG-1234: fixes the openssl CVEs, STG clean for a week',
        }).multiline(),
      ),
    )
    .buildToObject();
  // The builder's object is Block Kit JSON; its types are its own, so it is cast once, here.
  return view as unknown as ModalView;
}
