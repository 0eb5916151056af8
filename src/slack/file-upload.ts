/**
 * Uploads a file to Slack with the external upload flow Slack documents (files:write):
 * files.getUploadURLExternal (name, length, alt text) → POST the bytes to the upload URL →
 * files.completeUploadExternal, which shares the file in a channel (or a DM, or a thread).
 *
 * Repeats: asking for an upload URL shares nothing, so it goes through the app's client with its
 * retries; POSTing the bytes again to the same URL before completion only replaces them, so it is
 * tried a few times. Completing is what posts, and Slack completes a file once: it goes through a
 * client with no retries of its own. A 429 completed nothing, so it waits and tries again. If the
 * answer to the completion is lost (a timeout, a reset, internal_error), the file may be in the
 * channel or not: it is NOT completed again, and the caller is told the outcome is unknown
 * (`SlackError` with an uncertain code) and must not start a new upload of the same content
 * blindly, which would post it twice.
 */
import { webApi } from '@slack/bolt';
import { z } from 'zod';
import { SlackError } from '../errors';
import type { Logger } from '../logger';
import type { FileAttachment } from '../patching/attachment';
import { slackCodeOf, slackFailure } from './error-advice';
import { quietWebLogger } from './publisher';
import { slackErrorCode } from './slack-errors';
import { WEB_API_TIMEOUT_MS } from './timeouts';

type WebClient = webApi.WebClient;

/** files.getUploadURLExternal's answer, as far as patchbot uses it. */
const UploadUrl = z.object({ upload_url: z.url(), file_id: z.string().min(1) });

/** Slack refuses a longer alt text (alt_txt_too_large). */
export const ALT_TEXT_MAX = 1_000;
/** Tries of the byte POST: the same URL, the same bytes, nothing shared until completion. */
const BYTE_TRIES = 3;
/** Tries of a completion answered 429 (nothing was done). */
const RATE_LIMITED_TRIES = 3;

/** Where a file goes: a channel (or DM) id, optionally a thread, with a comment above it. */
export interface FileDestination {
  channel: string;
  threadTs?: string | undefined;
  /** Text of the message that carries the file (Slack's initial_comment), already mrkdwn. */
  comment?: string | undefined;
}

/** What an upload did. */
export interface UploadedFile {
  fileId: string;
}

/** Uploads files through the app's WebClient (its token and API URL). */
export class FileUploader {
  private readonly completionClient: WebClient;
  private readonly log: Logger;
  private readonly timeoutMs: number;

  constructor(
    private readonly client: WebClient,
    logger: Logger,
    options: { timeoutMs?: number } = {},
  ) {
    this.log = logger.child({ subsystem: 'files' });
    this.timeoutMs = options.timeoutMs ?? WEB_API_TIMEOUT_MS;
    this.completionClient = new webApi.WebClient(client.token, {
      slackApiUrl: client.slackApiUrl,
      timeout: this.timeoutMs,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logger: quietWebLogger(this.log),
    });
  }

  /** Uploads `file` and shares it at `to`; throws a SlackError naming the step that failed, with the fix. */
  async upload(file: FileAttachment, to: FileDestination): Promise<UploadedFile> {
    const alt = file.altText ? file.altText.slice(0, ALT_TEXT_MAX) : undefined;
    let answer: unknown;
    try {
      // Slack's documented argument is alt_txt (the SDK's typed method names it alt_text): sent as documented.
      answer = await this.client.apiCall('files.getUploadURLExternal', {
        filename: file.filename,
        length: file.bytes.length,
        ...(alt ? { alt_txt: alt } : {}),
      });
    } catch (err) {
      throw slackFailure(err, { method: 'files.getUploadURLExternal' });
    }
    const url = UploadUrl.safeParse(answer);
    if (!url.success)
      throw new SlackError('SLACK_ERROR', 'files.getUploadURLExternal answered without an upload_url or file_id', {
        method: 'files.getUploadURLExternal',
      });
    const { upload_url: uploadUrl, file_id: fileId } = url.data;
    await this.sendBytes(uploadUrl, file);
    await this.complete(fileId, file, to);
    this.log.info({ channel: to.channel, fileId, bytes: file.bytes.length }, `shared ${file.filename}`);
    return { fileId };
  }

  private async sendBytes(uploadUrl: string, file: FileAttachment): Promise<void> {
    let last = '';
    for (let attempt = 1; attempt <= BYTE_TRIES; attempt++) {
      try {
        const res = await fetch(uploadUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/octet-stream' },
          body: Buffer.from(file.bytes),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        await res.arrayBuffer();
        if (res.ok) return;
        last = `http_${res.status}`;
        // A 4xx is the request itself (the URL, the length): another try would get the same answer.
        if (res.status < 500) break;
      } catch (err) {
        last =
          (err as { cause?: { code?: string }; name?: string }).cause?.code ?? (err as Error).name ?? 'request_error';
      }
    }
    throw new SlackError(
      last.startsWith('http_4') ? 'SLACK_ERROR' : 'SLACK_UNAVAILABLE',
      `uploading ${file.filename} to Slack's upload URL failed (${last})`,
      { method: 'files.upload', slackCode: last },
      {
        userMessage: `patchbot could not upload ${file.filename} to Slack (${last}); it was not shared. Check the network to files.slack.com and try again.`,
      },
    );
  }

  private async complete(fileId: string, file: FileAttachment, to: FileDestination): Promise<void> {
    const client = this.completionClient;
    for (let attempt = 1; ; attempt++) {
      try {
        await client.files.completeUploadExternal({
          files: [{ id: fileId, title: file.title }],
          channel_id: to.channel,
          ...(to.threadTs ? { thread_ts: to.threadTs } : {}),
          ...(to.comment ? { initial_comment: to.comment } : {}),
        } as webApi.FilesCompleteUploadExternalArguments);
        return;
      } catch (err) {
        const wait = rateLimitedFor(err);
        if (wait !== undefined && attempt < RATE_LIMITED_TRIES) {
          // A 429 completed nothing: wait as Slack asks, then complete the same file.
          await new Promise((resolve) => setTimeout(resolve, wait * 1000));
          continue;
        }
        // Any other failure is final here: after a timeout or internal_error the file may be shared already,
        // and Slack completes a file once, so repeating could only fail or (with a new upload) post it twice.
        const code = slackErrorCode(err);
        this.log.warn(
          { channel: to.channel, fileId, slackError: code ?? slackCodeOf(err) },
          `files.completeUploadExternal of ${file.filename} failed; not repeated`,
        );
        // No answer at all (a timeout, a reset connection): the request may have reached Slack.
        if (code === undefined && wait === undefined && slackCodeOf(err) !== undefined)
          throw new SlackError(
            'SLACK_UNAVAILABLE',
            `files.completeUploadExternal: no answer (${slackCodeOf(err)})`,
            { method: 'files.completeUploadExternal', slackCode: slackCodeOf(err) },
            {
              cause: err,
              userMessage: `Slack did not answer when ${file.filename} was shared (${slackCodeOf(err)}): it may be in the channel already, so patchbot does not share it again. Look in the channel before asking for it again.`,
            },
          );
        throw slackFailure(err, { method: 'files.completeUploadExternal', channel: to.channel });
      }
    }
  }
}

/** The seconds Slack asked to wait, when `err` is a 429 (WebClient's rate-limited error). */
function rateLimitedFor(err: unknown): number | undefined {
  const e = err as { code?: string; retryAfter?: number } | undefined;
  return e?.code === 'slack_webapi_rate_limited_error' ? Math.min(Math.max(e.retryAfter ?? 1, 1), 30) : undefined;
}
