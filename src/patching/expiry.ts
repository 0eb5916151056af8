/**
 * Approval requests that ran out of time: pending → expired with the summary the card shows, and
 * an audit entry, in one transaction. A click on a due request expires it there and then; the
 * tracker's pass sweeps the rest and leaves their cards to card sync.
 */
import type { Logger } from '../logger';
import { SYSTEM_ACTOR, type Operation } from './ports';
import type { PatchingDeps } from './deps';
import { readResult, resultJson } from './records';

/** What expiring reads and writes. */
export type ExpiryDeps = Pick<PatchingDeps, 'store' | 'clock'>;

/** What an expired request's result says. */
const EXPIRED_SUMMARY = 'expired without enough approvals';

/**
 * Moves a pending operation whose expiresAt has passed to expired (even if the tracker's
 * expireDue has not run yet) and returns it; undefined when it is not due (or someone else moved it).
 */
export async function expireIfDue(deps: ExpiryDeps, op: Operation): Promise<Operation | undefined> {
  if (op.status !== 'pending' || !op.expiresAt || op.expiresAt.getTime() > deps.clock.now().getTime()) return undefined;
  const { store } = deps;
  return await store.transaction(async (tx) => {
    const current = (await tx.operations.get(op.id)) ?? op;
    const moved = await tx.operations.transition(op.id, {
      from: 'pending',
      to: 'expired',
      patch: { result: resultJson({ ...readResult(current), published: false, summary: EXPIRED_SUMMARY }) },
    });
    if (moved)
      await tx.audit.append({
        actor: SYSTEM_ACTOR,
        action: 'operation.expired',
        operationId: op.id,
        group: op.group,
        detail: { expiresAt: op.expiresAt?.toISOString() },
      });
    return moved;
  });
}

/**
 * Expires every pending request whose time has passed, audits it and returns them: one transaction,
 * so nobody reads an expired request without the summary its card shows.
 */
export async function expireDueRequests(deps: ExpiryDeps & { log: Logger }): Promise<Operation[]> {
  const { store, clock, log } = deps;
  const expired = await store.transaction(async (tx) => {
    const due = await tx.operations.expireDue(clock.now());
    for (const op of due) {
      await tx.operations.update(op.id, {
        result: resultJson({ ...readResult(op), published: false, summary: EXPIRED_SUMMARY }),
      });
      await tx.audit.append({
        actor: SYSTEM_ACTOR,
        action: 'operation.expired',
        operationId: op.id,
        group: op.group,
        detail: { expiresAt: op.expiresAt?.toISOString() },
      });
    }
    return due;
  });
  for (const op of expired) log.info({ operationId: op.id, group: op.group }, 'approval request expired');
  return expired;
}
