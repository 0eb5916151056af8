import { webApi } from '@slack/bolt';
import type { Clock } from '../clock';
import { SlackError } from '../errors';
import type { Logger } from '../logger';
import { CARD, type PostJournal } from '../patching/post-journal';
import type { PostRecord } from '../patching/records';
import type { OperationPublisher, PublishedMessage, PublishPhase } from '../patching/tracker';
import type { OperationReport } from '../patching/types';
import type { Operation } from '../store';
import { fitMessage } from './limits';
import { NO_NAMES, type NameDirectory } from './directory';
import { slackErrorCode } from './slack-errors';
import { adviceLine, slackAdvice, type SlackAdvice } from './error-advice';
import { channel as channelName, said, user, type Sentence } from '../sentence';
import type { UnseenOutcome } from '../patching/unseen';
import { renderSentence } from './mrkdwn';
import { WEB_API_TIMEOUT_MS } from './timeouts';
import { operationView } from './views/operation';

/** The metadata event type on every message an operation posts; the payload names the operation and the post. */
export const POST_EVENT_TYPE = 'patchbot_post';

/**
 * Slack error codes after which a post may have happened all the same (Slack documents this for
 * `internal_error`; `fatal_error` and `request_timeout` are as uncertain). Any other answered error
 * means nothing was posted.
 */
const UNCERTAIN_ERRORS = new Set(['internal_error', 'fatal_error', 'request_timeout', 'service_unavailable']);

/** Timing of posts and look-ups; all optional. */
export interface PublisherOptions {
  /** How long one Web API call may take (default WEB_API_TIMEOUT_MS). */
  timeoutMs?: number;
  /**
   * After a post whose answer never came (timeout, reset, a crash), how long until a request still
   * in flight can no longer land, so that a look-up that finds nothing may post again (default timeout + 5 s).
   */
  settleMs?: number;
  /** Pages of 200 messages a look-up reads at most (default 10). */
  lookupPages?: number;
  /**
   * What becomes of an operation whose card Slack refused (not_in_channel, is_archived,
   * channel_not_found): the domain cancels it when nothing was sent yet (see src/patching/unseen.ts).
   * The publisher then tells the requester in a direct message. Absent: the refusal is only logged.
   */
  onCardRefused?: (op: Operation, reason: string) => UnseenOutcome;
}

/** A post is under way or its outcome unknown for a while yet: the tracker retries on a later pass. */
export class PostPendingError extends SlackError {
  constructor(operationId: string, key: string, until: string) {
    super(
      'SLACK_UNAVAILABLE',
      `post ${key} of ${operationId} is under way or unsettled until ${until}; looking it up after that`,
      { method: 'chat.postMessage' },
    );
  }
}

/**
 * Shows an operation in Slack as one message, posted once and then updated in place; when it
 * finishes, the per-instance detail goes into the message's thread (a pending card's thread holds
 * the full plan).
 *
 * Exactly once: every post (the card, each thread part) goes through the operation's write-ahead
 * journal (src/patching/post-journal.ts) and carries metadata `{event_type: patchbot_post,
 * event_payload: {operation_id, post}}`. A post recorded as under way (a crash, a timeout, Slack's
 * internal_error) is looked up first (conversations.history for the card, conversations.replies for
 * a thread part) and posted only if Slack does not have it. Posts go through a client that never
 * retries by itself, since WebClient's own retry of a timed-out chat.postMessage is a blind repost;
 * updates, which are idempotent, keep the app's retries. Every call has a timeout.
 */
type WebClient = webApi.WebClient;

export class SlackOperationPublisher implements OperationPublisher {
  private readonly log: Logger;
  /** The client posts go through: same token and URL, no retries of its own. */
  private readonly noRetry: { client: WebClient };
  private readonly settleMs: number;
  private readonly lookupPages: number;
  private readonly onCardRefused: PublisherOptions['onCardRefused'];
  /** Operations whose requester was told their card could not be posted (once per process, not every pass). */
  private readonly told = new Set<string>();

  constructor(
    private readonly client: WebClient,
    private readonly clock: Clock,
    logger: Logger,
    /** Names the approver user groups a card lists (by handle, without notifying them). */
    private readonly names: NameDirectory = NO_NAMES,
    options: PublisherOptions = {},
  ) {
    this.log = logger.child({ subsystem: 'publisher' });
    const timeout = options.timeoutMs ?? WEB_API_TIMEOUT_MS;
    this.settleMs = options.settleMs ?? timeout + 5_000;
    this.lookupPages = options.lookupPages ?? 10;
    this.onCardRefused = options.onCardRefused;
    this.noRetry = {
      client: new webApi.WebClient(client.token, {
        slackApiUrl: client.slackApiUrl,
        timeout,
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
        logger: quietWebLogger(this.log),
      }),
    };
  }

