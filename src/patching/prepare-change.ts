/** An approved change right before its send: the drift re-check and the send set, recorded before anything changes. */
import type { PatchGroup } from '../config/schema';
import { SYSTEM_ACTOR, type Operation } from './ports';
import type { PatchingDeps } from './deps';
import { checkDrift } from './drift';
import { readPlan, readResult, resultJson, type SendSet } from './records';
import { sendSetOf } from './send-set';
import type { DriftReport } from './record-schemas';

/** Fails the operation with a user-facing error and nothing sent (the runner's sending → failed). */
export type FailUnsent = (op: Operation, code: string, message: string) => Promise<Operation>;

/**
 * An approved change right before its send: the send set recorded earlier (a resumed send), or
 * the drift re-check and then the send set, written before any call that changes something.
 * Drift that makes the card untrue fails the operation with nothing sent.
 */
export async function prepareChange(
  deps: PatchingDeps,
  op: Operation,
  group: PatchGroup,
  fail: FailUnsent,
): Promise<{ sendSet: SendSet; op: Operation } | { failed: Operation }> {
  const recorded = readResult(op).sendSet;
  if (recorded) return { sendSet: recorded, op };
  const plan = readPlan(op);
  if (!plan)
    return { failed: await fail(op, 'INTERNAL', `Operation ${op.id} has no stored plan, so nothing was sent.`) };
  const drift = await checkDrift(deps, group, plan);
  const sendSet = sendSetOf(plan, drift);
  const problem = driftProblem(drift, sendSet);
  const updated = await deps.store.transaction(async (tx) => {
    const current = (await tx.operations.get(op.id)) ?? op;
    await tx.operations.update(op.id, {
      result: resultJson({ ...readResult(current), drift, ...(problem ? {} : { sendSet }) }),
    });
    await tx.audit.append({
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
    return (await tx.operations.get(op.id)) ?? current;
  });
  if (problem) return { failed: await fail(updated, 'DRIFT', problem) };
  return { sendSet, op: updated };
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
