/**
 * Operations are tracked, not awaited. The tracker polls every unfinished operation's command
 * invocations, publishes one message per operation (posted once, then updated, throttled), and at
 * the end stores the result, publishes it, and only then moves the operation to its final status.
 * Everything it needs to continue lives in the store, so after a restart it picks up where the last
 * process stopped: approved operations are sent, interrupted sends are checked against SSM before
 * sending again, running ones are polled, and a result already computed is republished as it was.
 */
import type { CommandInvocation, ManagedInstance } from './fleet-types';
import { mapLimit } from '../shared/concurrency';
import { NotFoundError, toPatchbotError } from '../errors';
import type { Logger } from '../logger';
import { SYSTEM_ACTOR, type Operation } from './ports';
import { closeOperation, storeFinal } from './finalize';
import { fanOut, gatewayFor, groupTarget } from './group-fleet';
import { withChangeContext } from './approval';
import { TERMINAL_STATUSES, isTerminal, type OperationStatus } from './lifecycle';
import { PatchParamsSchema, readResult, resultJson } from './records';
import { buildReport, type CommandInvocations } from './report';
import { releaseTags } from './send-set';
import { Ticker } from './ticker';
import { FIND_LOOKBACK_MS, type OperationRunner } from './runner';
import { storeJournal, type PostJournal } from './post-journal';
import type { OperationReport } from './types';

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
  publish(op: Operation, report: OperationReport, phase: PublishPhase, journal: PostJournal): Promise<PublishedMessage | undefined>;
}

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

/** Dependencies: the runner (shared with PatchService) and the Slack side. */
export interface TrackerDeps extends TrackerOptions {
  runner: OperationRunner;
  publisher: OperationPublisher;
}

/** Kinds this tracker sends and follows (a reboot's runner step reboots, then it is followed as its scan). */
const TRACKED_KINDS = new Set(['scan', 'install', 'reboot']);
/** Terminal statuses reached without the tracker (a decision, a cancel, expiry) whose card it updates. */
const DECIDED_STATUSES: readonly OperationStatus[] = ['rejected', 'expired', 'cancelled'];
const SETTLED_COMMAND_STATUSES = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);

/** In-memory state of one operation; all of it can be rebuilt after a restart. */
interface Tracked {
  instances: Map<string, ManagedInstance> | undefined;
  invocations: Map<string, CommandInvocation[]>;
  lastPublishAt: number | undefined;
  lastSignature: string | undefined;
  pollFailures: number;
  settleCheckFailures: number;
  finishPublishFailures: number;
}

/** Follows operations to their end and publishes their progress; see the file comment. */
export class OperationTracker {
  private readonly runner: OperationRunner;
  private readonly publisher: OperationPublisher;
  private readonly log: Logger;
  private readonly opt: Required<TrackerOptions>;
  private readonly state = new Map<string, Tracked>();
  /** Terminal operations whose result is not published yet (sends that failed everywhere). */
  private readonly watch = new Set<string>();
  /** `sending` operations found at start: left by a previous process, to be checked against SSM. */
  private readonly orphans = new Set<string>();
  private readonly ticker: Ticker;
  private stopping = false;
  /** Operations running at the last pass: they share the progress-update budget. */
  private runningNow = 0;
  /** Publishes still under way (past publishWaitMs), by operation: the operation waits for its own. */
  private readonly publishing = new Map<string, Promise<void>>();

  constructor(deps: TrackerDeps) {
    this.runner = deps.runner;
    this.publisher = deps.publisher;
    this.log = deps.runner.deps.logger.child({ subsystem: 'tracker' });
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
    this.ticker = new Ticker(() => this.pass(), this.opt.pollIntervalMs, (err) =>
      // A pass that failed as a whole (the store busy or gone while listing operations): the next one retries.
      this.log.error({ err: toPatchbotError(err) }, 'a tracking pass failed; the next pass retries'),
    );
  }

