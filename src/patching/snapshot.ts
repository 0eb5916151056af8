/**
 * The compliance snapshot a group needs before its first operation: without one, everything an
 * instance misses after the scan would look "newly missing".
 */
import type { PatchGroup } from '../config/schema';
import type { Logger } from '../logger';
import type { Store } from './ports';
import type { PatchGateway } from './group-fleet';
import { refreshMissing } from './missing';
import { fetchGroupCompliance } from './status';

/**
 * Records the group's snapshot from SSM's current data if the store has none. It costs one
 * DescribeInstancePatches per non-compliant instance, once per group (the compliance poller usually
 * took it already). The group is what its tag finds, as in status. A scope that cannot be read is
 * logged and skipped: its "newly missing" will overstate until a snapshot exists there.
 */
export async function ensureSnapshot(
  store: Store,
  gateways: readonly PatchGateway[],
  group: PatchGroup,
  logger: Logger,
): Promise<void> {
  if ((await store.snapshots.count(group.name)) > 0) return;
  const fetched = await fetchGroupCompliance(group, gateways, logger);
  const scopes = fetched.scopes.map((sc) => {
    const members = new Set(sc.instances.map((i) => i.instanceId));
    return { ...sc, states: sc.states.filter((s) => members.has(s.instanceId)) };
  });
  const refresh = await refreshMissing(gateways, group, [], scopes, logger);
  for (const sc of scopes) {
    if (refresh.failures.some((f) => f.scope === sc.scope && f.region === sc.region)) continue;
    const entries = refresh.changes.map((c) => c.entry).filter((e) => e.scope === sc.scope && e.region === sc.region);
    await store.snapshots.replaceScope(group.name, sc.scope, sc.region, entries);
  }
  const failures = [...fetched.failures, ...refresh.failures];
  if (failures.length > 0)
    logger.warn(
      { group: group.name, failures },
      'compliance snapshot incomplete; newly missing may overstate in those scopes',
    );
  else
    logger.info(
      { group: group.name, instances: refresh.changes.length, fetched: refresh.fetched },
      'compliance snapshot recorded',
    );
}
