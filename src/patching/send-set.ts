/**
 * Exactly the approved instances. An approved install is not sent to the group's tag, which would
 * reach whatever carries the tag at send time: patchbot marks exactly the instances it will send to
 * with its own tag (`patchbot-operation` = the operation id) and targets that tag, one command per
 * scope and region, so MaxConcurrency and MaxErrors apply to the whole change there. The set is
 * recorded before the first call, so a restart re-sends (after looking the command up by its
 * Comment) to the same instances; tagging again is harmless. The mark is removed once the operation
 * ends.
 */
import type { Logger } from '../logger';
import type { Operation, Store } from './ports';
import { fanOut, gatewayFor, type PatchGateway } from './group-fleet';
import { readResult, resultJson, type SendSet } from './records';
import type { ChangePlan } from './plan-record';
import type { DriftReport } from './record-schemas';

/** The tag key patchbot marks a change's approved targets with; its value is the operation id. */
export const OPERATION_TAG_KEY = 'patchbot-operation';

/** The plan's targets less those whose agent went offline since approval, per scope and region. */
export function sendSetOf(plan: ChangePlan, drift: Pick<DriftReport, 'offline'>): SendSet {
  const offline = new Set(drift.offline.map((o) => `${o.scope}/${o.region}/${o.instanceId}`));
  const byScope = new Map<string, SendSet[number]>();
  for (const t of plan.targets) {
    if (offline.has(`${t.scope}/${t.region}/${t.instanceId}`)) continue;
    const k = `${t.scope}/${t.region}`;
    const entry = byScope.get(k) ?? { scope: t.scope, region: t.region, instanceIds: [] };
    entry.instanceIds.push(t.instanceId);
    byScope.set(k, entry);
  }
  return [...byScope.values()];
}

/** How many instances a send set holds. */
export function sendSetSize(set: SendSet): number {
  return set.reduce((n, s) => n + s.instanceIds.length, 0);
}

/**
 * Removes the operation's mark from its send set (once; recorded as result.tagsReleased). A failure
 * is logged and tried again at the next call: a mark left behind names a finished operation and
 * targets nothing patchbot will send again.
 */
export async function releaseTags(
  deps: { store: Store; gateways: readonly PatchGateway[]; logger: Logger },
  op: Operation,
): Promise<void> {
  const result = readResult(op);
  if (!result.sendSet || result.tagsReleased) return;
  const work = result.sendSet.flatMap((s) => {
    const gateway = gatewayFor(deps.gateways, s.scope, s.region);
    return gateway ? [{ scope: s.scope, region: s.region, gateway, ids: s.instanceIds }] : [];
  });
  const done = await fanOut(work, (w) => w.gateway.untagInstances(w.ids, OPERATION_TAG_KEY, op.id), {
    logger: deps.logger,
    what: `removing the ${OPERATION_TAG_KEY} tag of ${op.id}`,
  });
  if (done.failures.length > 0) return;
  await deps.store.transaction(async (tx) => {
    const current = (await tx.operations.get(op.id)) ?? op;
    await tx.operations.update(op.id, { result: resultJson({ ...readResult(current), tagsReleased: true }) });
  });
}