  /** Resumes what the store holds (one pass, awaited), then polls every pollIntervalMs until stop(). */
  async start(): Promise<void> {
    if (this.ticker.started) return;
    this.stopping = false;
    // Started again after a stop (this process lost, then regained, the work lease): begin as a restart does.
    this.state.clear();
    this.orphans.clear();
    const { store } = this.runner.deps;
    const unfinished = store.operations.listUnfinished();
    for (const op of unfinished) if (op.status === 'sending') this.orphans.add(op.id);
    // A send that failed everywhere ends the operation at once; if the bot died before publishing it, do it now.
    for (const op of store.operations.listRecent({ statuses: TERMINAL_STATUSES, limit: 100 })) {
      if (readResult(op).published === false) this.watch.add(op.id);
    }
    this.log.info({ unfinished: unfinished.length, unpublished: this.watch.size }, 'operation tracker started');
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
    await bounded(Promise.allSettled(this.publishing.values()), this.opt.publishWaitMs);
  }

  /** Looks at an operation soon (call after starting one); also publishes a terminal one whose result is unpublished. */
  track(operationId: string): void {
    this.watch.add(operationId);
    this.ticker.wake();
  }

  /** One pass over every unfinished (and watched) operation; concurrent calls share the pass in progress. */
  tick(): Promise<void> {
    return this.ticker.tick();
  }

  private async pass(): Promise<void> {
    const { store } = this.runner.deps;
    this.expire();
    const ops = store.operations.listUnfinished();
    // Pending approval requests: their card is posted, and updated as approvals come in.
    ops.push(...store.operations.listRecent({ statuses: ['pending'], limit: 200 }));
    const ids = new Set(ops.map((o) => o.id));
    // Decided without the tracker (rejected, expired, cancelled) and not yet shown on the card.
    for (const op of store.operations.listRecent({ statuses: DECIDED_STATUSES, limit: 50 })) {
      if (!ids.has(op.id) && readResult(op).published !== true) {
        ops.push(op);
        ids.add(op.id);
      }
    }
    for (const id of this.watch) {
      if (ids.has(id)) continue;
      const op = store.operations.get(id);
      if (op && isTerminal(op.status) && readResult(op).published === false) ops.push(op);
      else this.watch.delete(id);
    }
    this.runningNow = ops.filter((op) => op.status === 'running').length;
    await mapLimit(ops, this.opt.concurrency, async (op) => {
      if (this.stopping || this.publishing.has(op.id)) return;
      try {
        await this.advance(op);
      } catch (err) {
        // One operation's trouble (a store error, a bug) must not stop the others; the next pass retries it.
        this.log.error({ operationId: op.id, err }, 'tracking an operation failed; will retry');
      }
    });
    for (const id of this.state.keys()) if (!ids.has(id) && !this.publishing.has(id)) this.state.delete(id);
  }

  /**
   * Runs one operation's publish work, waiting for it at most publishWaitMs; past that it goes on
   * in the background and the operation is skipped by passes until it ends. `work` handles its own errors.
   */
  private async inBackground(operationId: string, work: () => Promise<void>): Promise<void> {
    const running = work()
      .catch((err: unknown) => this.log.error({ operationId, err }, 'publishing an operation failed; will retry'))
      .finally(() => this.publishing.delete(operationId));
    this.publishing.set(operationId, running);
    await bounded(running, this.opt.publishWaitMs);
  }

  /** The write-ahead journal of the operation's posts. */
  private journal(op: Operation): PostJournal {
    return storeJournal(this.runner.deps.store, op.id, this.runner.deps.clock);
  }

  /** Expires pending requests whose time has passed (one write), records it, and leaves their cards to the pass. */
  private expire(): void {
    const { store, clock } = this.runner.deps;
    for (const op of store.operations.expireDue(clock.now())) {
      store.transaction(() => {
        store.operations.update(op.id, { result: resultJson({ ...readResult(op), published: false, summary: 'expired without enough approvals' }) });
        store.audit.append({ actor: SYSTEM_ACTOR, action: 'operation.expired', operationId: op.id, group: op.group, detail: { expiresAt: op.expiresAt?.toISOString() } });
      });
      this.log.info({ operationId: op.id, group: op.group }, 'approval request expired');
    }
  }

  /** The report with the plan and approval state of an install or reboot (what keeps "approved by" on the card). */
  private decorate(op: Operation, report: OperationReport): OperationReport {
    const result = readResult(op);
    // A reboot counts as sent from the moment RebootInstances was started (its write-ahead record): it may have happened.
    const sentAt = result.sentAt ?? result.reboot?.requestedAt;
    const facts = { ...(sentAt ? { sentAt: new Date(sentAt) } : {}), ...(result.drift ? { drift: result.drift } : {}) };
    return withChangeContext(this.runner.deps.store, op, this.runner.groupOf(op), { ...report, ...facts });
  }

