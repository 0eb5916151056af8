/**
 * The dialog "Override freeze…" opens: the change and the calendars that hold it restated, and a
 * required written reason (at least APPROVAL_REASON_MIN characters). The operation id rides in
 * private_metadata and nothing else does, so the submission handler reloads the operation.
 */
import type { ModalView } from '@slack/types';
import { Blocks, Elements, Modal } from 'slack-block-builder';
import { APPROVAL_REASON_MAX, APPROVAL_REASON_MIN } from '../../patching/approval-types';
import type { Sentence } from '../../sentence';
import { renderSentence, truncate } from '../mrkdwn';
import { OVERRIDE_MODAL } from './actions';

/** What the dialog says under the field when the reason given is blank or too short. */
export const OVERRIDE_REASON_TOO_SHORT = `Write why this change must run during the freeze: at least ${APPROVAL_REASON_MIN} characters, e.g. an incident and what it fixes.`;

/** The override dialog for `operationId`; `summary` names the change and its requester. */
export function overrideModalView(operationId: string, summary: Sentence | string): ModalView {
  const view = Modal({
    title: 'Override freeze',
    callbackId: OVERRIDE_MODAL.callbackId,
    privateMetaData: operationId,
    submit: 'Override',
    close: 'Cancel',
  })
    .blocks(
      Blocks.Section({
        text: `🔓 Send *${truncate(renderSentence(summary), 2_500)}* despite its closed change calendars?\nIt takes two different override approvers, each with a reason. The channel is told who and why, and the audit log keeps it.`,
      }),
      Blocks.Input({
        label: 'Reason',
        blockId: OVERRIDE_MODAL.blockId,
        hint: `At least ${APPROVAL_REASON_MIN} characters. Posted in the channel and kept in the audit log.`,
      }).element(
        Elements.TextInput({
          actionId: OVERRIDE_MODAL.actionId,
          minLength: APPROVAL_REASON_MIN,
          maxLength: APPROVAL_REASON_MAX,
          placeholder: 'e.g. INC-4711: the exploited openssl CVE cannot wait for the freeze to end',
        }).multiline(),
      ),
    )
    .buildToObject();
  // The builder's object is Block Kit JSON; its types are its own, so it is cast once, here.
  return view as unknown as ModalView;
}
