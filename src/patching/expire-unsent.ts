/**
 * approved → expired for a change that was never sent: its window or time passed (missed.ts), or a
 * change calendar froze it and the requester chose not to wait (freeze-gate.ts). One
 * compare-and-set with its audit entry, so a cancel or a send that came first wins and nothing is
 * recorded twice.
 */
import type { PatchingDeps } from './deps';
import { SYSTEM_ACTOR, type Operation } from './ports';
import { readResult, resultJson } from './records';
import type { Missed } from './schedule';

/** Why an approved change ends unsent: the missed record, the result's summary, anything more for the result, and the audit entry's detail. */
export interface Unsent {
  missed: Missed;
  summary: string;
  result?: Record<string, unknown>;
  audit: Record<string, unknown>;
}

/** Expires `op` unsent; `moved` is false when it was no longer approved (then the operation as it now is). */
export async function expireUnsent(
  deps: Pick<PatchingDeps, 'store'>,
  op: Operation,
  why: Unsent,
): Promise<{ op: Operation; moved: boolean }> {
  const moved = await deps.store.transaction(async (tx) => {
    const current = (await tx.operations.get(op.id)) ?? op;
    const done = await tx.operations.transition(op.id, {
      from: 'approved',
      to: 'expired',
      patch: {
        result: resultJson({
          ...readResult(current),
          ...why.result,
          missed: why.missed,
          published: false,
          summary: why.summary,
        }),
      },
    });
    if (done)
      await tx.audit.append({
        actor: SYSTEM_ACTOR,
        action: 'operation.expired',
        operationId: op.id,
        group: op.group,
        detail: why.audit,
      });
    return done;
  });
  if (moved) return { op: moved, moved: true };
  return { op: (await deps.store.operations.get(op.id)) ?? op, moved: false };
}
