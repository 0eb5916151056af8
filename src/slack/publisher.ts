import type { WebClient } from '@slack/web-api';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { OperationPublisher, PublishedMessage, PublishPhase } from '../patching/tracker';
import type { OperationReport } from '../patching/types';
import type { Operation } from '../store';
import { fitMessage } from './limits';
import { NO_NAMES, type NameDirectory } from './directory';
import { CHANNEL_ACCESS_ERRORS, slackErrorCode } from './slack-errors';
import { operationView } from './views/operation';

/**
 * Shows an operation in Slack as one message, posted once and then updated in place; when it
 * finishes, the per-instance detail goes into the message's thread.
 */
export class SlackOperationPublisher implements OperationPublisher {
  private readonly log: Logger;

  constructor(
    private readonly client: WebClient,
    private readonly clock: Clock,
    logger: Logger,
    /** Names the approver user groups a card lists (by handle, without notifying them). */
    private readonly names: NameDirectory = NO_NAMES,
  ) {
    this.log = logger.child({ subsystem: 'publisher' });
  }

  /** Posts (first time) or updates the operation's message; the finished phase adds the thread. */
  async publish(op: Operation, report: OperationReport, phase: PublishPhase): Promise<PublishedMessage | void> {
    // Only a pending card lists the approvers; other phases name users alone and need no lookup.
    const handles = await this.names.handles(report.status === 'pending' ? (report.approval?.approvers ?? []) : []);
    const view = fitMessage(operationView(report, this.clock.now(), handles), (problem) => this.log.warn({ operationId: op.id, problem }, 'operation message trimmed'));
    try {
      let where: PublishedMessage;
      if (op.messageTs) {
        await this.client.chat.update({ channel: op.channel, ts: op.messageTs, text: view.text, blocks: view.blocks });
        where = { channel: op.channel, ts: op.messageTs };
      } else {
        const posted = await this.client.chat.postMessage({ channel: op.channel, text: view.text, blocks: view.blocks });
        where = { channel: posted.channel ?? op.channel, ts: posted.ts ?? '' };
      }
      // The thread holds the detail: the full plan under a new approval card, the full result at the end.
      const newCard = phase === 'started' && !op.messageTs && report.status === 'pending';
      if (phase === 'finished' || newCard) {
        for (const part of view.thread ?? []) {
          await this.client.chat.postMessage({ channel: where.channel, thread_ts: where.ts, text: part.text, blocks: part.blocks });
        }
      }
      return where;
    } catch (err) {
      const code = slackErrorCode(err);
      if (code && CHANNEL_ACCESS_ERRORS.has(code)) {
        this.log.error({ operationId: op.id, channel: op.channel, slackError: code }, `cannot post operation ${op.id}: invite the bot to channel ${op.channel}`);
      }
      throw err;
    }
  }
}