  /** Posts (first time) or updates the operation's message; the finished phase adds the thread. */
  async publish(
    op: Operation,
    report: OperationReport,
    phase: PublishPhase,
    journal: PostJournal = memoryJournal(),
  ): Promise<PublishedMessage | undefined> {
    // Only a pending card lists the approvers; other phases name users alone and need no lookup.
    const handles = await this.names.handles(report.status === 'pending' ? (report.approval?.approvers ?? []) : []);
    const view = fitMessage(operationView(report, this.clock.now(), handles), (problem) =>
      this.log.warn({ operationId: op.id, problem }, 'operation message trimmed'),
    );
    /** Which call failed, for the log and the advice; the card's own post decides whether the requester is told. */
    let step: 'update' | 'card' | 'thread' = 'update';
    try {
      const card = journal.get(CARD);
      const known = card?.state === 'posted' ? card.ts : op.messageTs;
      let ts: string;
      if (known) {
        await this.client.chat.update({
          channel: op.channel,
          ts: known,
          text: view.text,
          blocks: view.blocks,
          metadata: metadata(op.id, CARD),
        });
        ts = known;
      } else {
        step = 'card';
        ts = await this.postOnce(op, journal, CARD, { text: view.text, blocks: view.blocks });
      }
      step = 'thread';
      // The thread holds the detail: the full plan under an approval card, the full result at the end.
      // Parts already posted are skipped through the journal, so a card whose thread was cut short is completed by its next publish.
      const thread = phase === 'finished' ? 'result' : report.status === 'pending' ? 'plan' : undefined;
      if (thread) {
        for (const [i, part] of (view.thread ?? []).entries()) {
          await this.postOnce(op, journal, `${thread}:${i}`, { text: part.text, blocks: part.blocks, thread_ts: ts });
        }
      }
      return { channel: op.channel, ts };
    } catch (err) {
      const advice = slackAdvice(err, {
        method: step === 'update' ? 'chat.update' : 'chat.postMessage',
        channel: op.channel,
      });
      if (advice)
        this.log.error(
          { operationId: op.id, channel: op.channel, slackError: advice.code, step },
          `cannot publish operation ${op.id}: ${adviceLine(advice)}`,
        );
      if (advice?.channelProblem && step === 'card') await this.cardRefused(op, advice);
      throw err;
    }
  }

  /**
   * The card could not be posted: the domain decides what becomes of the operation (cancelled when
   * nothing was sent), and the requester hears it in a direct message with the fix, once.
   */
  private async cardRefused(op: Operation, advice: SlackAdvice): Promise<void> {
    if (!this.onCardRefused || this.told.has(op.id)) return;
    this.told.add(op.id);
    const { outcome, op: now } = this.onCardRefused(
      op,
      `its card could not be posted in ${op.channel} (${advice.code})`,
    );
    if (!/^[UW][A-Z0-9]+$/.test(op.requestedBy)) return;
    const what = `${op.kind} of ${op.group} (${op.id})`;
    const where = channelName(op.channel);
    const text: Sentence =
      outcome === 'cancelled'
        ? said`${user(op.requestedBy)}, your ${what} was cancelled: its card could not be posted in ${where}, so nobody could approve or follow it. ${advice.text} Then run the command again.`
        : outcome === 'running'
          ? said`${user(op.requestedBy)}, your ${what} is running, but its card could not be posted in ${where}, so nobody sees its progress there. ${advice.text} Follow it with /patch history ${op.group}, or stop it with /patch cancel ${op.id}.`
          : said`${user(op.requestedBy)}, your ${what} ended (${now.status}), but its card could not be posted in ${where}. ${advice.text} Its result is in /patch history ${op.group}.`;
    try {
      await this.client.chat.postMessage({ channel: op.requestedBy, text: renderSentence(text) });
      this.log.info(
        { operationId: op.id, requester: op.requestedBy, outcome },
        'told the requester the card could not be posted',
      );
    } catch (err) {
      const dm = slackAdvice(err, { method: 'chat.postMessage' });
      this.log.error(
        { operationId: op.id, requester: op.requestedBy, err },
        `could not tell the requester either: ${dm ? adviceLine(dm) : 'see the error'}`,
      );
    }
  }

