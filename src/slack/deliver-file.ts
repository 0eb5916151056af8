/**
 * Delivers a command's file: a chart is drawn here (the Slack layer's view), then the file goes
 * to the channel the command was typed in or to the requester's DM with the bot
 * (conversations.open, im:write). A refusal is told to the requester privately, with the fix.
 */
import type { FileAttachment } from '../patching/attachment';
import { adviceLine, slackAdvice } from './error-advice';
import { FileUploader } from './file-upload';
import { code, renderSentence } from './mrkdwn';
import { complianceChartFile } from './views/compliance-chart';
import type { FileReply } from './views/reply';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger';
import { SlackError } from '../errors';
import type { Respond } from './response-url';

/** Where a command's file goes (deliver's DeliveryTarget). */
export interface FileTarget {
  client: WebClient;
  respond: Respond;
  /** The channel the command was typed in. */
  channelId: string;
  /** The requester, for `to: 'requester'`. */
  userId?: string | undefined;
  logger: Logger;
  /** Uploads files (a FileUploader over `client` when absent). */
  uploader?: FileUploader | undefined;
}

/** The file a reply carries: as given, or its chart drawn. */
export async function replyFile(reply: FileReply): Promise<FileAttachment> {
  if (reply.kind === 'file') return reply.file;
  return complianceChartFile(reply.chart, reply.chart.slug);
}

/**
 * Uploads the reply's file where it goes; resolves 'channel' when shared there, 'private' for the DM
 * (the requester is told so where they typed the command, which otherwise shows nothing), 'none'
 * when refused (the requester is told why).
 */
export async function deliverFile(reply: FileReply, target: FileTarget): Promise<'channel' | 'private' | 'none'> {
  const file = await replyFile(reply);
  const comment = reply.comment === undefined ? undefined : renderSentence(reply.comment);
  const uploader = target.uploader ?? new FileUploader(target.client, target.logger);
  let channel = target.channelId;
  try {
    if (reply.to === 'requester') {
      if (!target.userId) throw new Error('a file for the requester needs the requester');
      const dm = await target.client.conversations.open({ users: target.userId });
      channel = dm.channel?.id ?? '';
    }
    await uploader.upload(file, { channel, comment });
  } catch (err) {
    const advice = slackAdvice(err, { method: 'files.completeUploadExternal', channel });
    const text =
      err instanceof SlackError ? renderSentence(err.userText) : advice ? renderSentence(advice.text) : undefined;
    if (!text) throw err;
    target.logger.warn(
      { channel, slackError: advice?.code },
      `could not share ${file.filename}: ${advice ? adviceLine(advice) : text}`,
    );
    await target.respond({
      response_type: 'ephemeral',
      replace_original: false,
      text: `I couldn't share ${file.filename}. ${text}`,
    });
    return 'none';
  }
  if (reply.to !== 'requester') return 'channel';
  await acknowledge(target, file.filename, channel);
  return 'private';
}

/** Tells the requester, privately where they asked, that the file is in their DM; the file is shared already, so a failure here is only logged. */
async function acknowledge(target: FileTarget, filename: string, dm: string): Promise<void> {
  try {
    await target.respond({
      response_type: 'ephemeral',
      replace_original: false,
      text: `I sent ${code(filename)} to your direct messages with me (the app's Messages tab).`,
    });
  } catch (err) {
    target.logger.warn({ err, channel: dm }, `${filename} is in the requester's DM, but telling them so failed`);
  }
}
