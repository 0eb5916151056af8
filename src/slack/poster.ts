import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger';
import { fitMessage } from './limits';
import { adviceLine, slackAdvice } from './error-advice';
import type { Sentence } from '../sentence';
import type { SlackMessage } from './views/message';
import type { FileAttachment } from '../patching/attachment';
import { FileUploader } from './file-upload';

/** Slack allows about one chat.postMessage a second per channel. */
const PER_CHANNEL_INTERVAL_MS = 1100;

/**
 * Posts job messages (diffs, window results, digests) politely: one at a time per channel, about a
 * second apart; 429s wait for Retry-After (WebClient does that); a channel the bot cannot post in
 * is logged with the fix and skipped, so the other channels still get their news.
 */
export class ChannelPoster {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly lastPost = new Map<string, number>();
  private readonly log: Logger;
  private readonly uploader: FileUploader;

  constructor(
    private readonly client: WebClient,
    logger: Logger,
    private readonly intervalMs = PER_CHANNEL_INTERVAL_MS,
  ) {
    this.log = logger.child({ subsystem: 'poster' });
    this.uploader = new FileUploader(client, logger);
  }

  /**
   * Uploads a file into `channel` after whatever is queued there (the digest before its chart),
   * paced like the posts. Failures are thrown as FileUploader words them; never repeated here.
   */
  postFile(channel: string, file: FileAttachment, comment?: string): Promise<void> {
    const previous = this.queues.get(channel) ?? Promise.resolve();
    const next = previous.then(() =>
      this.paced(channel, async () => {
        await this.uploader.upload(file, { channel, comment });
      }),
    );
    this.queues.set(
      channel,
      next.catch(() => undefined),
    );
    return next;
  }

  /** Posts the message (and its thread); resolves undefined when posted, or why the channel refused it (with the fix). */
  post(channel: string, message: SlackMessage): Promise<Sentence | undefined> {
    const previous = this.queues.get(channel) ?? Promise.resolve();
    const next = previous.then(() =>
      this.send(
        channel,
        fitMessage(message, (p) => this.log.warn({ channel, problems: p }, 'message trimmed')),
      ),
    );
    this.queues.set(
      channel,
      next.catch(() => undefined),
    );
    return next;
  }

  private async send(channel: string, message: SlackMessage): Promise<Sentence | undefined> {
    try {
      const posted = await this.paced(channel, () =>
        this.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks }),
      );
      for (const part of message.thread ?? []) {
        await this.paced(channel, () =>
          this.client.chat.postMessage({ channel, thread_ts: posted.ts, text: part.text, blocks: part.blocks }),
        );
      }
      return undefined;
    } catch (err) {
      const advice = slackAdvice(err, { method: 'chat.postMessage', channel });
      if (advice?.channelProblem) {
        this.log.error({ channel, slackError: advice.code }, `cannot post in ${channel}: ${adviceLine(advice)}`);
        return advice.text;
      }
      // Anything else (a revoked token, a missing scope, Slack down) is logged by the job with what to fix.
      if (advice)
        this.log.error({ channel, slackError: advice.code }, `could not post in ${channel}: ${adviceLine(advice)}`);
      throw err;
    }
  }

  private async paced<T>(channel: string, call: () => Promise<T>): Promise<T> {
    const wait = (this.lastPost.get(channel) ?? 0) + this.intervalMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    try {
      return await call();
    } finally {
      this.lastPost.set(channel, Date.now());
    }
  }
}
