/**
 * The approval card kept in step with its request: posted once while pending, updated when an
 * approval is recorded, and expired requests moved on so their card can say so. Decisions taken
 * without the tracker (rejected, expired, cancelled) are found here too; their final card is
 * published by finishing, like any ended operation whose result the card does not show yet.
 */
import type { Operation } from './ports';
import { COUNTDOWN_MIN_INTERVAL_MS, countdownDue, countdownKey } from './countdown';
import { expireDueRequests } from './expiry';
import type { OperationStatus } from './lifecycle';
import { readResult } from './records';
import { buildReport } from './report';
import { decorate, publishMessage, type TrackingContext } from './tracking-context';

/** Terminal statuses reached without the tracker (a decision, a cancel, expiry) whose card it updates. */
export const DECIDED_STATUSES: readonly OperationStatus[] = ['rejected', 'expired', 'cancelled'];

/** Keeps approval cards true; see the file comment. */
export class CardSync {
  constructor(private readonly ctx: TrackingContext) {}

  /** Expires pending requests whose time has passed; their cards are left to the pass. */
  async expire(): Promise<void> {
    await expireDueRequests(this.ctx);
  }

  /** Pending requests (their cards are kept up to date) and decided ones whose card does not show it yet, leaving out decided ones already in `seen`. */
  async toShow(seen: ReadonlySet<string>): Promise<Operation[]> {
    const { store } = this.ctx;
    const ops = await store.operations.listRecent({ statuses: ['pending'], limit: 200 });
    const ids = new Set([...seen, ...ops.map((o) => o.id)]);
    for (const op of await store.operations.listRecent({ statuses: DECIDED_STATUSES, limit: 50 })) {
      if (!ids.has(op.id) && readResult(op).published !== true) {
        ops.push(op);
        ids.add(op.id);
      }
    }
    return ops;
  }

  /** A pending request: post its card once, and update it when an approval is recorded. */
  async pending(op: Operation): Promise<void> {
    const t = this.ctx.states.of(op.id);
    const report = await decorate(this.ctx, op, buildReport(op, [], new Map(), readResult(op).failures));
    // A scheduled request's card also counts down to its time, at most once a minute.
    const sig = `pending|${report.approval?.decisions.length ?? 0}#${countdownKey(report.plan?.schedule, this.ctx.clock.now())}`;
    if (op.messageTs && !countdownDue(t, sig, this.ctx.clock.now().getTime(), COUNTDOWN_MIN_INTERVAL_MS)) return;
    // Recorded only once published: a card (or its plan thread) that failed is published again next pass.
    await publishMessage(this.ctx, op, report, op.messageTs ? 'progress' : 'started', sig);
  }
}

/** A terminal operation whose result the card does not show yet. */
export function unpublished(op: Operation): boolean {
  const published = readResult(op).published;
  return published === false || (published === undefined && DECIDED_STATUSES.includes(op.status));
}
