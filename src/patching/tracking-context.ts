/**
 * What the tracker's units share: the domain's I/O, the publisher port, the publish slots, and the
 * in-memory state of each tracked operation (all of it can be rebuilt after a restart). Also the
 * two things every unit does the same way: decorate a report with its change context, and publish.
 */
import type { CommandInvocation, ManagedInstance } from './fleet-types';
import type { Logger } from '../logger';
import type { Operation } from './ports';
import { withChangeContext } from './approval-state';
import { groupOf, type PatchingDeps } from './deps';
import { storeJournal, type PostJournal } from './post-journal';
import type { OperationPublisher, PublishPhase } from './publisher-port';
import type { PublishSlots } from './publish-slots';
import { readResult } from './records';
import type { OperationReport } from './report-record';
import { progressSignature } from './update-budget';

/** In-memory state of one operation. */
export interface Tracked {
  instances: Map<string, ManagedInstance> | undefined;
  invocations: Map<string, CommandInvocation[]>;
  lastPublishAt: number | undefined;
  lastSignature: string | undefined;
  pollFailures: number;
  settleCheckFailures: number;
  finishPublishFailures: number;
}

/** Tracked state by operation id, created on first use. */
export class TrackedStates {
  private readonly byId = new Map<string, Tracked>();

  /** The state of `id`, fresh if there is none yet. */
  of(id: string): Tracked {
    let t = this.byId.get(id);
    if (!t) {
      t = {
        instances: undefined,
        invocations: new Map(),
        lastPublishAt: undefined,
        lastSignature: undefined,
        pollFailures: 0,
        settleCheckFailures: 0,
        finishPublishFailures: 0,
      };
      this.byId.set(id, t);
    }
    return t;
  }

  /** Forgets one operation. */
  delete(id: string): void {
    this.byId.delete(id);
  }

  /** Forgets everything (a start after a stop begins as a restart does). */
  clear(): void {
    this.byId.clear();
  }

  /** Forgets operations no longer looked at, except those `keep` says to. */
  prune(keep: (id: string) => boolean): void {
    for (const id of this.byId.keys()) if (!keep(id)) this.byId.delete(id);
  }
}

/** What every tracking unit is given. */
export interface TrackingContext extends Pick<PatchingDeps, 'store' | 'gateways' | 'groups' | 'clock' | 'recent'> {
  log: Logger;
  publisher: OperationPublisher;
  slots: PublishSlots;
  states: TrackedStates;
}

/** The report with the plan and approval state of an install or reboot (what keeps "approved by" on the card). */
export function decorate(ctx: TrackingContext, op: Operation, report: OperationReport): Promise<OperationReport> {
  const result = readResult(op);
  // A reboot counts as sent from the moment RebootInstances was started (its write-ahead record): it may have happened.
  const sentAt = result.sentAt ?? result.reboot?.requestedAt;
  const facts = {
    ...(sentAt ? { sentAt: new Date(sentAt) } : {}),
    ...(result.drift ? { drift: result.drift } : {}),
    ...(result.missed ? { missed: result.missed } : {}),
    ...(result.freeze ? { freeze: result.freeze } : {}),
    ...(result.freezeOverride ? { freezeOverride: result.freezeOverride } : {}),
  };
  const group = groupOf(ctx.groups, op);
  const overridable = (group?.freeze.overrideApprovers.length ?? 0) > 0 ? { freezeOverridable: true } : {};
  return withChangeContext(ctx.store, op, group, { ...report, ...facts, ...overridable });
}

/** The write-ahead journal of the operation's posts. */
export function journalOf(ctx: TrackingContext, op: Operation): PostJournal {
  return storeJournal(ctx.store, op.id, ctx.clock);
}

/**
 * Publishes a card or a progress update in the operation's slot; on success records when and what
 * (`sig`) was shown and where the first post went. A failure is logged and retried by a later pass.
 */
export async function publishMessage(
  ctx: TrackingContext,
  op: Operation,
  report: OperationReport,
  phase: PublishPhase,
  sig = progressSignature(report),
): Promise<void> {
  const t = ctx.states.of(op.id);
  await ctx.slots.run(op.id, async () => {
    try {
      const where = await ctx.publisher.publish(op, report, phase, journalOf(ctx, op));
      t.lastPublishAt = ctx.clock.now().getTime();
      t.lastSignature = sig;
      if (!op.messageTs && where && !(await ctx.store.operations.get(op.id))?.messageTs)
        await ctx.store.operations.update(op.id, { messageTs: where.ts });
      else if (!op.messageTs && !where)
        ctx.log.warn({ operationId: op.id, phase }, 'the publisher did not say where it posted');
    } catch (err) {
      ctx.log.warn({ operationId: op.id, phase, err }, 'publishing failed; will retry');
    }
  });
}
