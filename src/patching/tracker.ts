/**
 * Operations are tracked, not awaited. The tracker polls every unfinished operation's command
 * invocations, publishes one message per operation (posted once, then updated, throttled), and at
 * the end stores the result, publishes it, and only then moves the operation to its final status.
 * Everything it needs to continue lives in the store, so after a restart it picks up where the last
 * process stopped: approved operations are sent, interrupted sends are checked against SSM before
 * sending again, running ones are polled, and a result already computed is republished as it was.
 *
 * This file composes the units that do the work: card-sync.ts (approval cards and expiry),
 * command-progress.ts (polling running operations), finishing.ts (results and the final status),
 * update-budget.ts (the chat.update pace), publish-slots.ts (a stuck publish never holds a pass),
 * countdown.ts (the card of an approved change waiting for its window, or frozen by a change calendar).
 */
import { mapLimit } from '../shared/concurrency';
import { toPatchbotError } from '../errors';
import type { Logger } from '../logger';
import type { Operation } from './ports';
import { CardSync, unpublished } from './card-sync';
import { CommandProgress } from './command-progress';
import { Countdown } from './countdown';
import type { PatchingDeps } from './deps';
import { Finishing } from './finishing';
import { FailureDetails, detailDue } from './failure-detail';
import { TERMINAL_STATUSES, isTerminal } from './lifecycle';
import type { OperationPublisher } from './publisher-port';
import { PublishSlots } from './publish-slots';
import { scheduleOf } from './missed';
import { isFrozen } from './freeze';
import { overrideUnannounced } from './freeze-override';
import { readResult } from './records';
import type { OperationRunner } from './runner';
import { Ticker } from './ticker';
import { TrackedStates, type TrackingContext } from './tracking-context';
import { UpdateBudget } from './update-budget';

export type { OperationPublisher, PublishPhase, PublishedMessage } from './publisher-port';

/** Timing and patience; all optional. */
export interface TrackerOptions {
  /** How often invocations are polled (default 3 s). */
  pollIntervalMs?: number;
  /** At most one progress update per this interval (config slack.updateIntervalMs; default 5 s). */
  updateIntervalMs?: number;
  /**
   * Progress updates across all running operations per minute (default 40): Slack allows chat.update
   * about 50 times a minute per workspace, and the cards, results and other messages need the rest.
   * With more operations running than that allows at updateIntervalMs, each one updates less often.
   */
  updatesPerMinute?: number;
  /** After this many failed polls in a row the message says so (default 3). */
  failureNoticeAfter?: number;
  /** How long past the command's TimeoutSeconds tracking goes on before it gives up (default 3 h: SSM's own execution timeouts come first). */
  deadlineGraceMs?: number;
  /** How often a failing 'finished' publish is retried before the operation ends anyway (default 5). */
  finishPublishAttempts?: number;
  /** A send left `sending` this long by someone else is treated as interrupted (default 5 min). */
  staleSendingMs?: number;
  /** Operations advanced at once (default 4). */
  concurrency?: number;
  /**
   * How long a pass waits for one operation's publish (default 2 s). A slower one (Slack hung or
   * down) goes on in the background while the pass moves on, and that operation is left alone
   * until it ends: one stuck message never holds the others.
   */
  publishWaitMs?: number;
}

/** What the tracker asks of the runner (shared with PatchService): the exactly-once send and its resume. */
export type SendPort = Pick<OperationRunner, 'isBusy' | 'send' | 'resume' | 'lookupDue'>;

/** Dependencies: the domain's I/O, the runner's send, and the Slack side. */
export interface TrackerDeps
  extends TrackerOptions,
    Pick<PatchingDeps, 'store' | 'gateways' | 'groups' | 'clock' | 'logger' | 'recent'> {
  runner: SendPort;
  publisher: OperationPublisher;
}

