import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Reply } from '../../commands/types';
import type { Logger } from '../logger';
import { CHANNEL_ACCESS_ERRORS, slackErrorCode } from './slack-errors';
import type { SlackMessage } from './views/types';

/** Where a command's reply goes. */
export interface DeliveryTarget {
  client: WebClient;
  respond: RespondFn;
  channelId: string;
  logger: Logger;
}

/** response_url takes five replies; keep two for later notes. */
const MAX_EPHEMERAL_PARTS = 3;

/** Where a reply ended up: in the channel, privately (asked for, or because the bot may not post there), or nowhere. */
export type Delivered = 'channel' | 'private' | 'none';

/**
 * Sends a command's reply: ephemeral ones through response_url, channel ones with chat.postMessage
 * and their detail as thread replies. When the bot cannot post in the channel, the requester
 * still gets the answer, privately, with the fix ("invite the bot").
 */
export async function deliver(reply: Reply, target: DeliveryTarget): Promise<Delivered> {
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
    const posted = await target.client.chat.postMessage({ channel: target.channelId, text: reply.message.text, blocks: reply.message.blocks });
    ts = posted.ts;
  } catch (err) {
    const code = slackErrorCode(err);
    if (!code || !CHANNEL_ACCESS_ERRORS.has(code)) throw err;
    target.logger.warn({ channel: target.channelId, slackError: code }, 'cannot post in the channel; answering privately');
    await ephemeral(target, reply.message, `I can't post in this channel (${code}), so only you see this. Invite me with /invite @patchbot to share results here, with the detail in a thread.`);
    return 'private';
  }
  for (const part of reply.message.thread ?? []) {
    await target.client.chat.postMessage({ channel: target.channelId, thread_ts: ts, text: part.text, blocks: part.blocks });
  }
  return 'channel';
}

async function ephemeral(target: DeliveryTarget, message: SlackMessage, note?: string): Promise<void> {
  if (note) await target.respond({ response_type: 'ephemeral', replace_original: false, text: note });
  for (const part of [message, ...(message.thread ?? [])].slice(0, MAX_EPHEMERAL_PARTS)) {
    await target.respond({ response_type: 'ephemeral', replace_original: false, text: part.text, blocks: part.blocks });
  }
}
