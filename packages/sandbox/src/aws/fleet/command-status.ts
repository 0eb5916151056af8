/** Run Command status as callers read it: MaxErrors limits, per-invocation and per-command status. */
import type { CommandStatus, InvocationStatus, SimCommand, SimInvocation } from './model';

/** `"10"` or `"25%"` of `total`, at least 1 when there is anything to do. */
export function resolveLimit(limit: string, total: number): number {
  if (limit.endsWith('%')) return Math.max(total > 0 ? 1 : 0, Math.floor((Number(limit.slice(0, -1)) * total) / 100));
  return Number(limit);
}

/** Whether an invocation's end counts against the command's MaxErrors. */
export function countsAgainstMax(status: InvocationStatus, details: string): boolean {
  return (status === 'Failed' && details !== 'Undeliverable') || details === 'ExecutionTimedOut';
}

/** An invocation's status and details at `now` (settled ones keep their final state). */
export function invocationStatus(
  invocation: SimInvocation,
  now: number,
): { status: InvocationStatus; details: string } {
  if (invocation.final) return { status: invocation.final.status, details: invocation.final.details };
  if (invocation.delivered || invocation.runAt <= now) return { status: 'InProgress', details: 'InProgress' };
  return { status: 'Pending', details: 'Pending' };
}

/** The command's aggregate status and counts at `now`. */
export function commandSummary(
  command: SimCommand,
  now: number,
): {
  status: CommandStatus;
  details: string;
  targetCount: number;
  completedCount: number;
  errorCount: number;
  deliveryTimedOutCount: number;
} {
  let completed = 0;
  let success = 0;
  let errors = 0;
  let errorsAgainstMax = 0;
  let deliveryTimedOut = 0;
  let cancelled = 0;
  let firstProblem: { status: InvocationStatus; details: string } | undefined;
  let started = false;
  for (const invocation of command.invocations) {
    if (invocation.runAt <= now) started = true;
    const final = invocation.final;
    if (!final) continue;
    completed++;
    if (final.status === 'Success') {
      success++;
      continue;
    }
    firstProblem ??= { status: final.status, details: final.details };
    if (final.status === 'Cancelled') cancelled++;
    if (final.status === 'Failed') errors++;
    if (final.details === 'ExecutionTimedOut') errors++;
    if (final.details === 'DeliveryTimedOut') deliveryTimedOut++;
    if (countsAgainstMax(final.status, final.details)) errorsAgainstMax++;
  }
  const counts = {
    targetCount: command.invocations.length,
    completedCount: completed,
    errorCount: errors,
    deliveryTimedOutCount: deliveryTimedOut,
  };
  if (command.open > 0) {
    return started
      ? { status: 'InProgress', details: 'InProgress', ...counts }
      : { status: 'Pending', details: 'Pending', ...counts };
  }
  if (command.cancelledAt !== undefined && cancelled > 0)
    return { status: 'Cancelled', details: 'Cancelled', ...counts };
  if (success === counts.targetCount) return { status: 'Success', details: 'Success', ...counts };
  if (errorsAgainstMax > resolveLimit(command.maxErrors, counts.targetCount))
    return { status: 'Failed', details: 'Failed', ...counts };
  if (success === 0 && firstProblem) {
    return firstProblem.details === 'DeliveryTimedOut' || firstProblem.details === 'ExecutionTimedOut'
      ? { status: 'TimedOut', details: firstProblem.details, ...counts }
      : {
          status: firstProblem.status === 'Cancelled' ? 'Cancelled' : 'Failed',
          details: firstProblem.details,
          ...counts,
        };
  }
  // Some invocations did not succeed, but not enough failed to fail the command.
  return { status: 'Success', details: 'Incomplete', ...counts };
}
