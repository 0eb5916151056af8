/**
 * Sending an operation's commands, exactly once. Whoever wins the store's approved → sending
 * compare-and-set sends; a process that finds an operation in `sending` it did not claim itself
 * (a restart after a crash mid-send) first asks SSM, by the operation id in the command's Comment,
 * which scopes already got the command, and sends only to the others. A scope whose send fails is
 * recorded and the others go on; only when no scope got the command does the operation fail.
 */
import type { PatchGroup } from '../config/schema';
import type { Logger } from '../logger';
import { SYSTEM_ACTOR, type Operation } from './ports';
import { AwsError } from '../errors';
import { fanOut, gatewayFor, gatewaysForGroup, groupTarget, type PatchGateway } from './group-fleet';
import { FALLBACK_SEND_TIMEOUT_MS, inFlightUntil, recordAttempt } from './send-attempts';
import { ensureSnapshot } from './snapshot';
import { dispatchReboot, failInterruptedReboot } from './reboot';
import { prepareChange } from './prepare-change';
import { PatchParamsSchema, readResult, resultJson, type SendSet } from './records';
import { groupOf, type PatchingDeps } from './deps';
import { failUnsent } from './not-sent';
import { scheduleGate } from './missed';
import { freezeGate } from './freeze-gate';
import { lookUpSends, NOTHING_YET, type Prior } from './resume-lookup';
import { OPERATION_TAG_KEY } from './send-set';
import { readPlan } from './plan-record';
import { pinnedListUrl, writePinnedList } from './pinned-write';
import type { ScopeFailure } from './record-schemas';

export type { PatchingDeps } from './deps';

export { FIND_LOOKBACK_MS } from './send-attempts';
export { RESUME_CHECK_ATTEMPTS } from './resume-lookup';

/** Sends operations' commands; one instance per process, shared by the service and the tracker. */
export class OperationRunner {
  private readonly deps: PatchingDeps;
  private readonly log: Logger;
  /** Operations this process is sending right now: nobody else in it may touch their send. */
  private readonly busy = new Set<string>();
  private readonly checkFailures = new Map<string, number>();

  constructor(deps: PatchingDeps) {
    this.deps = deps;
    this.log = deps.logger.child({ subsystem: 'patching' });
  }

  /** Whether this process is sending the operation now. */
  isBusy(operationId: string): boolean {
    return this.busy.has(operationId);
  }

  /** The configured group of an operation, if it still exists. */
  private groupOf(op: Pick<Operation, 'group'>): PatchGroup | undefined {
    return groupOf(this.deps.groups, op);
  }

  /** What the reboot steps use: the store, gateways and clock, and this runner's log. */
  private get rebootDeps() {
    return { ...this.deps, log: this.log, group: (op: Operation) => this.groupOf(op) };
  }

  /**
   * Claims an approved operation (approved → sending) and sends it; returns the operation as it now
   * is (unchanged if someone else claimed it, or a scheduled one whose time has not come, or one a
   * Change Calendar freezes; expired when its window or time was missed, or when frozen and not to wait).
   */
  async send(op: Operation): Promise<Operation> {
    if (this.deps.mayActNow && !this.deps.mayActNow()) return op;
    return this.exclusive(op, async () => {
      // Every path to a send (approval, the tracker, a change that needs none) passes the schedule first.
      const gate = await scheduleGate({ ...this.deps, log: this.log }, op);
      if (gate === 'wait') return op;
      if (gate !== 'send') return gate;
      // Then the group's Change Calendars: a CLOSED or unreadable one holds (or, if the requester chose so, expires) the change.
      const freeze = await freezeGate({ ...this.deps, log: this.log }, op);
      if (freeze === 'wait') return (await this.deps.store.operations.get(op.id)) ?? op;
      if (freeze !== 'send') return freeze;
      const claimed = await this.deps.store.operations.transition(op.id, { from: 'approved', to: 'sending' });
      if (!claimed) return (await this.deps.store.operations.get(op.id)) ?? op;
      if (claimed.kind === 'reboot') return dispatchReboot(this.rebootDeps, claimed);
      return this.dispatch(claimed, NOTHING_YET, undefined);
    });
  }

