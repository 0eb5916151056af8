import type { WebClient } from '@slack/web-api';
import type { Reply } from '../../commands/reply';
import type { Logger } from '../logger';
import { renderSentence } from './mrkdwn';
import { adviceLine, slackAdvice, type SlackAdvice } from './error-advice';
import { renderReply } from './views/reply';
import { deliverFile } from './deliver-file';
import type { FileUploader } from './file-upload';
import type { SlackMessage } from './views/message';
import type { Respond } from './response-url';

/** Where a command's reply goes. */
export interface DeliveryTarget {
  client: WebClient;
  /** Posts to the command's or click's response_url. */
  respond: Respond;
  channelId: string;
  logger: Logger;
  /** The requester: a file `to: 'requester'` goes to their DM with the bot. */
  userId?: string | undefined;
  /** Uploads files (a FileUploader over `client` when absent). */
  uploader?: FileUploader | undefined;
}

/** response_url takes five replies; keep two for later notes. */
const MAX_EPHEMERAL_PARTS = 3;

/** Where a reply ended up: in the channel, privately (asked for, or because the bot may not post there), or nowhere. */
export type Delivered = 'channel' | 'private' | 'none';

/**
 * Sends a command's reply: ephemeral ones through response_url, channel ones with chat.postMessage
 * and their detail as thread replies. When Slack refuses the post (the bot not in the channel, an
 * archived channel, a missing scope, a revoked token...), the requester still gets the answer,
 * privately through response_url (which needs no token), with what happened and the fix.
 */
export async function deliver(answer: Reply, target: DeliveryTarget): Promise<Delivered> {
  const reply = renderReply(answer);
  if (reply.kind === 'file') return deliverFile(reply.reply, target);
  if (reply.kind === 'none') {
    if (!reply.note) return 'none';
    await ephemeral(target, reply.note);
    return 'private';
  }
  if (reply.kind === 'ephemeral') {
    await ephemeral(target, reply.message);
    return 'private';
  }
  let ts: string | undefined;
  try {
    const posted = await target.client.chat.postMessage({
      channel: target.channelId,
      text: reply.message.text,
      blocks: reply.message.blocks,
    });
    ts = posted.ts;
  } catch (err) {
    const advice = slackAdvice(err, { method: 'chat.postMessage', channel: target.channelId });
    if (!advice) throw err;
    target.logger.warn(
      { channel: target.channelId, slackError: advice.code },
      `cannot post the answer in the channel; answering privately: ${adviceLine(advice)}`,
    );
    // After internal_error or a timeout the message may be in the channel all the same: say so rather than repeat it.
    if (advice.uncertain) {
      await target.respond({ response_type: 'ephemeral', replace_original: false, text: renderSentence(advice.text) });
      return 'none';
    }
    await ephemeral(target, reply.message, privateNote(advice));
    return 'private';
  }
  for (const part of reply.message.thread ?? []) {
    try {
      await target.client.chat.postMessage({
        channel: target.channelId,
        thread_ts: ts,
        text: part.text,
        blocks: part.blocks,
      });
    } catch (err) {
      const advice = slackAdvice(err, { method: 'chat.postMessage', channel: target.channelId });
      if (!advice) throw err;
      target.logger.warn(
        { channel: target.channelId, slackError: advice.code },
        `the answer is in the channel but its thread is not complete: ${adviceLine(advice)}`,
      );
      await target.respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: `The answer is in the channel, but not all of its detail could be added to its thread. ${renderSentence(advice.text)}`,
      });
      break;
    }
  }
  return 'channel';
}

/** The note above a privately delivered answer: why it is private, and the fix. */
function privateNote(advice: SlackAdvice): string {
  return `I couldn't post this in the channel, so only you see it. ${renderSentence(advice.text)}`;
}

async function ephemeral(target: DeliveryTarget, message: SlackMessage, note?: string): Promise<void> {
  if (note) await target.respond({ response_type: 'ephemeral', replace_original: false, text: note });
  for (const part of [message, ...(message.thread ?? [])].slice(0, MAX_EPHEMERAL_PARTS)) {
    await target.respond({ response_type: 'ephemeral', replace_original: false, text: part.text, blocks: part.blocks });
  }
}