  /**
   * Posts `key` exactly once: posted already → its ts; under way → looked up (once it settled) and
   * posted only when Slack does not have it; otherwise recorded as under way, then posted, then its ts recorded.
   */
  private async postOnce(
    op: Operation,
    journal: PostJournal,
    key: string,
    message: { text: string; blocks: unknown[]; thread_ts?: string },
  ): Promise<string> {
    const record = journal.get(key);
    if (record?.state === 'posted') return record.ts;
    if (record?.state === 'posting') {
      if (this.clock.now().getTime() < Date.parse(record.settleAt))
        throw new PostPendingError(op.id, key, record.settleAt);
      const found = await this.lookup(op, key, message.thread_ts);
      if (found) {
        this.log.info(
          { operationId: op.id, post: key, ts: found },
          'a post whose outcome was unknown is in Slack; not posting it again',
        );
        journal.posted(key, found);
        return found;
      }
    }
    let expected = record;
    for (let attempt = 1; ; attempt++) {
      const settleAt = new Date(this.clock.now().getTime() + this.settleMs);
      if (!journal.begin(key, settleAt, expected))
        throw new PostPendingError(op.id, key, 'another publish recorded it');
      try {
        const posted = await this.noRetry.client.chat.postMessage({
          channel: op.channel,
          text: message.text,
          blocks: message.blocks as never,
          ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
          metadata: metadata(op.id, key),
        });
        const ts = posted.ts ?? '';
        journal.posted(key, ts);
        return ts;
      } catch (err) {
        const code = slackErrorCode(err);
        const wait = rateLimitedFor(err);
        if (wait !== undefined) {
          // A 429 posted nothing: wait as Slack asks (chat.postMessage allows about one a second per channel), then again.
          journal.forget(key);
          if (attempt >= RATE_LIMITED_TRIES) throw err;
          await new Promise((resolve) => setTimeout(resolve, wait * 1000));
          expected = undefined;
          continue;
        }
        if (code && !UNCERTAIN_ERRORS.has(code)) journal.forget(key);
        else if (code) journal.settle(key);
        // Anything else (a timeout, a reset connection) may still land: the record stays until settleAt.
        throw err;
      }
    }
  }

  /** The ts of the message this operation posted as `key`, if Slack has it: the card in the channel's history, a part in the card's thread. */
  private async lookup(op: Operation, key: string, threadTs: string | undefined): Promise<string | undefined> {
    let cursor: string | undefined;
    for (let page = 0; page < this.lookupPages; page++) {
      const args = { channel: op.channel, include_all_metadata: true, limit: 200, ...(cursor ? { cursor } : {}) };
      const answer = threadTs
        ? await this.client.conversations.replies({ ...args, ts: threadTs })
        : await this.client.conversations.history(args);
      const hit = (answer.messages ?? []).find((m) => isPost(m.metadata, op.id, key));
      if (hit?.ts) return hit.ts;
      cursor = answer.has_more ? answer.response_metadata?.next_cursor : undefined;
      if (!cursor) return undefined;
    }
    this.log.warn(
      { operationId: op.id, post: key, pages: this.lookupPages },
      'looked for an unsettled post through the newest messages without finding it; posting it',
    );
    return undefined;
  }
}

/** The metadata an operation's post carries. */
function metadata(operationId: string, key: string): { event_type: string; event_payload: Record<string, string> } {
  return { event_type: POST_EVENT_TYPE, event_payload: { operation_id: operationId, post: key } };
}

/** Whether a message's metadata says it is `key` of `operationId`. */
function isPost(meta: unknown, operationId: string, key: string): boolean {
  const m = meta as { event_type?: unknown; event_payload?: { operation_id?: unknown; post?: unknown } } | undefined;
  return (
    m?.event_type === POST_EVENT_TYPE && m.event_payload?.operation_id === operationId && m.event_payload.post === key
  );
}

/** How often a post answered 429 is tried before the publish fails (and the tracker retries later). */
const RATE_LIMITED_TRIES = 3;

/** The seconds Slack asked to wait, when `err` is a 429 (WebClient's rate-limited error). */
function rateLimitedFor(err: unknown): number | undefined {
  const e = err as { code?: string; retryAfter?: number } | undefined;
  return e?.code === 'slack_webapi_rate_limited_error' ? Math.min(Math.max(e.retryAfter ?? 1, 1), 30) : undefined;
}

/** A journal in memory, for callers without a store (tests of the view path); it does not survive a restart. */
export function memoryJournal(): PostJournal {
  const posts = new Map<string, PostRecord>();
  const now = () => new Date().toISOString();
  return {
    get: (key) => posts.get(key),
    begin(key, settleAt, expected) {
      if (JSON.stringify(posts.get(key)) !== JSON.stringify(expected)) return false;
      posts.set(key, { state: 'posting', at: now(), settleAt: settleAt.toISOString() });
      return true;
    },
    posted: (key, ts) => void posts.set(key, { state: 'posted', at: now(), ts }),
    settle(key) {
      const r = posts.get(key);
      if (r?.state === 'posting') posts.set(key, { ...r, settleAt: now() });
    },
    forget(key) {
      if (posts.get(key)?.state === 'posting') posts.delete(key);
    },
  };
}

/** WebClient's own log lines through our logger at debug (the publisher logs what matters itself). */
function quietWebLogger(log: Logger): webApi.Logger {
  const debug = (...msg: unknown[]) => log.debug({ webClient: msg.map(String).join(' ') }, 'web api client');
  return {
    debug,
    info: debug,
    warn: debug,
    error: debug,
    setLevel: () => undefined,
    getLevel: () => webApi.LogLevel.DEBUG,
    setName: () => undefined,
  };
}
