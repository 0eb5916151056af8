/**
 * Sending an operation's commands, exactly once. Whoever wins the store's approved → sending
 * compare-and-set sends; a process that finds an operation in `sending` it did not claim itself
 * (a restart after a crash mid-send) first asks SSM, by the operation id in the command's Comment,
 * which scopes already got the command, and sends only to the others. A scope whose send fails is
 * recorded and the others go on; only when no scope got the command does the operation fail.
 */
import type { PatchGroup } from '../config/schema';
import type { Logger } from '../logger';
import { SYSTEM_ACTOR, type Operation, type OperationCommand } from './ports';
import { AwsError } from '../errors';
import { fanOut, gatewayFor, gatewaysForGroup, groupTarget, type PatchGateway } from './group-fleet';
import {
  FALLBACK_SEND_TIMEOUT_MS,
  FIND_LOOKBACK_MS,
  MAX_SEND_ATTEMPTS,
  attemptsAt,
  inFlightUntil,
  recordAttempt,
} from './send-attempts';
import { ensureSnapshot } from './snapshot';
import { dispatchReboot, failInterruptedReboot } from './reboot';
import { checkDrift } from './drift';
import { PatchParamsSchema, readPlan, readResult, resultJson, type SendSet } from './records';
import { groupOf, type PatchingDeps } from './deps';
import { failUnsent } from './not-sent';
import { OPERATION_TAG_KEY, sendSetOf } from './send-set';
import type { DriftReport, ScopeFailure } from './types';

export type { PatchingDeps } from './deps';

export { FIND_LOOKBACK_MS } from './send-attempts';
/** After this many failed attempts to ask a scope whether it got the command, the scope is given up unsent. */
export const RESUME_CHECK_ATTEMPTS = 3;

/** What an interrupted send already established: commands found, scopes given up, and their error code. */
interface Prior {
  commands: OperationCommand[];
  failures: ScopeFailure[];
  code: string | undefined;
}

