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
export function failUnsent(
  deps: { store: Store; log: Logger },
  op: Operation,
  code: string,
  message: string,
  failures: ScopeFailure[],
): Operation {
  const { store, log } = deps;
  const result: OperationResult = { ...readResult(op), failures, published: false, summary: `Not sent: ${message}` };
  const failed = store.transaction(() => {
    const moved = store.operations.transition(op.id, {
      from: 'sending',
      to: 'failed',
      patch: { error: { code, message }, result: resultJson(result) },
    });
    if (moved) {
      store.audit.append({
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
  return failed ?? store.operations.get(op.id) ?? op;
}
