/**
 * Following a running operation's commands: poll their invocations in every scope, show progress
 * (only when it changed, and within the update budget), and hand the operation to finishing when
 * every invocation is final and SSM lists no more coming, or when the deadline has passed. A scope
 * that cannot be polled keeps its last reading; after failureNoticeAfter tries the card says so.
 */
import { NotFoundError } from '../errors';
import type { Operation } from './ports';
import { groupOf } from './deps';
import type { Finishing } from './finishing';
import { fanOut, gatewayFor, groupTarget } from './group-fleet';
import { PatchParamsSchema, readResult } from './records';
import { buildReport, type CommandInvocations } from './report';
import { FIND_LOOKBACK_MS } from './send-attempts';
import { decorate, publishMessage, type Tracked, type TrackingContext } from './tracking-context';
import type { OperationReport } from './report-record';
import { progressSignature, type UpdateBudget } from './update-budget';

/** SSM command statuses after which no more invocations come. */
const SETTLED_COMMAND_STATUSES = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);
/** The command timeout assumed when an operation's parameters cannot be read. */
const DEFAULT_TIMEOUT_SECONDS = 7200;

/** Patience and pacing of polling. */
export interface ProgressOptions {
  /** After this many failed polls (or ListCommands checks) in a row, the card says so, or the invocations decide. */
  failureNoticeAfter: number;
  /** How long past the command's TimeoutSeconds tracking goes on before it gives up. */
  deadlineGraceMs: number;
}

/** When tracking of `op` gives up (ms since the epoch): its creation, its command timeout, and the grace. */
export function deadlineOf(op: Operation, deadlineGraceMs: number): number {
  const params = PatchParamsSchema.safeParse(op.params);
  const timeoutMs = (params.success ? params.data.timeoutSeconds : DEFAULT_TIMEOUT_SECONDS) * 1000;
  return op.createdAt.getTime() + timeoutMs + deadlineGraceMs;
}

/** Polls running operations; see the file comment. */
export class CommandProgress {
  constructor(
    private readonly ctx: TrackingContext,
    private readonly finishing: Finishing,
    private readonly budget: UpdateBudget,
    private readonly opt: ProgressOptions,
  ) {}

  /** One look at a running operation: poll, then publish progress or finish it. */
  async poll(op: Operation): Promise<void> {
    const { ctx, finishing } = this;
    const t = ctx.states.of(op.id);
    const result = readResult(op);
    if (result.final) return finishing.finish(op, result.final, t);
    const work = op.commands.map((command) => ({
      scope: command.scope,
      region: command.region,
      command,
      gateway: gatewayFor(ctx.gateways, command.scope, command.region),
    }));
    const polled = await fanOut(
      work,
      async (w) => {
        if (!w.gateway)
          throw new NotFoundError(`scope ${w.scope}/${w.region} is not configured`, {
            userMessage: `Scope ${w.scope} (${w.region}) is no longer configured.`,
          });
        return w.gateway.listCommandInvocations(w.command.commandId);
      },
      { logger: ctx.log, what: `invocations of ${op.id}` },
    );
    for (const r of polled.results) t.invocations.set(r.gateway.command.commandId, r.value);
    await this.loadInstances(op, t);
    const commands: CommandInvocations[] = op.commands.map((command) => ({
      command,
      invocations: t.invocations.get(command.commandId) ?? [],
    }));
    let report = await decorate(ctx, op, buildReport(op, commands, t.instances ?? new Map(), result.failures));
    const pastDeadline = ctx.clock.now().getTime() > deadlineOf(op, this.opt.deadlineGraceMs);

    if (polled.failures.length > 0) {
      t.pollFailures++;
      ctx.log.warn(
        { operationId: op.id, failures: polled.failures, consecutive: t.pollFailures },
        'polling invocations failed; will retry',
      );
      if (pastDeadline)
        return finishing.finish(
          op,
          await finishing.final(op, { ...report, failures: [...report.failures, ...polled.failures] }, commands, t),
          t,
        );
      if (t.pollFailures >= this.opt.failureNoticeAfter) {
        const where = polled.failures.map((f) => `${f.scope} (${f.region})`).join(', ');
        const others = polled.results.length > 0 ? ' The other scopes’ progress is shown as it is now.' : '';
        report = {
          ...report,
          notice: `patchbot cannot check on this operation in ${where} right now (${polled.failures.map((f) => f.message).join(' ')}). It keeps trying.${others}`,
        };
      }
      // The scopes that answered still show their progress (the failing ones as last read).
      await this.progress(op, report, t);
      return;
    }
    t.pollFailures = 0;
    const allFinal = report.total > 0 && report.finished === report.total;
    if (allFinal || report.total === 0 || pastDeadline) {
      // Invocations can appear in waves; SSM's own command status says whether more are coming.
      if (pastDeadline || (await this.commandsSettled(op, t)))
        return finishing.finish(op, await finishing.final(op, report, commands, t), t);
    }
    if (!op.messageTs) {
      await publishMessage(ctx, op, report, 'started');
      return;
    }
    await this.progress(op, report, t);
  }

  /** A progress update: only when something changed, and only when the update budget allows. */
  private async progress(op: Operation, report: OperationReport, t: Tracked): Promise<void> {
    if (!op.messageTs) return void (await publishMessage(this.ctx, op, report, 'started'));
    if (progressSignature(report) === t.lastSignature) return;
    if (!this.budget.allows(t.lastPublishAt, this.ctx.clock.now().getTime())) return;
    await publishMessage(this.ctx, op, report, 'progress');
  }

  /**
   * Whether every command of `op` has a final status in ListCommands (more invocations may still
   * come otherwise). If ListCommands keeps failing (say the role lacks ssm:ListCommands), the
   * invocations' own statuses decide after failureNoticeAfter tries rather than waiting for hours.
   */
  private async commandsSettled(op: Operation, t: Tracked): Promise<boolean> {
    const since = new Date(op.createdAt.getTime() - FIND_LOOKBACK_MS);
    const scopes = [...new Map(op.commands.map((c) => [`${c.scope}/${c.region}`, c])).values()];
    const work = scopes.flatMap((c) => {
      const gateway = gatewayFor(this.ctx.gateways, c.scope, c.region);
      return gateway ? [{ scope: c.scope, region: c.region, gateway }] : [];
    });
    const found = await fanOut(work, (w) => w.gateway.findPatchCommands(op.id, since), {
      logger: this.ctx.log,
      what: `command status of ${op.id}`,
    });
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
    const group = groupOf(this.ctx.groups, op);
    if (!group) return;
    const target = groupTarget(group);
    const scopes = [...new Map(op.commands.map((c) => [`${c.scope}/${c.region}`, c])).values()];
    const listed = await fanOut(
      scopes.flatMap((c) => gatewayFor(this.ctx.gateways, c.scope, c.region) ?? []),
      (gw) => gw.listManagedInstances(target),
      { logger: this.ctx.log, what: `instance names for ${op.id}` },
    );
    for (const r of listed.results) for (const i of r.value) t.instances.set(i.instanceId, i);
  }
}
