/** Resuming an interrupted send: which scopes already got the command (by the operation id in its Comment), which are still to be sent to. */
import type { PatchGroup } from '../config/schema';
import type { Logger } from '../logger';
import { SYSTEM_ACTOR, type Operation, type OperationCommand } from './ports';
import type { PatchingDeps } from './deps';
import { fanOut, gatewaysForGroup, type PatchGateway } from './group-fleet';
import { FIND_LOOKBACK_MS, MAX_SEND_ATTEMPTS, attemptsAt } from './send-attempts';
import type { ScopeFailure } from './record-schemas';

/** After this many failed attempts to ask a scope whether it got the command, the scope is given up unsent. */
export const RESUME_CHECK_ATTEMPTS = 3;

/** What an interrupted send already established: commands found, scopes given up, and their error code. */
export interface Prior {
  commands: OperationCommand[];
  failures: ScopeFailure[];
  code: string | undefined;
}

/** A send with nothing established before it. */
export const NOTHING_YET: Prior = { commands: [], failures: [], code: undefined };

/**
 * Asks each scope of the group for a command carrying the operation id: what was found (audited) and
 * the gateways still to send to, or undefined when a scope could not be asked and will be asked again
 * (`checkFailures` counts those asks per operation; after RESUME_CHECK_ATTEMPTS the scope is given up).
 */
export async function lookUpSends(
  deps: Pick<PatchingDeps, 'gateways' | 'store'>,
  log: Logger,
  current: Operation,
  group: PatchGroup,
  checkFailures: Map<string, number>,
): Promise<{ prior: Prior; unsent: PatchGateway[] } | undefined> {
  const since = new Date(current.createdAt.getTime() - FIND_LOOKBACK_MS);
  const found = await fanOut(gatewaysForGroup(group, deps.gateways), (gw) => gw.findPatchCommands(current.id, since), {
    logger: log,
    what: `finding the commands of ${current.id}`,
  });
  const attempts = (checkFailures.get(current.id) ?? 0) + (found.failures.length > 0 ? 1 : 0);
  if (found.failures.length > 0 && attempts < RESUME_CHECK_ATTEMPTS) {
    checkFailures.set(current.id, attempts);
    log.warn(
      { operationId: current.id, failures: found.failures, attempts },
      'cannot tell yet whether the command was sent; will ask again',
    );
    return undefined;
  }
  checkFailures.delete(current.id);
  const commands: OperationCommand[] = found.results.flatMap((r) =>
    r.value.map((c) => ({ scope: r.gateway.scope, region: r.gateway.region, commandId: c.commandId })),
  );
  if (found.results.some((r) => r.value.length > 1))
    log.warn({ operationId: current.id, commands }, 'more than one command carries this operation id');
  const missing = found.results.filter((r) => r.value.length === 0).map((r) => r.gateway);
  // A scope whose every answer was lost, and where the look finds nothing each time, is given up after MAX_SEND_ATTEMPTS.
  const unsent = missing.filter((gw) => attemptsAt(current, gw) < MAX_SEND_ATTEMPTS);
  const givenUp = missing
    .filter((gw) => attemptsAt(current, gw) >= MAX_SEND_ATTEMPTS)
    .map((gw) => ({
      scope: gw.scope,
      region: gw.region,
      message: `AWS did not answer ssm:SendCommand ${MAX_SEND_ATTEMPTS} times; patchbot looked after each and found no command, so nothing ran there. Try again later.`,
    }));
  const unchecked = [
    ...found.failures.map((f) => ({
      ...f,
      message: `Could not check whether the command was sent, so it was not sent again: ${f.message}`,
    })),
    ...givenUp,
  ];
  await deps.store.audit.append({
    actor: SYSTEM_ACTOR,
    action: 'operation.resumed',
    operationId: current.id,
    group: current.group,
    detail: { found: commands, sendingTo: unsent.map((g) => `${g.scope}/${g.region}`), unchecked },
  });
  log.info({ operationId: current.id, found: commands.length, unsent: unsent.length }, 'resuming an interrupted send');
  return { prior: { commands, failures: unchecked, code: found.errors[0]?.code }, unsent };
}