  /** A pending request: post its card once, and update it when an approval is recorded. */
  private async pending(op: Operation): Promise<void> {
    const t = this.tracked(op.id);
    const report = this.decorate(op, buildReport(op, [], new Map(), readResult(op).failures));
    const sig = `pending|${report.approval?.decisions.length ?? 0}`;
    if (op.messageTs && t.lastSignature === sig) return;
    // Recorded only once published: a card (or its plan thread) that failed is published again next pass.
    await this.publish(op, report, op.messageTs ? 'progress' : 'started', t, sig);
  }

  private async advance(initial: Operation): Promise<void> {
    if (!TRACKED_KINDS.has(initial.kind)) return;
    if (initial.status === 'pending') return this.pending(initial);
    let op = initial;
    if (op.status === 'approved' && !this.runner.isBusy(op.id)) op = await this.runner.send(op);
    if (op.status === 'sending' && !this.runner.isBusy(op.id)) {
      const stale = this.runner.deps.clock.now().getTime() - op.updatedAt.getTime() > this.opt.staleSendingMs;
      if (this.orphans.has(op.id) || stale || this.runner.lookupDue(op)) {
        op = await this.runner.resume(op);
        if (op.status !== 'sending') this.orphans.delete(op.id);
      }
    }
    if (op.status === 'running') await this.poll(op);
    else if (isTerminal(op.status) && unpublished(op)) await this.publishUnsent(op);
  }

  private tracked(id: string): Tracked {
    let t = this.state.get(id);
    if (!t) {
      t = { instances: undefined, invocations: new Map(), lastPublishAt: undefined, lastSignature: undefined, pollFailures: 0, settleCheckFailures: 0, finishPublishFailures: 0 };
      this.state.set(id, t);
    }
    return t;
  }

  private async poll(op: Operation): Promise<void> {
    const t = this.tracked(op.id);
    const result = readResult(op);
    if (result.final) return this.finish(op, result.final, t);
    const { gateways, clock } = this.runner.deps;
    const work = op.commands.map((command) => ({ scope: command.scope, region: command.region, command, gateway: gatewayFor(gateways, command.scope, command.region) }));
    const polled = await fanOut(
      work,
      async (w) => {
        if (!w.gateway) throw new NotFoundError(`scope ${w.scope}/${w.region} is not configured`, { userMessage: `Scope ${w.scope} (${w.region}) is no longer configured.` });
        return w.gateway.listCommandInvocations(w.command.commandId);
      },
      { logger: this.log, what: `invocations of ${op.id}` },
    );
    for (const r of polled.results) t.invocations.set(r.gateway.command.commandId, r.value);
    await this.loadInstances(op, t);
    const commands: CommandInvocations[] = op.commands.map((command) => ({ command, invocations: t.invocations.get(command.commandId) ?? [] }));
    let report = this.decorate(op, buildReport(op, commands, t.instances ?? new Map(), result.failures));
    const deadline = this.deadline(op);
    const pastDeadline = clock.now().getTime() > deadline;

    if (polled.failures.length > 0) {
      t.pollFailures++;
      this.log.warn({ operationId: op.id, failures: polled.failures, consecutive: t.pollFailures }, 'polling invocations failed; will retry');
      if (pastDeadline) return this.finish(op, await this.final(op, { ...report, failures: [...report.failures, ...polled.failures] }, commands, t), t);
      if (t.pollFailures >= this.opt.failureNoticeAfter) {
        const where = polled.failures.map((f) => `${f.scope} (${f.region})`).join(', ');
        const others = polled.results.length > 0 ? ' The other scopes’ progress is shown as it is now.' : '';
        report = { ...report, notice: `patchbot cannot check on this operation in ${where} right now (${polled.failures.map((f) => f.message).join(' ')}). It keeps trying.${others}` };
      }
      // The scopes that answered still show their progress (the failing ones as last read).
      await this.progress(op, report, t);
      return;
    }
    t.pollFailures = 0;
    const allFinal = report.total > 0 && report.finished === report.total;
    if (allFinal || report.total === 0 || pastDeadline) {
      // Invocations can appear in waves; SSM's own command status says whether more are coming.
      if (pastDeadline || (await this.commandsSettled(op, t))) return this.finish(op, await this.final(op, report, commands, t), t);
    }
    if (!op.messageTs) {
      await this.publish(op, report, 'started', t);
      return;
    }
    await this.progress(op, report, t);
  }