  /**
   * Finishes the send of an operation left in `sending` by another process (or a crash): asks each
   * scope for a command carrying the operation id and sends only where none is found. A scope that
   * cannot be asked is retried later (the operation stays `sending`), and after RESUME_CHECK_ATTEMPTS
   * it is given up unsent: a missing send is reported, a double one could not be undone.
   */
  async resume(op: Operation): Promise<Operation> {
    return this.exclusive(op, async () => {
      const current = await this.deps.store.operations.get(op.id);
      if (current?.status !== 'sending') return current ?? op;
      // Never reboot twice: a reboot found in `sending` may have rebooted already, so it is failed, not resent.
      if (current.kind === 'reboot') return failInterruptedReboot(this.rebootDeps, current);
      const group = this.groupOf(current);
      if (!group)
        return this.fail(
          current,
          'NOT_FOUND',
          `The group ${current.group} is no longer configured, so the command could not be sent.`,
          [],
        );
      // A send whose answer was lost may still land: look only once it no longer can.
      const until = inFlightUntil(current, (where) => this.timeoutFor(where));
      if (until !== undefined && this.deps.clock.now().getTime() < until) {
        this.log.info(
          { operationId: current.id, lookAt: new Date(until).toISOString() },
          'a send may still be on its way; looking it up once it can no longer land',
        );
        return current;
      }
      const looked = await lookUpSends(this.deps, this.log, current, group, this.checkFailures);
      if (!looked) return current;
      return this.dispatch(current, looked.prior, looked.unsent);
    });
  }

