/**
 * An operation that ends before any command went out (its group gone, drift, every scope refused,
 * an interrupted reboot): sending → failed with a user-facing error, audited, in one transaction.
 * The tracker publishes it (result.published is false).
 */
import type { Logger } from '../logger';
import { SYSTEM_ACTOR, type Operation, type Store } from './ports';
import { readResult, resultJson, type OperationResult } from './records';
import type { ScopeFailure } from './record-schemas';

/** sending → failed with `code` and `message`; returns the operation as it now is. */
export async function failUnsent(
  deps: { store: Store; log: Logger },
  op: Operation,
  code: string,
  message: string,
  failures: ScopeFailure[],
): Promise<Operation> {
  const { store, log } = deps;
  const result: OperationResult = { ...readResult(op), failures, published: false, summary: `Not sent: ${message}` };
  const failed = await store.transaction(async (tx) => {
    const moved = await tx.operations.transition(op.id, {
      from: 'sending',
      to: 'failed',
      patch: { error: { code, message }, result: resultJson(result) },
    });
    if (moved) {
      await tx.audit.append({
        actor: SYSTEM_ACTOR,
        action: 'operation.finished',
        operationId: op.id,
        group: op.group,
        detail: { status: 'failed', code, message },
      });
    }
    return moved;
  });
  log.warn({ operationId: op.id, code, message }, 'operation failed before any command was sent');
  return failed ?? (await store.operations.get(op.id)) ?? op;
}
