/**
 * The Slack side of tracking, as the domain sees it: a port the Slack layer implements
 * (src/slack/publisher.ts), so that nothing in src/patching knows about Slack.
 */
import type { Operation } from './ports';
import type { PostJournal } from './post-journal';
import type { FailureDetail } from './failure-record';
import type { OperationReport } from './report-record';

/** What a publish is: the first message, an update while running, or the result. */
export type PublishPhase = 'started' | 'progress' | 'finished';

/** Where a message was posted. */
export interface PublishedMessage {
  channel: string;
  ts: string;
}

/**
 * The Slack side of tracking. When the operation has no message yet, post one in `op.channel` and
 * return where it went; otherwise update that message. 'finished' carries the final report; it is
 * published before the operation's final transition, and again (as an update of the same message)
 * if the bot dies between the two or the publish fails. Every post goes through `journal`, the
 * operation's write-ahead record of its posts, so that no post is ever repeated blindly (the card's
 * ts lands there and in `messageTs` as soon as it is known).
 */
export interface OperationPublisher {
  publish(
    op: Operation,
    report: OperationReport,
    phase: PublishPhase,
    journal: PostJournal,
  ): Promise<PublishedMessage | undefined>;
  /**
   * Posts the failure detail of an ended operation in its message's thread (op.messageTs): a
   * summary, then the failed instances' output a few at a time, each reply through `journal`.
   */
  publishFailures(op: Operation, detail: FailureDetail, journal: PostJournal): Promise<void>;
}
