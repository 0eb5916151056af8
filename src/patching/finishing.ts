/**
 * The end of an operation as the tracker sees it: compute and store the result, publish it, and
 * only then move the operation to its final status. When Slack keeps failing, the operation ends
 * anyway (its group is free again) with its final report kept unpublished, and that same report is
 * published once Slack answers; operations that ended without the tracker are published here too.
 */
import type { ManagedInstance } from './fleet-types';
import type { Operation } from './ports';
import { groupOf } from './deps';
import { detailDue } from './failure-detail';
import { closeOperation, storeFinal } from './finalize';
import { readResult, resultJson } from './records';
import { buildReport, type CommandInvocations } from './report';
import { releaseTags } from './send-set';
import { decorate, journalOf, type Tracked, type TrackingContext } from './tracking-context';
import type { OperationReport } from './report-record';

/** Publishes results and ends operations; see the file comment. */
export class Finishing {
  /** Terminal operations whose result is not published yet (sends that failed everywhere, results Slack refused). */
  readonly watch = new Set<string>();

  constructor(
    private readonly ctx: TrackingContext,
    /** How often a failing 'finished' publish is tried before the operation ends anyway. */
    private readonly finishPublishAttempts: number,
  ) {}

  /** Computes the final report and stores it on the operation (see finalize.ts). */
  async final(
    op: Operation,
    report: OperationReport,
    commands: CommandInvocations[],
    t: Tracked,
  ): Promise<OperationReport> {
    const { store, gateways, clock, groups, log, recent } = this.ctx;
    const final = await storeFinal(
      { store, gateways, clock, group: groupOf(groups, op), ...(recent ? { recent } : {}) },
      op,
      report,
      commands,
      t.instances ?? new Map<string, ManagedInstance>(),
      log,
    );
    log.info(
      { operationId: op.id, status: final.status, newlyMissing: final.newlyMissing.length },
      'operation result computed',
    );
    return final;
  }

  /** Publishes the result, then moves the running operation to its final status (see the file comment). */
  async finish(op: Operation, report: OperationReport, t: Tracked): Promise<void> {
    const { store, log } = this.ctx;
    const current = (await store.operations.get(op.id)) ?? op;
    if (current.status !== 'running') return;
    await this.ctx.slots.run(op.id, async () => {
      let published = true;
      let messageTs = current.messageTs;
      try {
        const where = await this.ctx.publisher.publish(
          current,
          await decorate(this.ctx, current, report),
          'finished',
          journalOf(this.ctx, current),
        );
        if (!messageTs && where) messageTs = where.ts;
      } catch (err) {
        t.finishPublishFailures++;
        log.warn({ operationId: op.id, err, attempts: t.finishPublishFailures }, 'publishing the result failed');
        if (t.finishPublishFailures < this.finishPublishAttempts) return;
        log.error(
          { operationId: op.id },
          'the result is not published yet; the operation ends and its stored result is published when Slack answers',
        );
        published = false;
      }
      const status = await closeOperation(store, current, report, { published, messageTs });
      this.ctx.states.delete(op.id);
      log.info({ operationId: op.id, status, published }, 'operation finished');
      // Unpublished, or failed instances to explain: the tracker keeps looking at it (see tracker.ts).
      this.watch.add(op.id);
      await this.releaseTags(current);
    });
  }

  /**
   * A terminal operation whose result the card does not show yet: one whose send failed everywhere
   * (its report is rebuilt from the record), one decided without the tracker, or one that finished
   * while Slack failed (its stored final report, so the card says what happened, not "0 instances").
   */
  async publishUnsent(op: Operation): Promise<void> {
    const { store, log } = this.ctx;
    const result = readResult(op);
    const report: OperationReport = await decorate(
      this.ctx,
      op,
      result.final
        ? { ...result.final, finishedAt: result.final.finishedAt ?? op.finishedAt ?? undefined }
        : {
            ...buildReport(op, [], new Map(), result.failures),
            finishedAt: op.finishedAt ?? undefined,
            ...(op.error ? { notice: op.error.message } : {}),
          },
    );
    await this.ctx.slots.run(op.id, async () => {
      try {
        const where = await this.ctx.publisher.publish(op, report, 'finished', journalOf(this.ctx, op));
        await store.transaction(async (tx) => {
          const current = (await tx.operations.get(op.id)) ?? op;
          await tx.operations.update(op.id, {
            // The result is shown now: the compact result is all history needs.
            result: resultJson({ ...readResult(current), published: true, final: undefined }),
            ...(!current.messageTs && where ? { messageTs: where.ts } : {}),
          });
        });
        // Failed instances still to explain keep it watched (failure-detail.ts); otherwise it is done.
        if (!detailDue(op)) this.watch.delete(op.id);
        log.info({ operationId: op.id, status: op.status }, 'the result of an ended operation is published');
      } catch (err) {
        log.warn({ operationId: op.id, err }, 'publishing the result of an ended operation failed; will retry');
      }
      await this.releaseTags(op);
    });
  }

  /** Removes the change's marker tag once it has ended (best effort; see send-set.ts). */
  private async releaseTags(op: Operation): Promise<void> {
    const { store, log } = this.ctx;
    try {
      await releaseTags({ ...this.ctx, logger: log }, (await store.operations.get(op.id)) ?? op);
    } catch (err) {
      log.warn(
        { operationId: op.id, err },
        'removing the operation tag failed; the tag names a finished operation and targets nothing',
      );
    }
  }
}