/** Kinds this tracker sends and follows (a reboot's runner step reboots, then it is followed as its scan). */
const TRACKED_KINDS = new Set(['scan', 'install', 'reboot']);

/** Follows operations to their end and publishes their progress; see the file comment. */
export class OperationTracker {
  private readonly runner: SendPort;
  private readonly ctx: TrackingContext;
  private readonly log: Logger;
  private readonly opt: Required<TrackerOptions>;
  private readonly cards: CardSync;
  private readonly progress: CommandProgress;
  private readonly finishing: Finishing;
  private readonly countdown: Countdown;
  private readonly details: FailureDetails;
  private readonly budget: UpdateBudget;
  /** `sending` operations found at start: left by a previous process, to be checked against SSM. */
  private readonly orphans = new Set<string>();
  private readonly ticker: Ticker;
  private stopping = false;

  constructor(deps: TrackerDeps) {
    this.runner = deps.runner;
    this.log = deps.logger.child({ subsystem: 'tracker' });
    this.opt = {
      pollIntervalMs: deps.pollIntervalMs ?? 3000,
      updateIntervalMs: deps.updateIntervalMs ?? 5000,
      updatesPerMinute: deps.updatesPerMinute ?? 40,
      failureNoticeAfter: deps.failureNoticeAfter ?? 3,
      deadlineGraceMs: deps.deadlineGraceMs ?? 3 * 3_600_000,
      finishPublishAttempts: deps.finishPublishAttempts ?? 5,
      staleSendingMs: deps.staleSendingMs ?? 5 * 60_000,
      concurrency: deps.concurrency ?? 4,
      publishWaitMs: deps.publishWaitMs ?? 2000,
    };
    const { store, gateways, groups, clock, publisher } = deps;
    this.ctx = {
      store,
      gateways,
      groups,
      clock,
      ...(deps.recent ? { recent: deps.recent } : {}),
      publisher,
      log: this.log,
      slots: new PublishSlots(this.opt.publishWaitMs, this.log),
      states: new TrackedStates(),
    };
    this.budget = new UpdateBudget(this.opt.updateIntervalMs, this.opt.updatesPerMinute);
    this.cards = new CardSync(this.ctx);
    this.finishing = new Finishing(this.ctx, this.opt.finishPublishAttempts);
    this.details = new FailureDetails(this.ctx);
    this.progress = new CommandProgress(this.ctx, this.finishing, this.budget, this.opt);
    this.countdown = new Countdown(this.ctx, this.budget);
    this.ticker = new Ticker(
      () => this.pass(),
      this.opt.pollIntervalMs,
      (err) =>
        // A pass that failed as a whole (the store busy or gone while listing operations): the next one retries.
        this.log.error({ err: toPatchbotError(err) }, 'a tracking pass failed; the next pass retries'),
    );
  }

  /** Resumes what the store holds (one pass, awaited), then polls every pollIntervalMs until stop(). */
  async start(): Promise<void> {
    if (this.ticker.started) return;
    this.stopping = false;
    // Started again after a stop (this process lost, then regained, the work lease): begin as a restart does.
    this.ctx.states.clear();
    this.orphans.clear();
    const { store } = this.ctx;
    const unfinished = await store.operations.listUnfinished();
    for (const op of unfinished) if (op.status === 'sending') this.orphans.add(op.id);
    // A send that failed everywhere ends the operation at once; if the bot died before publishing it, do it now.
    for (const op of await store.operations.listRecent({ statuses: TERMINAL_STATUSES, limit: 100 })) {
      if (readResult(op).published === false || detailDue(op)) this.finishing.watch.add(op.id);
    }
    this.log.info(
      { unfinished: unfinished.length, unpublished: this.finishing.watch.size },
      'operation tracker started',
    );
    try {
      await this.tick();
    } catch (err) {
      // The first pass failing (the store busy, say) is no reason not to track: the next pass retries.
      this.log.error({ err: toPatchbotError(err) }, 'the first tracking pass failed; the next pass retries');
    }
    this.ticker.start();
  }

