/**
 * The frozen card's "Override freeze…" button and its dialog. A click is acknowledged first; the
 * domain checks every rule (own card, override approvers configured, not the requester, not twice,
 * the change frozen by CLOSED calendars only) before the dialog opens, and again on submission, where
 * the written reason is required. Refusals and outcomes are told to the clicker alone.
 */
import type { App, BlockButtonAction, ViewSubmitAction } from '@slack/bolt';
import { APPROVAL_REASON_MIN } from '../patching/approval-types';
import type { ClickOrigin } from '../patching/approval-state';
import type { OverrideInput, OverrideResult } from '../patching/freeze-override';
import { toPatchbotError } from '../errors';
import type { Logger } from '../logger';
import type { Sentence } from '../sentence';
import { clickOrigin, OperationIdSchema } from './actions';
import { clickAnswers } from './click-answers';
import { NO_NAMES, type NameDirectory } from './directory';
import { ACTIONS, OVERRIDE_MODAL } from './views/actions';
import { OVERRIDE_REASON_TOO_SHORT, overrideModalView } from './views/override-modal';

/** What the override button asks of the domain. */
export interface OverrideServices {
  /** Records one override approver's confirmation (see src/patching/freeze-override.ts). */
  confirm(input: OverrideInput): Promise<OverrideResult>;
  /** The change in a line for the dialog (naming the requester), or undefined if not clicked on its card. */
  describe(operationId: string, origin: ClickOrigin): Promise<Sentence | undefined>;
}

const NOT_OURS = 'This button does not belong to a patchbot operation; nothing was changed.';

/** Registers the override button and dialog. */
export function registerOverrideActions(
  app: App,
  services: OverrideServices,
  logger: Logger,
  names: NameDirectory = NO_NAMES,
): void {
  const log = logger.child({ subsystem: 'actions' });
  const { notice, tell: answer } = clickAnswers(names, log);

  app.action<BlockButtonAction>(ACTIONS.overrideFreeze, async ({ ack, body, action, respond, client }) => {
    await ack();
    const tell = (text: Sentence | string) => answer(respond, text);
    const id = OperationIdSchema.safeParse(action.value);
    const origin = clickOrigin(body);
    if (!id.success || !origin) return tell(NOT_OURS);
    let result: OverrideResult;
    try {
      // Every rule but the reason is checked before the dialog opens: nobody writes a reason that cannot count.
      result = await services.confirm({ operationId: id.data, userId: body.user.id, origin });
    } catch (err) {
      const e = toPatchbotError(err);
      log.error({ err: e, operationId: id.data }, 'override click failed');
      return tell(e.userText);
    }
    log.info({ operationId: id.data, user: body.user.id, outcome: result.outcome }, 'override freeze clicked');
    if (result.outcome !== 'reason_required') return tell(result.userText);
    const summary = await services.describe(id.data, origin);
    if (!summary) return tell(NOT_OURS);
    await client.views
      .open({ trigger_id: body.trigger_id, view: overrideModalView(id.data, summary) })
      .catch(async (err: unknown) => {
        log.warn({ err, operationId: id.data }, 'could not open the override dialog');
        await tell(
          'patchbot could not open the dialog that asks for your reason, so nothing was recorded. Click Override freeze… again.',
        );
      });
  });

  app.view<ViewSubmitAction>(OVERRIDE_MODAL.callbackId, async ({ ack, body, view, client }) => {
    const id = OperationIdSchema.safeParse(view.private_metadata);
    if (!id.success) return ack();
    const reason = (view.state.values[OVERRIDE_MODAL.blockId]?.[OVERRIDE_MODAL.actionId]?.value ?? '').trim();
    // Slack's min_length counts spaces: a blank or short reason is refused in the dialog, which stays open.
    if (reason.length < APPROVAL_REASON_MIN)
      return ack({ response_action: 'errors', errors: { [OVERRIDE_MODAL.blockId]: OVERRIDE_REASON_TOO_SHORT } });
    let result: OverrideResult;
    try {
      result = await services.confirm({ operationId: id.data, userId: body.user.id, reason });
    } catch (err) {
      const e = toPatchbotError(err);
      log.error({ err: e, operationId: id.data }, 'override submission failed');
      return ack({
        response_action: 'errors',
        errors: { [OVERRIDE_MODAL.blockId]: `Not recorded; submit again later. ${e.userMessage}`.slice(0, 300) },
      });
    }
    await ack();
    log.info({ operationId: id.data, user: body.user.id, outcome: result.outcome }, 'override reason submitted');
    // A modal has no response_url: the override approver is told privately in the operation's channel.
    const channel = result.op?.channel;
    if (!channel) return;
    await client.chat
      .postEphemeral({ channel, user: body.user.id, ...(await notice(result.userText)) })
      .catch((err: unknown) => log.warn({ err }, 'could not answer an override'));
  });
}