const NOTHING_YET: Prior = { commands: [], failures: [], code: undefined };

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

  /** Claims an approved operation (approved → sending) and sends it; returns the operation as it now is (unchanged if someone else claimed it). */
  async send(op: Operation): Promise<Operation> {
    if (this.deps.mayActNow && !this.deps.mayActNow()) return op;
    return this.exclusive(op, async () => {
      const claimed = this.deps.store.operations.transition(op.id, { from: 'approved', to: 'sending' });
      if (!claimed) return this.deps.store.operations.get(op.id) ?? op;
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
      const current = this.deps.store.operations.get(op.id);
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
      const since = new Date(current.createdAt.getTime() - FIND_LOOKBACK_MS);
      const found = await fanOut(
        gatewaysForGroup(group, this.deps.gateways),
        (gw) => gw.findPatchCommands(current.id, since),
        {
          logger: this.log,
          what: `finding the commands of ${current.id}`,
        },
      );
      const attempts = (this.checkFailures.get(current.id) ?? 0) + (found.failures.length > 0 ? 1 : 0);
      if (found.failures.length > 0 && attempts < RESUME_CHECK_ATTEMPTS) {
        this.checkFailures.set(current.id, attempts);
        this.log.warn(
          { operationId: current.id, failures: found.failures, attempts },
          'cannot tell yet whether the command was sent; will ask again',
        );
        return current;
      }
      this.checkFailures.delete(current.id);
      const commands: OperationCommand[] = found.results.flatMap((r) =>
        r.value.map((c) => ({ scope: r.gateway.scope, region: r.gateway.region, commandId: c.commandId })),
      );
      if (found.results.some((r) => r.value.length > 1))
        this.log.warn({ operationId: current.id, commands }, 'more than one command carries this operation id');
      const missing = found.results.filter((r) => r.value.length === 0).map((r) => r.gateway);
      // A scope whose every answer was lost, and where the look finds nothing each time, is given up after MAX_SEND_ATTEMPTS.
      const unsent = missing.filter((gw) => attemptsAt(current, gw) < MAX_SEND_ATTEMPTS);
      const givenUp = missing
        .filter((gw) => attemptsAt(current, gw) >= MAX_SEND_ATTEMPTS)
        .map((gw) => ({
          scope: gw.scope,
          region: gw.region,
          message: `AWS did not answer ssm:SendCommand ${MAX_SEND_ATTEMPTS} times; patchbot looked after each and found no command, so nothing ran there. Try again later.`,
        }));
      const unchecked = [
        ...found.failures.map((f) => ({
          ...f,
          message: `Could not check whether the command was sent, so it was not sent again: ${f.message}`,
        })),
        ...givenUp,
      ];
      this.deps.store.audit.append({
        actor: SYSTEM_ACTOR,
        action: 'operation.resumed',
        operationId: current.id,
        group: current.group,
        detail: { found: commands, sendingTo: unsent.map((g) => `${g.scope}/${g.region}`), unchecked },
      });
      this.log.info(
        { operationId: current.id, found: commands.length, unsent: unsent.length },
        'resuming an interrupted send',
      );
      return this.dispatch(current, { commands, failures: unchecked, code: found.errors[0]?.code }, unsent);
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
      const prepared = await this.prepareChange(op, group);
      if ('failed' in prepared) return prepared.failed;
      sendSet = prepared.sendSet;
      op = prepared.op;
    }
    const setFor = (gw: PatchGateway) => sendSet?.find((s) => s.scope === gw.scope && s.region === gw.region);
    // An install goes only where its send set has instances; a scan goes to the whole group.
    const gateways = (targets ?? gatewaysForGroup(group, this.deps.gateways)).filter((gw) => !sendSet || setFor(gw));
    const p = params.data;
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
        recordAttempt(this.deps.store, op.id, gw, this.deps.clock);
        return gw.sendPatchCommand({
          operation: p.operation,
          rebootOption: p.rebootOption,
          group: groupTarget(group),
          ...(set ? { tagTarget: { key: OPERATION_TAG_KEY, value: op.id } } : {}),
          maxConcurrency: p.maxConcurrency,
          maxErrors: p.maxErrors,
          operationId: op.id,
          timeoutSeconds: p.timeoutSeconds,
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
      const current = this.deps.store.operations.get(op.id) ?? op;
      const held = this.deps.store.operations.update(op.id, {
        commands,
        result: resultJson({ ...readResult(current), failures: [...failures, ...refused] }),
      });
      this.log.warn(
        { operationId: op.id, lost, commands },
        'AWS did not answer a send; it is looked up by its Comment before anything is sent again',
      );
      return held ?? current;
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
    const running = this.deps.store.transaction(() => {
      const moved = this.deps.store.operations.transition(op.id, {
        from: 'sending',
        to: 'running',
        patch: { commands, result },
      });
      if (moved) {
        this.deps.store.audit.append({
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
    return running ?? this.deps.store.operations.get(op.id) ?? op;
  }

  /**
   * An approved change right before its send: the send set recorded earlier (a resumed send), or
   * the drift re-check and then the send set, written before any call that changes something.
   * Drift that makes the card untrue fails the operation with nothing sent.
   */
  private async prepareChange(
    op: Operation,
    group: PatchGroup,
  ): Promise<{ sendSet: SendSet; op: Operation } | { failed: Operation }> {
    const recorded = readResult(op).sendSet;
    if (recorded) return { sendSet: recorded, op };
    const plan = readPlan(op);
    if (!plan)
      return { failed: this.fail(op, 'INTERNAL', `Operation ${op.id} has no stored plan, so nothing was sent.`, []) };
    const drift = await checkDrift(this.deps, group, plan);
    const sendSet = sendSetOf(plan, drift);
    const problem = driftProblem(drift, sendSet);
    const updated = this.deps.store.transaction(() => {
      const current = this.deps.store.operations.get(op.id) ?? op;
      this.deps.store.operations.update(op.id, {
        result: resultJson({ ...readResult(current), drift, ...(problem ? {} : { sendSet }) }),
      });
      this.deps.store.audit.append({
        actor: SYSTEM_ACTOR,
        action: 'operation.checked',
        operationId: op.id,
        group: op.group,
        detail: {
          blocking: drift.blocking.map((b) => b.what),
          offline: drift.offline.map((o) => o.instanceId),
          notIncluded: drift.notIncluded.map((n) => n.instanceId),
          sendSet,
        },
      });
      return this.deps.store.operations.get(op.id) ?? current;
    });
    if (problem) return { failed: this.fail(updated, 'DRIFT', problem, []) };
    return { sendSet, op: updated };
  }

  /** sending → failed with a user-facing error; the tracker publishes it (result.published is false). */
  private fail(op: Operation, code: string, message: string, failures: ScopeFailure[]): Operation {
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

/** Why a change must not be sent after the re-check, or undefined when it may go. */
function driftProblem(drift: DriftReport, sendSet: SendSet): string | undefined {
  if (drift.blocking.length > 0) {
    const first = drift.blocking
      .slice(0, 3)
      .map((b) => b.what)
      .join('; ');
    const more = drift.blocking.length > 3 ? ` (and ${drift.blocking.length - 3} more)` : '';
    return `Nothing was sent: what the card showed is no longer true: ${first}${more}. Plan again to see the change as it would be now; it needs a new approval.`;
  }
  if (sendSet.length === 0)
    return 'Nothing was sent: the SSM agent of every approved target went offline after the card was posted. Check the instances, then plan again.';
  return undefined;
}
