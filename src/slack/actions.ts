import { randomUUID } from 'node:crypto';
import type { App, BlockButtonAction, RespondFn, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { GroupNameSchema } from '../../commands/args';
import type { Reply } from '../../commands/command';
import type { RecordedDecision } from '../patching/decision';
import { toPatchbotError, type PatchbotError } from '../errors';
import type { Logger } from '../logger';
import type { Sentence } from '../sentence';
import type { Operation } from '../store';
import { clickAnswers } from './click-answers';
import { deliver } from './deliver';
import { NO_NAMES, type NameDirectory } from './directory';
import { SLACK_LIMITS } from './limits';
import { truncate } from './mrkdwn';
import { APPROVAL_REASON_MIN } from '../patching/approval-types';
import { ACTIONS, APPROVE_MODAL, REJECT_MODAL } from './views/actions';
import { REASON_TOO_SHORT, approveModalView } from './views/approve-modal';
import { decisionNoticeView, errorView } from './views/errors';
import { rejectModalView } from './views/reject-modal';
import { SHARE_ACTION, SHAREABLE_COMMANDS, shareCommandText } from './views/share';

/** A button's value: an operation id and nothing else; anything else is refused before it reaches the domain. */
export const OperationIdSchema = z.string().regex(/^op-[0-9a-z]{6,8}$/);

/** Where a button was clicked: a message, or (approve and reject only) the clicker's App Home. */
export type { ClickOrigin } from '../patching/approval-state';
import type { ClickOrigin } from '../patching/approval-state';

/** A click on a card's button: the operation its value names, who clicked, and on which message. */
export interface CardClick {
  operationId: string;
  userId: string;
  origin: ClickOrigin;
}

/** What the buttons ask of the domain. Every click counts only on the card of the operation it names. */
export interface ActionServices {
  /**
   * Records an Approve or Reject and returns without sending: `inTime` is asked right before the
   * first write, and false means nothing is recorded (the click could no longer be acknowledged).
   */
  decide(
    input: Omit<CardClick, 'origin'> & {
      /** Absent only for the reject dialog, whose opening click on the card was checked. */
      origin?: ClickOrigin;
      decision: 'approve' | 'reject';
      reason?: string;
      inTime?: () => boolean;
    },
  ): Promise<RecordedDecision>;
  /** Starts a scan of the operation's group for the user (operators only); returns the scan. */
  scanFirst(input: CardClick): Promise<Operation>;
  /** Plans a change stopped by drift again, as a new request for the user (operators only); returns the new operation. */
  replan(input: CardClick): Promise<Operation>;
  /** Plans a change for exactly the failed instances of an ended install or reboot (operators only, once); returns it. */
  retryFailed(input: CardClick): Promise<Operation>;
  /** A dialog's decision was recorded: the user's App Home, if they opened it, is published again at once; absent: no Home. */
  acted?: (userId: string) => Promise<void>;
  /** Publishes the user's App Home again at once, with `notice` (a click's answer) on top; absent: no Home. */
  home?: (userId: string, notice?: Sentence | string) => Promise<void>;
  /** A one-line description of the operation for the reject dialog (naming the requester), or undefined if unknown or not clicked on its card. */
  describe(operationId: string, origin: ClickOrigin): Promise<Sentence | undefined>;
}

/** How long a click's decision may take before the click is acknowledged anyway (Slack waits 3 s). */
export const DECISION_BUDGET_MS = 2000;

/** Where a click happened, from the payload's container: a message in a channel (a view has none). */
const ContainerSchema = z.object({
  type: z.literal('message'),
  message_ts: z.string().min(1),
  channel_id: z.string().min(1),
});

/** The message a block action was clicked on, or undefined (a view, an unknown container). */
export function clickOrigin(body: { container?: unknown }): ClickOrigin | undefined {
  const c = ContainerSchema.safeParse(body.container);
  return c.success ? { channel: c.data.channel_id, messageTs: c.data.message_ts } : undefined;
}

/** A click inside a view: Slack's container, and the view it was in (type and app). */
const HomeClickSchema = z.object({
  api_app_id: z.string().min(1),
  container: z.object({ type: z.literal('view'), view_id: z.string().min(1) }),
  view: z.object({ id: z.string().min(1), type: z.literal('home'), app_id: z.string().min(1) }),
});

/**
 * Where an Approve or Reject was clicked: a message, or this app's Home tab (the view Slack shows
 * only to the user it was published for, so the clicker's own); anything else is undefined.
 */
export function decisionOrigin(body: {
  container?: unknown;
  view?: unknown;
  api_app_id?: unknown;
}): ClickOrigin | undefined {
  const message = clickOrigin(body);
  if (message) return message;
  const home = HomeClickSchema.safeParse(body);
  return home.success &&
    home.data.view.app_id === home.data.api_app_id &&
    home.data.view.id === home.data.container.view_id
    ? { home: true }
    : undefined;
}

/**
 * Runs `decide` and acknowledges after it has stored the decision, or after DECISION_BUDGET_MS,
 * whichever comes first; a decision still running then finds `inTime` false and records nothing.
 * A decision that failed in time is handed to `ack`, so a dialog can stay open and say so.
 */
async function decideThenAck<T>(
  ack: (failed?: PatchbotError) => Promise<void>,
  decide: (inTime: () => boolean) => Promise<T>,
): Promise<T> {
  const deadline = performance.now() + DECISION_BUDGET_MS;
  const deciding = decide(() => performance.now() < deadline).then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), DECISION_BUDGET_MS);
  });
  const early = await Promise.race([deciding, budget]);
  clearTimeout(timer);
  await ack(early && 'error' in early ? toPatchbotError(early.error) : undefined);
  const settled = await deciding;
  if ('error' in settled) throw settled.error;
  return settled.value;
}

