/** What Slack does with the bot's acks: shows a slash command's answer, and applies a view_submission's response_action. */
import { checkContent } from './content';
import type { StandInContext } from './context';
import type { DriverResult } from './driver-options';
import { isJsonObject, type Json, type JsonObject, type ModalRecord } from './types';

/**
 * What Slack does with a slash command's answer: a body is shown to the user (ephemeral, or in
 * the channel for `response_type: in_channel`); a late or failed answer shows Slack's error.
 */
export function showCommandAck(
  ctx: StandInContext,
  result: DriverResult,
  command: string,
  userId: string,
  channelId: string,
): void {
  if (result.slackError) {
    ctx.messages.postEphemeral({
      channel: channelId,
      user: userId,
      from: 'USLACKBOT',
      text: `${command} failed with the error "${result.slackError}"`,
      blocks: [],
      via: 'slack',
    });
    return;
  }
  if (result.body.trim() === '') return;
  const payload = isJsonObject(result.json as Json) ? (result.json as JsonObject) : { text: result.body };
  const content = checkContent(payload.text, payload.blocks, { blocksTextLimit: ctx.knobs.blocksTextLimit });
  if (!content.ok) {
    ctx.logger.warn({ error: content.error }, 'slash command ack body refused');
    return;
  }
  const bot = ctx.workspace.bot;
  if (payload.response_type === 'in_channel') {
    ctx.messages.post({
      channel: channelId,
      user: bot.userId,
      botId: bot.botId,
      appId: bot.appId,
      text: content.text,
      blocks: content.blocks,
      via: 'ack',
    });
  } else {
    ctx.messages.postEphemeral({
      channel: channelId,
      user: userId,
      from: bot.userId,
      text: content.text,
      blocks: content.blocks,
      via: 'ack',
    });
  }
}

/** A view_submission's answer: empty closes the modal; `errors` keeps it open; `update` replaces it. */
export function applyViewAnswer(ctx: StandInContext, modal: ModalRecord, result: DriverResult): void {
  const answer = isJsonObject(result.json as Json) ? (result.json as JsonObject) : {};
  switch (answer.response_action) {
    case 'errors':
      ctx.modals.settle(
        modal.id,
        'open',
        isJsonObject(answer.errors)
          ? (Object.fromEntries(Object.entries(answer.errors).map(([k, v]) => [k, String(v)])) as Record<
              string,
              string
            >)
          : {},
      );
      break;
    case 'update':
    case 'push':
      if (isJsonObject(answer.view)) ctx.modals.update(modal.id, answer.view);
      break;
    case 'clear':
      ctx.modals.settle(modal.id, 'closed');
      break;
    default:
      ctx.modals.settle(modal.id, 'submitted');
  }
}
