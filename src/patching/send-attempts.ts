/**
 * Write-ahead records of sends whose answer may be lost. Before each SendCommand the runner records
 * when it started, per scope and region (`result.attempts`). If the answer never comes (the
 * connection dropped, a timeout, a crash with the request on the wire), the command may still have
 * run, or may still land: nobody looks it up by its Comment before the longest time such a request
 * can take (the gateway's answer timeout, plus a margin) has passed since it started, and nothing
 * is sent again unless that look finds no command.
 */
import type { Clock } from '../clock';
import type { Operation, Store } from './ports';
import type { ScopeRef } from './group-fleet';
import { readResult, resultJson, type SendAttempt } from './records';

/** How far before an operation's creation a restart looks for its commands (clock skew, slow writes). */
export const FIND_LOOKBACK_MS = 5 * 60_000;
/** Added to the answer timeout: a request given up on by its sender can still be read by AWS a moment later. */
export const IN_FLIGHT_MARGIN_MS = 5_000;
/** The answer timeout assumed for a scope that is no longer configured (the gateway's default). */
export const FALLBACK_SEND_TIMEOUT_MS = 30_000;
/** Sends of one scope whose answers were all lost before that scope is given up (a lookup comes before each). */
export const MAX_SEND_ATTEMPTS = 3;

const key = (s: ScopeRef) => `${s.scope}/${s.region}`;

/** Records, before the call, that a send to `where` starts now (read and write in one transaction: nothing comes in between). */
export async function recordAttempt(store: Store, opId: string, where: ScopeRef, clock: Clock): Promise<void> {
  await store.transaction(async (tx) => {
    const current = await tx.operations.get(opId);
    if (!current) return;
    const result = readResult(current);
    const others = (result.attempts ?? []).filter((a) => key(a) !== key(where));
    const before = (result.attempts ?? []).find((a) => key(a) === key(where));
    const attempt: SendAttempt = {
      scope: where.scope,
      region: where.region,
      at: clock.now().toISOString(),
      count: (before?.count ?? 0) + 1,
    };
    await tx.operations.update(opId, { result: resultJson({ ...result, attempts: [...others, attempt] }) });
  });
}

/** How many sends to `where` were started. */
export function attemptsAt(op: Pick<Operation, 'result'>, where: ScopeRef): number {
  return (readResult(op).attempts ?? []).find((a) => key(a) === key(where))?.count ?? 0;
}

/**
 * Until when a send of `op` that has no recorded command may still land (epoch ms), or undefined
 * when none can: the latest attempt without a command, plus its gateway's answer timeout and a margin.
 */
export function inFlightUntil(
  op: Pick<Operation, 'result' | 'commands'>,
  timeoutFor: (where: ScopeRef) => number,
): number | undefined {
  const answered = new Set(op.commands.map(key));
  let until: number | undefined;
  for (const a of readResult(op).attempts ?? []) {
    if (answered.has(key(a))) continue;
    const end = new Date(a.at).getTime() + timeoutFor(a) + IN_FLIGHT_MARGIN_MS;
    until = until === undefined ? end : Math.max(until, end);
  }
  return until;
}