/** A dialog's answer when its decision could not be recorded: it stays open, with why and what to do under its input. */
function notRecorded(blockId: string, failed: PatchbotError) {
  return {
    response_action: 'errors' as const,
    errors: {
      [blockId]: truncate(`Not recorded; submit again later. ${failed.userMessage}`, 300),
    },
  };
}

/**
 * The approval card's buttons, the reject dialog and the approve dialog (where a reason is required).
 * Every click is acknowledged first; its value is validated; a refusal is told to the clicker alone
 * (ephemeral) and changes nothing.
 */
export function registerActions(
  app: App,
  services: ActionServices,
  logger: Logger,
  names: NameDirectory = NO_NAMES,
): void {
  const log = logger.child({ subsystem: 'actions' });

  /** The answer to a click as a private notice; user groups it names are named by handle. */
  const { notice, tell } = clickAnswers(names, log);

  /**
   * How a click is answered: through its response_url on a message; on the App Home (which has
   * none) by publishing the clicker's Home again at once, with the answer on top.
   */
  const answerer =
    (origin: ClickOrigin | undefined, userId: string, respond: RespondFn) =>
    async (text?: Sentence | string): Promise<void> => {
      if (origin && 'home' in origin && services.home) return services.home(userId, text);
      if (text !== undefined) await tell(respond, text);
    };

  app.action<BlockButtonAction>(ACTIONS.approve, async ({ ack, body, action, respond, client }) => {
    const id = OperationIdSchema.safeParse(action.value);
    const origin = decisionOrigin(body);
    const answer = answerer(origin, body.user.id, respond);
    if (!id.success || !origin) {
      await ack();
      return answer('This button does not belong to a patchbot operation; nothing was changed.');
    }
    // The vote is stored before the click is acknowledged, so an acknowledged approval is never lost;
    // the send (AWS calls) runs after the acknowledgement.
    let result: RecordedDecision;
    try {
      result = await decideThenAck(
        () => ack(),
        (inTime) =>
          services.decide({ operationId: id.data, userId: body.user.id, decision: 'approve', origin, inTime }),
      );
    } catch (err) {
      const e = toPatchbotError(err);
      log.error({ err: e, operationId: id.data }, 'approve failed');
      return answer(e.userText);
    }
    log.info({ operationId: id.data, user: body.user.id, outcome: result.result.outcome }, 'approve clicked');
    if (result.result.outcome === 'reason_required')
      return askReason({ client, answer, operationId: id.data, origin, triggerId: body.trigger_id });
    if (result.result.outcome !== 'approved') return answer(result.result.userText);
    // From the Home: the approved change leaves "waiting for your approval" at once.
    if ('home' in origin) await answer();
    await sendApproved(result, id.data, (text) => answer(text));
  });

  /** Runs the send of a change this decision approved (after the acknowledgement); a failure is told to the approver. */
  const sendApproved = async (
    recorded: RecordedDecision,
    operationId: string,
    told: (text: Sentence | string) => Promise<unknown>,
  ) => {
    if (!recorded.send) return;
    try {
      await recorded.send();
    } catch (err) {
      const e = toPatchbotError(err);
      log.error({ err: e, operationId }, 'approved, but the send failed');
      await told(e.userText);
    }
  };

  /**
   * Opens the reason dialog for an Approve the domain answered `reason_required` (the clicker may
   * approve; nothing is recorded until the dialog is submitted), with the click's trigger_id.
   */
  const askReason = async (click: {
    client: App['client'];
    answer: (text: Sentence | string) => Promise<void>;
    operationId: string;
    origin: ClickOrigin;
    triggerId: string;
  }) => {
    const { client, answer, operationId, origin, triggerId } = click;
    const summary = await services.describe(operationId, origin);
    if (!summary) return answer('This button does not belong to a patchbot operation; nothing was changed.');
    await client.views
      .open({ trigger_id: triggerId, view: approveModalView(operationId, summary) })
      .catch(async (err: unknown) => {
        log.warn({ err, operationId }, 'could not open the approve dialog');
        await answer(
          'patchbot could not open the dialog that asks for your reason, so nothing was recorded. Click Approve again.',
        );
      });
  };

  app.action<BlockButtonAction>(ACTIONS.reject, async ({ ack, body, action, client, respond }) => {
    await ack();
    const id = OperationIdSchema.safeParse(action.value);
    const origin = decisionOrigin(body);
    const answer = answerer(origin, body.user.id, respond);
    const summary = id.success && origin ? await services.describe(id.data, origin) : undefined;
    if (!id.success || !origin || !summary)
      return answer('This button does not belong to a patchbot operation; nothing was changed.');
    await client.views
      .open({ trigger_id: body.trigger_id, view: rejectModalView(id.data, summary) })
      .catch(async (err: unknown) => {
        log.warn({ err, operationId: id.data }, 'could not open the reject dialog; rejecting without a reason');
        const { result } = await services.decide({
          operationId: id.data,
          userId: body.user.id,
          decision: 'reject',
          origin,
        });
        await answer(result.outcome !== 'rejected' ? result.userText : undefined);
      });
  });

  app.view<ViewSubmitAction>(REJECT_MODAL.callbackId, async ({ ack, body, view, client }) => {
    const id = OperationIdSchema.safeParse(view.private_metadata);
    if (!id.success) return ack();
    const reason = view.state.values[REJECT_MODAL.blockId]?.[REJECT_MODAL.actionId]?.value ?? undefined;
    // The dialog was opened from the card's Reject (its origin checked then); the rejection is stored before the dialog closes.
    const { result } = await decideThenAck(
      (failed) => (failed ? ack(notRecorded(REJECT_MODAL.blockId, failed)) : ack()),
      (inTime) =>
        services.decide({
          operationId: id.data,
          userId: body.user.id,
          decision: 'reject',
          inTime,
          ...(reason ? { reason } : {}),
        }),
    );
    log.info({ operationId: id.data, user: body.user.id, outcome: result.outcome }, 'reject submitted');
    // The dialog may have been opened from the App Home: an opened Home shows the change decided at once.
    await services.acted?.(body.user.id);
    if (result.outcome !== 'rejected' && result.op) {
      // A modal has no response_url: tell the user privately in the operation's channel.
      await client.chat
        .postEphemeral({ channel: result.op.channel, user: body.user.id, ...(await notice(result.userText)) })
        .catch((err: unknown) => log.warn({ err }, 'could not answer a reject'));
    }
  });

  app.view<ViewSubmitAction>(APPROVE_MODAL.callbackId, async ({ ack, body, view, client }) => {
    const id = OperationIdSchema.safeParse(view.private_metadata);
    if (!id.success) return ack();
    const reason = (view.state.values[APPROVE_MODAL.blockId]?.[APPROVE_MODAL.actionId]?.value ?? '').trim();
    // Slack's min_length counts spaces: a blank or short reason is refused in the dialog, which stays open; nothing is recorded.
    if (reason.length < APPROVAL_REASON_MIN)
      return ack({ response_action: 'errors', errors: { [APPROVE_MODAL.blockId]: REASON_TOO_SHORT } });
    // The dialog was opened from the card's Approve (its origin checked then); every approval rule is checked
    // again now, and the approval is stored before the dialog closes.
    let recorded: RecordedDecision;
    try {
      recorded = await decideThenAck(
        (failed) => (failed ? ack(notRecorded(APPROVE_MODAL.blockId, failed)) : ack()),
        (inTime) =>
          services.decide({ operationId: id.data, userId: body.user.id, decision: 'approve', reason, inTime }),
      );
    } catch (err) {
      log.error({ err: toPatchbotError(err), operationId: id.data }, 'approve with a reason failed');
      return;
    }
    const { result } = recorded;
    log.info({ operationId: id.data, user: body.user.id, outcome: result.outcome }, 'approve reason submitted');
    await services.acted?.(body.user.id);
    // A modal has no response_url: the approver is told privately in the operation's channel.
    const channel = result.op?.channel;
    const told = async (text: Sentence | string) => {
      if (!channel) return;
      await client.chat
        .postEphemeral({ channel, user: body.user.id, ...(await notice(text)) })
        .catch((err: unknown) => log.warn({ err }, 'could not answer an approval'));
    };
    if (result.outcome !== 'approved') return told(result.userText);
    await sendApproved(recorded, id.data, told);
  });

  /** A card button that starts something new for the clicker (Scan first, Plan again): acknowledged first, the value and origin checked, the answer private. */
  const startFromCard = (
    actionId: string,
    start: (input: { operationId: string; userId: string; origin: ClickOrigin }) => Promise<Operation>,
    said: (op: Operation) => string,
  ) => {
    app.action<BlockButtonAction>(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      const id = OperationIdSchema.safeParse(action.value);
      const origin = clickOrigin(body);
      if (!id.success || !origin)
        return tell(respond, 'This button does not belong to a patchbot operation; nothing was changed.');
      try {
        await tell(respond, said(await start({ operationId: id.data, userId: body.user.id, origin })));
      } catch (err) {
        await tell(respond, toPatchbotError(err).userText);
      }
    });
  };

  startFromCard(
    ACTIONS.scanFirst,
    (input) => services.scanFirst(input),
    (scan) =>
      `Scan ${scan.id} started; request the install again once it has finished, so the plan rests on fresh data.`,
  );
  startFromCard(
    ACTIONS.replan,
    (input) => services.replan(input),
    (next) =>
      `Planned again as ${next.id}: its card shows the change as it would be now${next.status === 'pending' ? ' and waits for approval' : ''}.`,
  );
  startFromCard(
    ACTIONS.retryFailed,
    (input) => services.retryFailed(input),
    (next) =>
      `The failed instances are planned as ${next.id}${next.status === 'pending' ? ': its card waits for approval' : ' and sent'}.`,
  );
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
export type ShareRunner = (input: {
  userId: string;
  channelId: string;
  text: string;
  requestId: string;
  logger: Logger;
}) => Promise<Reply>;

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
    await respond({ response_type: 'ephemeral', replace_original: false, ...m }).catch((err: unknown) =>
      log.warn({ err }, 'could not answer a click'),
    );
  };

  app.action<BlockButtonAction>(SHARE_ACTION, async ({ ack, body, action, respond, client }) => {
    await ack();
    const request = ShareRequestSchema.safeParse(action.value);
    const channelId = body.channel?.id ?? (body.container as { channel_id?: string } | undefined)?.channel_id;
    if (!request.success || !channelId)
      return tell(respond, decisionNoticeView('This button does not belong to a patchbot answer; nothing was posted.'));
    const requestId = randomUUID().slice(0, 8);
    const reqLog = log.child({ requestId, user: body.user.id, channel: channelId });
    try {
      const reply = await run({
        userId: body.user.id,
        channelId,
        text: shareCommandText(request.data),
        requestId,
        logger: reqLog,
      });
      const delivered = await deliver(reply, { client, respond, channelId, logger: reqLog });
      reqLog.info({ share: request.data, delivered }, 'share clicked');
      if (delivered === 'channel')
        await respond({ delete_original: true }).catch((err: unknown) =>
          reqLog.warn({ err }, 'could not remove the private copy'),
        );
    } catch (err) {
      reqLog.error({ err: toPatchbotError(err) }, 'could not share an answer');
      await tell(
        respond,
        errorView(
          'patchbot could not post the answer in the channel. Try again, or add public to the command.',
          requestId,
        ),
      );
    }
  });
}