  /** Stops polling and waits for the pass in progress, and a little for publishes under way; leaves no timer behind. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.ticker.stop();
    await this.ctx.slots.drain();
  }

  /** Looks at an operation soon (call after starting one); also publishes a terminal one whose result is unpublished. */
  track(operationId: string): void {
    this.finishing.watch.add(operationId);
    this.ticker.wake();
  }

  /** Runs a pass now, or right after the one under way (an operation changed elsewhere); nothing when not tracking. */
  wake(): void {
    this.ticker.wake();
  }

  /**
   * Resolves once a pass that begins after this call has ended, so every operation stored or tracked
   * before the call has been looked at; at once when not tracking (a follower, a stopped tracker).
   */
  nextPass(): Promise<void> {
    return this.ticker.nextPass();
  }

  /** One pass over every unfinished (and watched) operation; concurrent calls share the pass in progress. */
  tick(): Promise<void> {
    return this.ticker.tick();
  }

  private async pass(): Promise<void> {
    const { store, slots, states } = this.ctx;
    await this.cards.expire();
    const ops = await store.operations.listUnfinished();
    // Pending approval requests (their card is posted, and updated as approvals come in), and decided ones not yet shown.
    ops.push(...(await this.cards.toShow(new Set(ops.map((o) => o.id)))));
    const ids = new Set(ops.map((o) => o.id));
    const { watch } = this.finishing;
    for (const id of watch) {
      if (ids.has(id)) continue;
      const op = await store.operations.get(id);
      if (op && isTerminal(op.status) && (readResult(op).published === false || detailDue(op))) ops.push(op);
      else watch.delete(id);
    }
    this.budget.setRunning(ops.filter((op) => op.status === 'running').length);
    await mapLimit(ops, this.opt.concurrency, async (op) => {
      if (this.stopping || slots.busy(op.id)) return;
      try {
        await this.advance(op);
      } catch (err) {
        // One operation's trouble (a store error, a bug) must not stop the others; the next pass retries it.
        this.log.error({ operationId: op.id, err }, 'tracking an operation failed; will retry');
      }
    });
    states.prune((id) => ids.has(id) || slots.busy(id));
  }

  /** Moves one operation on: its card, its send or resume, its polling, or its unpublished result. */
  private async advance(initial: Operation): Promise<void> {
    if (!TRACKED_KINDS.has(initial.kind)) return;
    if (initial.status === 'pending') return this.cards.pending(initial);
    let op = initial;
    if (op.status === 'approved' && !this.runner.isBusy(op.id)) {
      // A freeze override just granted is announced (with the card) before the change goes out, not at a later progress update.
      if (await overrideUnannounced(this.ctx.store, op)) await this.countdown.show(op);
      op = await this.runner.send(op);
    }
    // Still approved after the send: a scheduled change waiting for its time (its card counts down), or one a calendar freezes.
    if (op.status === 'approved' && !this.runner.isBusy(op.id) && (scheduleOf(op) || isFrozen(readResult(op).freeze)))
      return this.countdown.show(op);
    if (op.status === 'sending' && !this.runner.isBusy(op.id)) {
      const stale = this.ctx.clock.now().getTime() - op.updatedAt.getTime() > this.opt.staleSendingMs;
      if (this.orphans.has(op.id) || stale || this.runner.lookupDue(op)) {
        op = await this.runner.resume(op);
        if (op.status !== 'sending') this.orphans.delete(op.id);
      }
    }
    if (op.status === 'running') await this.progress.poll(op);
    else if (isTerminal(op.status) && unpublished(op)) await this.finishing.publishUnsent(op);
    // Failed instances explained in the thread once the result is out (failure-detail.ts).
    else if (isTerminal(op.status) && detailDue(op)) await this.details.advance(op);
  }
}
