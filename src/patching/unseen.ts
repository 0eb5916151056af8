/**
 * An operation whose card Slack refused to post (the bot not in the channel, an archived or unknown
 * channel). A change still waiting for approval, or approved and not yet sent, is cancelled: nobody
 * can approve or watch a card that does not exist, so it must not go on unseen. One already sent
 * keeps running (stopping it half-way is worse); the Slack layer tells the requester either way.
 */
import type { Clock } from '../clock';
import { SYSTEM_ACTOR, type Operation, type Store } from '../store';
import { readResult, resultJson } from './records';

/** What became of an operation whose card could not be posted. */
export type UnseenOutcome = { outcome: 'cancelled'; op: Operation } | { outcome: 'running'; op: Operation };

/**
 * Cancels `op` when it is pending or approved (a compare-and-set, audited as `operation.cancelled`
 * by patchbot with the reason); otherwise leaves it as it is. The cancelled record counts as
 * published: there is no card to show it on, and the requester has been told instead.
 */
export function cancelUnseen(deps: { store: Store; clock: Clock }, op: Operation, reason: string): UnseenOutcome {
  const { store, clock } = deps;
  const current = store.operations.get(op.id) ?? op;
  if (current.status !== 'pending' && current.status !== 'approved') return { outcome: 'running', op: current };
  const moved = store.transaction(() => {
    const result = readResult(current);
    const cancellation = { userId: SYSTEM_ACTOR, at: clock.now().toISOString(), from: current.status };
    const done = store.operations.transition(current.id, {
      from: [current.status],
      to: 'cancelled',
      patch: { result: resultJson({ ...result, cancellation, published: true, summary: `cancelled: ${reason}` }) },
    });
    if (done) store.audit.append({ actor: SYSTEM_ACTOR, action: 'operation.cancelled', operationId: current.id, group: current.group, detail: { from: current.status, reason } });
    return done;
  });
  return moved ? { outcome: 'cancelled', op: moved } : { outcome: 'running', op: store.operations.get(op.id) ?? current };
}
