/** History lines and verdicts of stored operations, for `/patch history` and the views that show the same outcome. */
import type { Operation } from './ports';
import { readResult } from './records';
import type { OperationKind, OperationStatus } from './lifecycle';
import { verdictOf, type Verdict } from './verdict';

/** One line of `/patch history`. */
export interface HistoryEntry {
  operationId: string;
  kind: OperationKind;
  group: string;
  status: OperationStatus;
  requestedBy: string;
  /** Who rejected or cancelled it (a user id), for a rejected or cancelled operation. */
  closedBy?: string | undefined;
  createdAt: Date;
  finishedAt: Date | undefined;
  summary: string | undefined;
  /** The outcome by the same rule the card uses. */
  verdict: Verdict;
}

/**
 * A history line from an operation record. Who rejected or cancelled it is `closedBy` (an id for the
 * view to name), not part of the summary; summaries stored before that ("rejected by U…: reason")
 * lose their id prefix.
 */
export function toHistoryEntry(op: Operation): HistoryEntry {
  const result = readResult(op);
  const closedBy =
    op.status === 'rejected'
      ? result.rejection?.userId
      : op.status === 'cancelled'
        ? result.cancellation?.userId
        : undefined;
  const stored = result.summary
    ?.replace(/^(rejected|cancelled) by [UW][A-Z0-9]+:? ?/, '$1: ')
    .replace(/^(rejected|cancelled): $/, '$1');
  // "rejected by @bob" is said by the line; the summary keeps only what it adds (the reason).
  const summary = closedBy && (stored === 'rejected' || stored === 'cancelled') ? undefined : stored;
  return {
    operationId: op.id,
    kind: op.kind,
    group: op.group,
    status: op.status,
    requestedBy: op.requestedBy,
    ...(closedBy ? { closedBy } : {}),
    createdAt: op.createdAt,
    finishedAt: op.finishedAt ?? undefined,
    summary: summary ?? op.error?.message,
    verdict: operationVerdict(op),
  };
}

/** The verdict of a stored operation (verdict.ts's rule): sent when it has commands or rebooted something. */
export function operationVerdict(op: Operation): Verdict {
  const result = readResult(op);
  // A reboot whose RebootInstances was started may have happened, answered or not.
  const sent = op.commands.length > 0 || result.sentAt !== undefined || result.reboot?.requestedAt !== undefined;
  return verdictOf(op.status, {
    sent,
    problems: result.problems ?? false,
    missed: result.missed !== undefined,
    frozen: result.missed?.reason === 'frozen',
  });
}
