/**
 * An operation whose card Slack refused to post (the bot not in the channel, an archived or unknown
 * channel). A change still waiting for approval, or approved and not yet sent, is cancelled: nobody
 * can approve or watch a card that does not exist, so it must not go on unseen. One already sent
 * keeps running (stopping it half-way is worse); the Slack layer tells the requester either way.
 */
import type { Clock } from '../clock';
import { SYSTEM_ACTOR, type Operation, type Store } from './ports';
import { isTerminal } from './lifecycle';
import { readResult, resultJson } from './records';

/** What became of an operation whose card could not be posted: cancelled now, still running (sent already), or ended before. */
export type UnseenOutcome = { outcome: 'cancelled' | 'running' | 'ended'; op: Operation };

/** 'ended' for a finished operation, else 'running'. */
function left(op: Operation): UnseenOutcome {
  return { outcome: isTerminal(op.status) ? 'ended' : 'running', op };
}

/**
 * Cancels `op` when it is pending or approved (a compare-and-set, audited as `operation.cancelled`
 * by patchbot with the reason); otherwise leaves it as it is. The cancelled record counts as
 * published: there is no card to show it on, and the requester has been told instead.
 */
export async function cancelUnseen(
  deps: { store: Store; clock: Clock },
  op: Operation,
  reason: string,
): Promise<UnseenOutcome> {
  const { store, clock } = deps;
  // Read and moved in one transaction, so nothing written to the record in between (the post journal) is lost.
  const outcome = await store.transaction(async (tx): Promise<UnseenOutcome | Operation> => {
    const current = (await tx.operations.get(op.id)) ?? op;
    if (current.status !== 'pending' && current.status !== 'approved') return left(current);
    const result = readResult(current);
    const cancellation = { userId: SYSTEM_ACTOR, at: clock.now().toISOString(), from: current.status };
    const done = await tx.operations.transition(current.id, {
      from: [current.status],
      to: 'cancelled',
      patch: { result: resultJson({ ...result, cancellation, published: true, summary: `cancelled: ${reason}` }) },
    });
    if (done)
      await tx.audit.append({
        actor: SYSTEM_ACTOR,
        action: 'operation.cancelled',
        operationId: current.id,
        group: current.group,
        detail: { from: current.status, reason },
      });
    return done ?? left((await tx.operations.get(op.id)) ?? current);
  });
  return 'outcome' in outcome ? outcome : { outcome: 'cancelled', op: outcome };
}
