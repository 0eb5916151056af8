/**
 * Retry failed: a new change for exactly the failed instances of an ended install or reboot, planned
 * under the group's approval rules like any other (a protected group gets a new approval card). The
 * ended operation records the retry's id in the same transaction that records the retry, so a second
 * click (or a click in another process) cannot plan it twice.
 */
import { findGroup, type PatchGroup } from '../config';
import { ConflictError, NotFoundError } from '../errors';
import { type CardClick, type CardRequestDeps, cardOperation, requireOperator } from './card-requests';
import { failedInstances } from './failure-detail';
import { isTerminal } from './lifecycle';
import type { StoreTx } from './ports';
import type { ChangePlan } from './plan-record';
import { readPlan, readResult, resultJson } from './records';
import type { InstanceLine } from './record-schemas';

/** Retry failed: the ended operation whose failed instances (`only`) the change is for; it is retried once. */
export interface RetryOf {
  operationId: string;
  only: readonly InstanceLine[];
}

/** What Retry failed asks the service for: the same kind of change, for exactly the failed instances. */
export type RetryRequest =
  | {
      kind: 'install';
      request: {
        group: PatchGroup;
        requestedBy: string;
        channel: string;
        rebootOption: 'RebootIfNeeded' | 'NoReboot';
        retry: RetryOf;
      };
    }
  | { kind: 'reboot'; request: { group: PatchGroup; requestedBy: string; channel: string; all: true; retry: RetryOf } };

/** Retry failed: checks the click (its own card, an operator, an ended change with failed instances, not retried yet). */
export async function retryRequest(deps: CardRequestDeps, click: CardClick): Promise<RetryRequest> {
  const op = await cardOperation(deps, click.operationId, click.origin);
  const group = op ? findGroup({ groups: [...deps.groups] }, op.group) : undefined;
  const plan = op ? readPlan(op) : undefined;
  if (!op || !group || !plan)
    throw new NotFoundError(`no change ${click.operationId}`, {
      userMessage: `There is no change ${click.operationId} to retry.`,
    });
  await requireOperator(deps, click.userId, group, 'plan a change there');
  const failed = failedInstances(op);
  if (!isTerminal(op.status) || failed.length === 0)
    throw new ConflictError(`${op.id} has no failed instances to retry`, {
      userMessage: `${op.id} has no failed instances to retry${isTerminal(op.status) ? '' : ' (it has not ended yet)'}; nothing was planned.`,
    });
  const retried = readResult(op).retriedAs;
  if (retried) throw alreadyRetried(op.id, retried);
  const retry: RetryOf = {
    operationId: op.id,
    only: failed.map((f) => ({ instanceId: f.instanceId, name: f.name, scope: f.scope, region: f.region })),
  };
  const request = { group, requestedBy: click.userId, channel: group.channel };
  return plan.kind === 'install'
    ? { kind: 'install', request: { ...request, rebootOption: plan.rebootOption, retry } }
    : { kind: 'reboot', request: { ...request, all: true, retry } };
}

/** The plan marked as the retry of an operation's failed instances (shown on its card). */
export function withRetry(plan: ChangePlan, retry: RetryOf | undefined): ChangePlan {
  return retry ? { ...plan, retryOf: retry.operationId } : plan;
}

/** Refuses, inside the recording transaction, a retry of an operation that was retried already. */
export async function refuseRetriedAgain(tx: StoreTx, operationId: string): Promise<void> {
  const op = await tx.operations.get(operationId);
  const retried = op ? readResult(op).retriedAs : undefined;
  if (retried) throw alreadyRetried(operationId, retried);
}

/** Records on the ended operation which change retries it. */
export async function markRetried(tx: StoreTx, operationId: string, retryId: string): Promise<void> {
  const op = await tx.operations.get(operationId);
  if (!op) return;
  await tx.operations.update(operationId, { result: resultJson({ ...readResult(op), retriedAs: retryId }) });
}

function alreadyRetried(operationId: string, retryId: string): ConflictError {
  return new ConflictError(`${operationId} was retried as ${retryId}`, {
    userMessage: `The failed instances of ${operationId} were already retried as ${retryId}; nothing new was planned.`,
  });
}
