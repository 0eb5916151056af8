/** An operation's one Slack message: posted once, updated in place, with its thread; a refused card tells the requester. */
import { webApi } from '@slack/bolt';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { CARD, type PostJournal } from '../patching/post-journal';
import { freezeOverrideAnnouncement } from './views/freeze-announcement';
import { isFrozen } from '../patching/freeze';
import { FREEZE_OVERRIDE_POST } from '../patching/freeze-override-record';

import type { OperationPublisher, PublishedMessage, PublishPhase } from '../patching/tracker';
import type { OperationReport } from '../patching/report-record';
import type { Operation } from '../store';
import { fitMessage } from './limits';
import { NO_NAMES, type NameDirectory } from './directory';
import { adviceLine, slackAdvice, type SlackAdvice } from './error-advice';
import { channel as channelName, said, user, type Sentence } from '../sentence';
import type { UnseenOutcome } from '../patching/unseen';
import { renderSentence } from './mrkdwn';
import { memoryJournal, metadata, OncePoster } from './post-once';
import { WEB_API_TIMEOUT_MS } from './timeouts';
import { operationView } from './views/operation';
import { failureThreadView } from './views/failure-thread';
import type { FailureDetail } from '../patching/failure-record';

export { memoryJournal, POST_EVENT_TYPE, PostPendingError } from './post-once';

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
  onCardRefused?: (op: Operation, reason: string) => Promise<UnseenOutcome>;
}

type WebClient = webApi.WebClient;

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
export class SlackOperationPublisher implements OperationPublisher {
  private readonly log: Logger;
  /** Every post of an operation, exactly once. */
  private readonly poster: OncePoster;
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
    this.onCardRefused = options.onCardRefused;
    // Posts go through a client with the same token and URL and no retries of its own.
    const noRetry = new webApi.WebClient(client.token, {
      slackApiUrl: client.slackApiUrl,
      timeout,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logger: quietWebLogger(this.log),
    });
    this.poster = new OncePoster(
      client,
      noRetry,
      clock,
      this.log,
      options.settleMs ?? timeout + 5_000,
      options.lookupPages ?? 10,
    );
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
      const card = await journal.get(CARD);
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
        ts = await this.poster.postOnce(
          op,
          journal,
          CARD,
          { text: view.text, blocks: view.blocks },
          { refreshFound: true },
        );
      }
      // A granted freeze override is announced in the channel once (its own journalled post), whichever publish sees it first.
      const announcement = freezeOverrideAnnouncement(report);
      // Counted as a thread part: a refused announcement must never be taken for a refused card (which cancels an unsent change).
      step = 'thread';
      if (announcement) {
        await this.poster.postOnce(op, journal, FREEZE_OVERRIDE_POST, {
          text: announcement.text,
          blocks: announcement.blocks,
        });
      }
      step = 'thread';
      // The thread holds the detail: the full plan under an approval card, the full result at the end.
      // Parts already posted are skipped through the journal, so a card whose thread was cut short is completed by its next publish.
      // An approved change waiting for its window shows the plan as well (its card may be the first post, with no approval needed).
      // So does one a change calendar holds.
      const waiting =
        report.status === 'approved' &&
        report.sentAt === undefined &&
        (report.plan?.schedule !== undefined || isFrozen(report.freeze));
      const thread = phase === 'finished' ? 'result' : report.status === 'pending' || waiting ? 'plan' : undefined;
      if (thread) {
        for (const [i, part] of (view.thread ?? []).entries()) {
          await this.poster.postOnce(op, journal, `${thread}:${i}`, {
            text: part.text,
            blocks: part.blocks,
            thread_ts: ts,
          });
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
   * The failed instances' output under the operation's message: a summary, then a few instances per
   * reply, each reply exactly once through the journal (keys `failures:<i>`), after the result thread.
   */
  async publishFailures(op: Operation, detail: FailureDetail, journal: PostJournal): Promise<void> {
    const card = await journal.get(CARD);
    const ts = card?.state === 'posted' ? card.ts : op.messageTs;
    if (!ts) return;
    for (const [i, part] of failureThreadView(`the ${op.kind} of ${op.group}`, detail).entries()) {
      const fitted = fitMessage(part, (problem) =>
        this.log.warn({ operationId: op.id, problem }, 'failure detail trimmed'),
      );
      await this.poster.postOnce(op, journal, `failures:${i}`, {
        text: fitted.text,
        blocks: fitted.blocks,
        thread_ts: ts,
      });
    }
  }

  /**
   * The card could not be posted: the domain decides what becomes of the operation (cancelled when
   * nothing was sent), and the requester hears it in a direct message with the fix, once.
   */
  private async cardRefused(op: Operation, advice: SlackAdvice): Promise<void> {
    if (!this.onCardRefused || this.told.has(op.id)) return;
    this.told.add(op.id);
    const { outcome, op: now } = await this.onCardRefused(
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
}

/** WebClient's own log lines through our logger at debug (the publisher logs what matters itself). */
export function quietWebLogger(log: Logger): webApi.Logger {
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