  /**
   * Whether every command of `op` has a final status in ListCommands (more invocations may still
   * come otherwise). If ListCommands keeps failing (say the role lacks ssm:ListCommands), the
   * invocations' own statuses decide after failureNoticeAfter tries rather than waiting for hours.
   */
  private async commandsSettled(op: Operation, t: Tracked): Promise<boolean> {
    const { gateways } = this.runner.deps;
    const since = new Date(op.createdAt.getTime() - FIND_LOOKBACK_MS);
    const scopes = [...new Map(op.commands.map((c) => [`${c.scope}/${c.region}`, c])).values()];
    const work = scopes.flatMap((c) => {
      const gateway = gatewayFor(gateways, c.scope, c.region);
      return gateway ? [{ scope: c.scope, region: c.region, gateway }] : [];
    });
    const found = await fanOut(work, (w) => w.gateway.findPatchCommands(op.id, since), { logger: this.log, what: `command status of ${op.id}` });
    if (found.failures.length > 0) return ++t.settleCheckFailures >= this.opt.failureNoticeAfter;
    t.settleCheckFailures = 0;
    const summaries = new Map(found.results.flatMap((r) => r.value.map((c) => [c.commandId, c])));
    return op.commands.every((c) => {
      const s = summaries.get(c.commandId);
      // Not listed: SSM stopped listing it (old) or has not yet; the invocations' own statuses decide.
      return !s || SETTLED_COMMAND_STATUSES.has(s.status) || (s.targetCount > 0 && s.completedCount >= s.targetCount);
    });
  }

  /** Instance names (EC2 Name tags) of the operation's scopes, asked once per operation. */
  private async loadInstances(op: Operation, t: Tracked): Promise<void> {
    if (t.instances) return;
    t.instances = new Map();
    const group = this.runner.groupOf(op);
    if (!group) return;
    const { gateways } = this.runner.deps;
    const target = groupTarget(group);
    const scopes = [...new Map(op.commands.map((c) => [`${c.scope}/${c.region}`, c])).values()];
    const listed = await fanOut(
      scopes.flatMap((c) => gatewayFor(gateways, c.scope, c.region) ?? []),
      (gw) => gw.listManagedInstances(target),
      { logger: this.log, what: `instance names for ${op.id}` },
    );
    for (const r of listed.results) for (const i of r.value) t.instances.set(i.instanceId, i);
  }

  private deadline(op: Operation): number {
    const params = PatchParamsSchema.safeParse(op.params);
    const timeoutMs = (params.success ? params.data.timeoutSeconds : 7200) * 1000;
    return op.createdAt.getTime() + timeoutMs + this.opt.deadlineGraceMs;
  }

  private async final(op: Operation, report: OperationReport, commands: CommandInvocations[], t: Tracked): Promise<OperationReport> {
    const final = await storeFinal(this.runner, op, report, commands, t.instances ?? new Map(), this.log);
    this.log.info({ operationId: op.id, status: final.status, newlyMissing: final.newlyMissing.length }, 'operation result computed');
    return final;
  }

  /**
   * Publishes the result, then moves the operation to its final status (see the file comment for
   * why in that order). When Slack keeps failing, the operation ends anyway (its group is free
   * again) with its final report kept unpublished; publishUnsent shows that same report once Slack answers.
   */
  private async finish(op: Operation, report: OperationReport, t: Tracked): Promise<void> {
    const { store } = this.runner.deps;
    const current = store.operations.get(op.id) ?? op;
    if (current.status !== 'running') return;
    await this.inBackground(op.id, async () => {
      let published = true;
      let messageTs = current.messageTs;
      try {
        const where = await this.publisher.publish(current, this.decorate(current, report), 'finished', this.journal(current));
        if (!messageTs && where) messageTs = where.ts;
      } catch (err) {
        t.finishPublishFailures++;
        this.log.warn({ operationId: op.id, err, attempts: t.finishPublishFailures }, 'publishing the result failed');
        if (t.finishPublishFailures < this.opt.finishPublishAttempts) return;
        this.log.error({ operationId: op.id }, 'the result is not published yet; the operation ends and its stored result is published when Slack answers');
        published = false;
      }
      const status = closeOperation(this.runner, current, report, { published, messageTs });
      this.state.delete(op.id);
      this.log.info({ operationId: op.id, status, published }, 'operation finished');
      if (!published) this.watch.add(op.id);
      await this.releaseTags(current);
    });
  }

