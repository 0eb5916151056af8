import { randomUUID } from 'node:crypto';
import type { App, BlockButtonAction, RespondFn, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { GroupNameSchema } from '../../commands/args';
import type { Reply } from '../../commands/types';
import { toPatchbotError } from '../errors';
import type { Logger } from '../logger';
import { namesIn, type Sentence } from '../sentence';
import type { Operation } from '../store';
import { deliver } from './deliver';
import { NO_NAMES, type NameDirectory } from './directory';
import { SLACK_LIMITS } from './limits';
import { ACTIONS, REJECT_MODAL } from './views/actions';
import { decisionNoticeView, errorView } from './views/errors';
import { rejectModalView } from './views/reject-modal';
import { SHARE_ACTION, SHAREABLE_COMMANDS, shareCommandText } from './views/share';

/** A button's value: an operation id and nothing else; anything else is refused before it reaches the domain. */
export const OperationIdSchema = z.string().regex(/^op-[0-9a-z]{6,8}$/);

/** What a decision came to, and what to tell the person who clicked (people named by id, rendered here). */
export interface DecisionResult {
  outcome: 'approved' | 'recorded' | 'rejected' | 'refused';
  userText: Sentence;
  op?: Operation | undefined;
}

/** What the buttons ask of the domain. */
export interface ActionServices {
  decide(input: { operationId: string; userId: string; decision: 'approve' | 'reject'; reason?: string }): Promise<DecisionResult>;
  /** Starts a scan of the operation's group for the user (operators only); returns the scan. */
  scanFirst(input: { operationId: string; userId: string }): Promise<Operation>;
  /** Plans a change stopped by drift again, as a new request for the user (operators only); returns the new operation. */
  replan(input: { operationId: string; userId: string }): Promise<Operation>;
  /** A one-line description of the operation for the reject dialog (naming the requester), or undefined if unknown. */
  describe(operationId: string): Sentence | undefined;
}

/**
 * The approval card's buttons and the reject dialog. Every click is acknowledged first; its value
 * is validated; a refusal is told to the clicker alone (ephemeral) and changes nothing.
 */
export function registerActions(app: App, services: ActionServices, logger: Logger, names: NameDirectory = NO_NAMES): void {
  const log = logger.child({ subsystem: 'actions' });

  /** The answer to a click as a private notice; user groups it names are named by handle. */
  const notice = async (text: Sentence | string) => decisionNoticeView(text, [], await names.handles(namesIn(text, ['principal'])));
  const tell = async (respond: (m: object) => Promise<unknown>, text: Sentence | string) => {
    await respond({ response_type: 'ephemeral', replace_original: false, ...(await notice(text)) }).catch((err: unknown) => log.warn({ err }, 'could not answer a click'));
  };

  app.action<BlockButtonAction>(ACTIONS.approve, async ({ ack, body, action, respond }) => {
    await ack();
    const id = OperationIdSchema.safeParse(action.value);
    if (!id.success) return tell(respond, 'This button does not belong to a patchbot operation; nothing was changed.');
    try {
      const result = await services.decide({ operationId: id.data, userId: body.user.id, decision: 'approve' });
      log.info({ operationId: id.data, user: body.user.id, outcome: result.outcome }, 'approve clicked');
      if (result.outcome !== 'approved') await tell(respond, result.userText);
    } catch (err) {
      const e = toPatchbotError(err);
      log.error({ err: e, operationId: id.data }, 'approve failed');
      await tell(respond, e.userText);
    }
  });

  app.action<BlockButtonAction>(ACTIONS.reject, async ({ ack, body, action, client, respond }) => {
    await ack();
    const id = OperationIdSchema.safeParse(action.value);
    const summary = id.success ? services.describe(id.data) : undefined;
    if (!id.success || !summary) return tell(respond, 'This button does not belong to a patchbot operation; nothing was changed.');
    await client.views.open({ trigger_id: body.trigger_id, view: rejectModalView(id.data, summary) }).catch(async (err: unknown) => {
      log.warn({ err, operationId: id.data }, 'could not open the reject dialog; rejecting without a reason');
      const result = await services.decide({ operationId: id.data, userId: body.user.id, decision: 'reject' });
      if (result.outcome !== 'rejected') await tell(respond, result.userText);
    });
  });

  app.view<ViewSubmitAction>(REJECT_MODAL.callbackId, async ({ ack, body, view, client }) => {
    await ack();
    const id = OperationIdSchema.safeParse(view.private_metadata);
    if (!id.success) return;
    const reason = view.state.values[REJECT_MODAL.blockId]?.[REJECT_MODAL.actionId]?.value ?? undefined;
    const result = await services.decide({ operationId: id.data, userId: body.user.id, decision: 'reject', ...(reason ? { reason } : {}) });
    log.info({ operationId: id.data, user: body.user.id, outcome: result.outcome }, 'reject submitted');
    if (result.outcome !== 'rejected' && result.op) {
      // A modal has no response_url: tell the user privately in the operation's channel.
      await client.chat.postEphemeral({ channel: result.op.channel, user: body.user.id, ...(await notice(result.userText)) }).catch((err: unknown) => log.warn({ err }, 'could not answer a reject'));
    }
  });

  app.action<BlockButtonAction>(ACTIONS.scanFirst, async ({ ack, body, action, respond }) => {
    await ack();
    const id = OperationIdSchema.safeParse(action.value);
    if (!id.success) return tell(respond, 'This button does not belong to a patchbot operation; nothing was changed.');
    try {
      const scan = await services.scanFirst({ operationId: id.data, userId: body.user.id });
      await tell(respond, `Scan ${scan.id} started; request the install again once it has finished, so the plan rests on fresh data.`);
    } catch (err) {
      await tell(respond, toPatchbotError(err).userText);
    }
  });

  app.action<BlockButtonAction>(ACTIONS.replan, async ({ ack, body, action, respond }) => {
    await ack();
    const id = OperationIdSchema.safeParse(action.value);
    if (!id.success) return tell(respond, 'This button does not belong to a patchbot operation; nothing was changed.');
    try {
      const next = await services.replan({ operationId: id.data, userId: body.user.id });
      await tell(respond, `Planned again as ${next.id}: its card shows the change as it would be now${next.status === 'pending' ? ' and waits for approval' : ''}.`);
    } catch (err) {
      await tell(respond, toPatchbotError(err).userMessage);
    }
  });
}

/** A Share in channel button's value: a shareable read command and its group, nothing else. */
export const ShareRequestSchema = z
  .string()
  .max(SLACK_LIMITS.buttonValue)
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.object({ command: z.enum(SHAREABLE_COMMANDS), group: GroupNameSchema.optional() }).strict());

