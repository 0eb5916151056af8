/**
 * The one rule for what an operation came to, used by the card, its thread, history and the digest,
 * so no two answers about the same operation disagree:
 * - failed: a reachable instance failed or timed out, a scope could not be sent to or read, or no
 *   instance succeeded (report.ts `finalStatus`);
 * - finished with problems (`problems`): it succeeded, but some approved instance was not patched
 *   (its agent could not be reached, it went offline before the send, SSM never ran it);
 * - not sent (`notSent`): it failed before any command went out (a drift refusal, every scope refused);
 * - succeeded: everything it was sent to succeeded;
 * - missed (`missed`): approved, but its window or time passed (or its window was disabled or
 *   deleted) before it could be sent: nothing was sent;
 * - frozen (`frozen`): approved, but a Change Calendar was closed (or unreadable) when it was due and
 *   its requester chose not to wait: nothing was sent.
 */
import type { OperationStatus } from './lifecycle';
import type { OperationReport } from './report-record';

/** What an operation came to, by one rule (this file) for the card, thread, history and digest. */
export type Verdict =
  | 'pending'
  | 'running'
  | 'succeeded'
  | 'problems'
  | 'failed'
  | 'notSent'
  | 'cancelled'
  | 'rejected'
  | 'expired'
  | 'missed'
  | 'frozen';

/** Whether a report shows trouble: failed, unreachable, offline or never-reached instances, or a scope that failed. */
export function hasProblems(
  r: Pick<OperationReport, 'failed' | 'unreachable' | 'failures' | 'drift' | 'notReached'>,
): boolean {
  return (
    r.failed > 0 ||
    r.unreachable.length > 0 ||
    r.failures.length > 0 ||
    (r.drift?.offline.length ?? 0) > 0 ||
    (r.notReached?.length ?? 0) > 0
  );
}

/** The verdict of an operation from its status, whether commands went out, and the problems flag kept with its result. */
export function verdictOf(
  status: OperationStatus,
  facts: { sent: boolean; problems: boolean; missed?: boolean; frozen?: boolean },
): Verdict {
  switch (status) {
    case 'expired':
      return facts.frozen ? 'frozen' : facts.missed ? 'missed' : 'expired';
    case 'succeeded':
      return facts.problems ? 'problems' : 'succeeded';
    case 'failed':
      return facts.sent ? 'failed' : 'notSent';
    case 'approved':
    case 'sending':
    case 'running':
      return 'running';
    default:
      return status;
  }
}

/** The verdict as words after "Install of PRD …", the same everywhere. */
export const VERDICT_WORDS: Record<Verdict, string> = {
  pending: 'is waiting for approval',
  running: 'is running',
  succeeded: 'succeeded',
  problems: 'finished with problems',
  failed: 'failed',
  notSent: 'was not sent',
  cancelled: 'was cancelled',
  rejected: 'was rejected',
  expired: 'expired without approval',
  missed: 'missed its window',
  frozen: 'was not sent: frozen by a change calendar',
};