  /**
   * Sends to `targets` (default: all the group's gateways), then records running with every command
   * (`prior` ones found earlier included), or failed when no scope got the command.
   */
  private async dispatch(op: Operation, prior: Prior, targets: PatchGateway[] | undefined): Promise<Operation> {
    const { commands: already, failures } = prior;
    const group = this.groupOf(op);
    if (!group)
      return this.fail(
        op,
        'NOT_FOUND',
        `The group ${op.group} is no longer configured, so the command could not be sent.`,
        failures,
      );
    const params = PatchParamsSchema.safeParse(op.params);
    if (!params.success)
      return this.fail(
        op,
        'INTERNAL',
        `Operation ${op.id} has no valid command parameters, so nothing was sent.`,
        failures,
      );
    let sendSet: SendSet | undefined;
    if (op.kind === 'install') {
      const prepared = await prepareChange(this.deps, op, group, (o, code, message) => this.fail(o, code, message, []));
      if ('failed' in prepared) return prepared.failed;
      sendSet = prepared.sendSet;
      op = prepared.op;
    }
    const setFor = (gw: PatchGateway) => sendSet?.find((s) => s.scope === gw.scope && s.region === gw.region);
    // An install goes only where its send set has instances; a scan goes to the whole group.
    const gateways = (targets ?? gatewaysForGroup(group, this.deps.gateways)).filter((gw) => !sendSet || setFor(gw));
    const p = params.data;
    // A promote's list is in S3 before any instance is tagged or any command goes out; no list, no send.
    let installOverrideList: string | undefined;
    const pinned = op.kind === 'install' ? readPlan(op)?.pinned : undefined;
    if (pinned && already.length > 0) {
      // Commands already out used this object, written before them: the rest get the same URL.
      installOverrideList = pinnedListUrl(op, pinned);
    } else if (pinned && gateways[0]) {
      const written = await writePinnedList(this.deps.objects, op, pinned, gateways[0]);
      if ('failed' in written) return this.fail(op, written.failed.code, written.failed.message, failures);
      installOverrideList = written.url;
    }
    try {
      await ensureSnapshot(this.deps.store, this.deps.gateways, group, this.log);
    } catch (err) {
      // Without a snapshot the result overstates "newly missing"; that is no reason not to send.
      this.log.error({ operationId: op.id, err }, 'could not record the compliance snapshot; sending anyway');
    }
    const sent = await fanOut(
      gateways,
      async (gw) => {
        const set = setFor(gw);
        // The approved instances carry the operation's tag before the command that targets it goes out.
        if (set) await gw.tagInstances(set.instanceIds, OPERATION_TAG_KEY, op.id);
        await recordAttempt(this.deps.store, op.id, gw, this.deps.clock);
        return gw.sendPatchCommand({
          operation: p.operation,
          rebootOption: p.rebootOption,
          group: groupTarget(group),
          ...(set ? { tagTarget: { key: OPERATION_TAG_KEY, value: op.id } } : {}),
          maxConcurrency: p.maxConcurrency,
          maxErrors: p.maxErrors,
          operationId: op.id,
          timeoutSeconds: p.timeoutSeconds,
          ...(group.install.outputS3 ? { outputS3: group.install.outputS3 } : {}),
          ...(installOverrideList ? { installOverrideList } : {}),
        });
      },
      { logger: this.log, what: `sending ${op.id}` },
    );
    const commands = [
      ...already,
      ...sent.results.map((r) => ({ scope: r.gateway.scope, region: r.gateway.region, commandId: r.value })),
    ];
    // Lost answers: those commands may have run. Keep what is known and stay `sending`; resume looks them up later.
    const lost = sent.errors.flatMap((e, i) => (e instanceof AwsError && e.outcomeUnknown ? [sent.failures[i]!] : []));
    const refused = sent.failures.filter((f) => !lost.includes(f));
    if (lost.length > 0) {
      const held = await this.deps.store.transaction(async (tx) => {
        const current = (await tx.operations.get(op.id)) ?? op;
        await tx.operations.update(op.id, {
          commands,
          result: resultJson({ ...readResult(current), failures: [...failures, ...refused] }),
        });
        return (await tx.operations.get(op.id)) ?? current;
      });
      this.log.warn(
        { operationId: op.id, lost, commands },
        'AWS did not answer a send; it is looked up by its Comment before anything is sent again',
      );
      return held;
    }
    const allFailures = [...failures, ...sent.failures];
    if (commands.length === 0) {
      const code = sent.errors[0]?.code ?? prior.code ?? 'INTERNAL';
      const message =
        allFailures.length > 0
          ? allFailures.map((f) => `${f.scope} (${f.region}): ${f.message}`).join(' ')
          : `No scope is configured for the group ${group.name}, so nothing was sent.`;
      return this.fail(op, code, message, allFailures);
    }
    const result = resultJson({
      ...readResult(op),
      failures: allFailures,
      published: false,
      sentAt: this.deps.clock.now().toISOString(),
    });
    const running = await this.deps.store.transaction(async (tx) => {
      const moved = await tx.operations.transition(op.id, {
        from: 'sending',
        to: 'running',
        patch: { commands, result },
      });
      if (moved) {
        await tx.audit.append({
          actor: SYSTEM_ACTOR,
          action: 'operation.sent',
          operationId: op.id,
          group: op.group,
          detail: { commands, failures: allFailures },
        });
      }
      return moved;
    });
    this.log.info({ operationId: op.id, commands, failures: allFailures.length }, 'operation sent');
    return running ?? (await this.deps.store.operations.get(op.id)) ?? op;
  }

  /** sending → failed with a user-facing error; the tracker publishes it (result.published is false). */
  private fail(op: Operation, code: string, message: string, failures: ScopeFailure[]): Promise<Operation> {
    return failUnsent({ store: this.deps.store, log: this.log }, op, code, message, failures);
  }

  /** Whether an operation this process left in `sending` after a lost answer may now be looked up (the answer can no longer land). */
  lookupDue(op: Operation): boolean {
    if (op.status !== 'sending' || this.busy.has(op.id)) return false;
    const until = inFlightUntil(op, (where) => this.timeoutFor(where));
    return until !== undefined && this.deps.clock.now().getTime() >= until;
  }

  /** The answer timeout of the gateway of `where` (default when it is no longer configured). */
  private timeoutFor(where: { scope: string; region: string }): number {
    return gatewayFor(this.deps.gateways, where.scope, where.region)?.sendTimeoutMs ?? FALLBACK_SEND_TIMEOUT_MS;
  }

  private async exclusive(op: Operation, fn: () => Promise<Operation>): Promise<Operation> {
    if (this.busy.has(op.id)) return op;
    this.busy.add(op.id);
    try {
      return await fn();
    } finally {
      this.busy.delete(op.id);
    }
  }
}
