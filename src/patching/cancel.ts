/**
 * Cancelling an operation: pending or approved ones at once (one compare-and-set), a running scan
 * or install after SSM accepted the cancellation of its commands; a reboot cannot be cancelled once
 * sent. Who may: the requester or a listed approver (on a group without approvers, its operators);
 * a refusal is audited as `operation.refused`.
 */
import { ConflictError, ForbiddenError, NotFoundError } from '../errors';
import { plainSentence, said, user } from '../sentence';
import type { Operation, Store } from './ports';
import { approverNames, describeState, type ApprovalAuthorizer } from './approval-state';
import { groupOf, type PatchingDeps } from './deps';
import { expireIfDue } from './expiry';
import { fanOut, gatewayFor } from './group-fleet';
import { readResult, resultJson } from './records';

/** Who may cancel an operation. */
export interface CancelInput {
  operationId: string;
  userId: string;
}

/** What a cancellation reads and writes. */
export type CancelDeps = Pick<PatchingDeps, 'store' | 'gateways' | 'groups' | 'clock' | 'logger'>;

/**
 * Cancels an operation: pending or approved ones at once; a running scan or install after
 * cancelling its SSM commands. Throws ForbiddenError (not the requester or an approver),
 * NotFoundError, or ConflictError saying the state (sending, a running reboot, finished).
 */
export async function cancelOperation(
  deps: CancelDeps,
  input: CancelInput,
  authorizer: ApprovalAuthorizer,
): Promise<Operation> {
  const { store, clock } = deps;
  const op = await store.operations.get(input.operationId);
  if (!op)
    throw new NotFoundError(`operation ${input.operationId} does not exist`, {
      userMessage: `There is no such operation: ${input.operationId}.`,
    });
  const group = groupOf(deps.groups, op);
  const approvers = group?.approval.approvers ?? [];
  const allowed =
    input.userId === op.requestedBy ||
    (await authorizer.isAnyOf(input.userId, approvers)) ||
    (approvers.length === 0 && group !== undefined && (await authorizer.isAnyOf(input.userId, group.operators)));
  if (!allowed) {
    const why = said`Only the requester (${user(op.requestedBy)}) or an approver of ${op.group}${approvers.length ? said` (${approverNames(approvers)})` : undefined} may cancel ${op.id}.`;
    await store.audit.append({
      actor: input.userId,
      action: 'operation.refused',
      operationId: op.id,
      group: op.group,
      detail: { action: 'cancel', why: plainSentence(why) },
    });
    throw new ForbiddenError(`user ${input.userId} may not cancel ${op.id}`, { userText: why });
  }
  const current = (await expireIfDue(deps, op)) ?? op;
  const cancellation = { userId: input.userId, at: clock.now().toISOString(), from: current.status };
  if (current.status === 'pending' || current.status === 'approved') {
    const moved = await moveToCancelled(store, current, [current.status], cancellation, []);
    if (moved) return moved;
    const now = (await store.operations.get(op.id)) ?? current;
    throw new ConflictError(`operation ${op.id} moved on`, {
      userText: said`It could not be cancelled: ${await describeState(store, now)}`,
    });
  }
  if (current.status === 'running' && current.kind !== 'reboot') {
    const { gateways, logger } = deps;
    const work = current.commands.flatMap((c) => {
      const gateway = gatewayFor(gateways, c.scope, c.region);
      return gateway ? [{ scope: c.scope, region: c.region, gateway, commandId: c.commandId }] : [];
    });
    const done = await fanOut(work, (w) => w.gateway.cancelCommand(w.commandId), {
      logger,
      what: `cancelling ${op.id}`,
    });
    if (done.results.length === 0 && done.failures.length > 0) {
      throw new ConflictError(`cancelling ${op.id} failed everywhere`, {
        userMessage: `SSM did not accept the cancellation of ${op.id}: ${done.failures.map((f) => `${f.scope} (${f.region}): ${f.message}`).join(' ')}`,
      });
    }
    const moved = await moveToCancelled(store, current, ['running'], cancellation, done.failures);
    if (moved) return moved;
    const now = (await store.operations.get(op.id)) ?? current;
    throw new ConflictError(`operation ${op.id} finished first`, {
      userText: said`It could not be cancelled: ${await describeState(store, now)}`,
    });
  }
  if (current.status === 'running') {
    throw new ConflictError(`reboot ${op.id} is running`, {
      userMessage: `The reboot ${op.id} cannot be cancelled: the instances were already rebooted; only the compliance scan after it is still running.`,
    });
  }
  if (current.status === 'sending') {
    throw new ConflictError(`operation ${op.id} is being sent`, {
      userMessage: `The ${op.kind} ${op.id} is being sent right now; try again in a moment.`,
    });
  }
  throw new ConflictError(`operation ${op.id} is ${current.status}`, {
    userText: said`Nothing to cancel: ${await describeState(store, current)}`,
  });
}

/** Moves `op` from one of `from` to cancelled with the cancellation recorded; undefined when it moved on first. */
async function moveToCancelled(
  store: Store,
  op: Operation,
  from: Array<Operation['status']>,
  cancellation: { userId: string; at: string; from: string },
  failures: ReturnType<typeof readResult>['failures'],
): Promise<Operation | undefined> {
  return await store.transaction(async (tx) => {
    // The record as it is now: what was written since it was read (the post journal) is kept.
    const result = readResult((await tx.operations.get(op.id)) ?? op);
    const moved = await tx.operations.transition(op.id, {
      from,
      to: 'cancelled',
      patch: {
        result: resultJson({
          ...result,
          final: undefined,
          failures: [...result.failures, ...failures],
          cancellation,
          published: false,
          summary: 'cancelled',
        }),
      },
    });
    if (moved)
      await tx.audit.append({
        actor: cancellation.userId,
        action: 'operation.cancelled',
        operationId: op.id,
        group: op.group,
        detail: { from: cancellation.from, failures },
      });
    return moved;
  });
}