  /** A progress update: only when something changed, and at most once per progressIntervalMs(). */
  private async progress(op: Operation, report: OperationReport, t: Tracked): Promise<void> {
    if (!op.messageTs) return void (await this.publish(op, report, 'started', t));
    if (signature(report) === t.lastSignature) return;
    const now = this.runner.deps.clock.now().getTime();
    if (t.lastPublishAt !== undefined && now - t.lastPublishAt < this.progressIntervalMs()) return;
    await this.publish(op, report, 'progress', t);
  }

  /** updateIntervalMs, stretched so that all running operations together stay within updatesPerMinute. */
  private progressIntervalMs(): number {
    return Math.max(this.opt.updateIntervalMs, Math.ceil((this.runningNow * 60_000) / this.opt.updatesPerMinute));
  }

  private async publish(op: Operation, report: OperationReport, phase: PublishPhase, t: Tracked, sig = signature(report)): Promise<void> {
    await this.inBackground(op.id, async () => {
      try {
        const where = await this.publisher.publish(op, report, phase, this.journal(op));
        t.lastPublishAt = this.runner.deps.clock.now().getTime();
        t.lastSignature = sig;
        const { store } = this.runner.deps;
        if (!op.messageTs && where && !store.operations.get(op.id)?.messageTs) store.operations.update(op.id, { messageTs: where.ts });
        else if (!op.messageTs && !where) this.log.warn({ operationId: op.id, phase }, 'the publisher did not say where it posted');
      } catch (err) {
        this.log.warn({ operationId: op.id, phase, err }, 'publishing failed; will retry');
      }
    });
  }

  /**
   * A terminal operation whose result the card does not show yet: one whose send failed everywhere
   * (its report is rebuilt from the record), one decided without the tracker, or one that finished
   * while Slack failed (its stored final report, so the card says what happened, not "0 instances").
   */
  private async publishUnsent(op: Operation): Promise<void> {
    const result = readResult(op);
    const report: OperationReport = this.decorate(
      op,
      result.final
        ? { ...result.final, finishedAt: result.final.finishedAt ?? op.finishedAt ?? undefined }
        : {
            ...buildReport(op, [], new Map(), result.failures),
            finishedAt: op.finishedAt ?? undefined,
            ...(op.error ? { notice: op.error.message } : {}),
          },
    );
    await this.inBackground(op.id, async () => {
      try {
        const where = await this.publisher.publish(op, report, 'finished', this.journal(op));
        const { store } = this.runner.deps;
        store.transaction(() => {
          const current = store.operations.get(op.id) ?? op;
          store.operations.update(op.id, {
            // The result is shown now: the compact result is all history needs.
            result: resultJson({ ...readResult(current), published: true, final: undefined }),
            ...(!current.messageTs && where ? { messageTs: where.ts } : {}),
          });
        });
        this.watch.delete(op.id);
        this.log.info({ operationId: op.id, status: op.status }, 'the result of an ended operation is published');
      } catch (err) {
        this.log.warn({ operationId: op.id, err }, 'publishing the result of an ended operation failed; will retry');
      }
      await this.releaseTags(op);
    });
  }

  /** Removes the change's marker tag once it has ended (best effort; see send-set.ts). */
  private async releaseTags(op: Operation): Promise<void> {
    try {
      await releaseTags({ ...this.runner.deps, logger: this.log }, this.runner.deps.store.operations.get(op.id) ?? op);
    } catch (err) {
      this.log.warn({ operationId: op.id, err }, 'removing the operation tag failed; the tag names a finished operation and targets nothing');
    }
  }
}

/** Waits for `p` at most `ms`. */
async function bounded(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** A terminal operation whose result the card does not show yet. */
function unpublished(op: Operation): boolean {
  const published = readResult(op).published;
  return published === false || (published === undefined && DECIDED_STATUSES.includes(op.status));
}

/** What a progress update shows; equal signatures mean nothing worth an update changed. */
function signature(r: OperationReport): string {
  return `${r.total}/${r.finished}/${r.succeeded}/${r.failed}/${r.unreachable.length}|${r.notice ?? ''}`;
}