/** Runs `/patch <text>` for the clicker in the channel exactly as a typed command (dispatch: operator check, one error path). */
export type ShareRunner = (input: { userId: string; channelId: string; text: string; requestId: string; logger: Logger }) => Promise<Reply>;

/**
 * The Share in channel button under a private status, baseline or windows answer: acknowledged
 * first, its value checked, then the same command is run again for the clicker with `public`, so
 * a clicker who is not (or no longer) an operator is refused as a typed command would be, and
 * privately. Posted: the private copy is removed, so it is not shared twice. Where the bot is not
 * in the channel, deliver answers privately with the fix.
 */
export function registerShareAction(app: App, run: ShareRunner, logger: Logger): void {
  const log = logger.child({ subsystem: 'actions' });
  const tell = async (respond: RespondFn, m: object) => {
    await respond({ response_type: 'ephemeral', replace_original: false, ...m }).catch((err: unknown) => log.warn({ err }, 'could not answer a click'));
  };

  app.action<BlockButtonAction>(SHARE_ACTION, async ({ ack, body, action, respond, client }) => {
    await ack();
    const request = ShareRequestSchema.safeParse(action.value);
    const channelId = body.channel?.id ?? (body.container as { channel_id?: string } | undefined)?.channel_id;
    if (!request.success || !channelId) return tell(respond, decisionNoticeView('This button does not belong to a patchbot answer; nothing was posted.'));
    const requestId = randomUUID().slice(0, 8);
    const reqLog = log.child({ requestId, user: body.user.id, channel: channelId });
    try {
      const reply = await run({ userId: body.user.id, channelId, text: shareCommandText(request.data), requestId, logger: reqLog });
      const delivered = await deliver(reply, { client, respond, channelId, logger: reqLog });
      reqLog.info({ share: request.data, delivered }, 'share clicked');
      if (delivered === 'channel') await respond({ delete_original: true }).catch((err: unknown) => reqLog.warn({ err }, 'could not remove the private copy'));
    } catch (err) {
      reqLog.error({ err: toPatchbotError(err) }, 'could not share an answer');
      await tell(respond, errorView('patchbot could not post the answer in the channel. Try again, or add public to the command.', requestId));
    }
  });
}
