/** The group as a plan sees it: its members with their patch states, why one cannot take a change, and the scan age. */
import type { PatchGroup } from '../config/schema';
import type { InstancePatchState, ManagedInstance } from './fleet-types';
import type { PatchingDeps } from './deps';
import { refreshMissing } from './missing';
import type { SnapshotPatch } from './ports';
import { fetchGroupCompliance, type ScopeCompliance } from './status';
import type { ChangePlan } from './plan-record';
import type { InstanceLine, ScopeFailure } from './record-schemas';

/** EC2 states of instances that are gone or going: left out of the plan altogether. */
const GONE_STATES = new Set(['terminated', 'shutting-down']);

/** One instance of the group with its patch state (if SSM has one). */
export interface Member {
  line: InstanceLine;
  instance: ManagedInstance;
  state: InstancePatchState | undefined;
}

/** The group's members (what its tag finds) with their states; patch states of other instances are dropped. */
export function members(scopes: readonly ScopeCompliance[]): Member[] {
  const out: Member[] = [];
  for (const sc of scopes) {
    const states = new Map(sc.states.map((s) => [s.instanceId, s]));
    for (const instance of sc.instances) {
      if (instance.ec2State && GONE_STATES.has(instance.ec2State)) continue;
      out.push({
        line: { instanceId: instance.instanceId, name: instance.name, scope: sc.scope, region: sc.region },
        instance,
        state: states.get(instance.instanceId),
      });
    }
  }
  return out;
}

/** Why an instance cannot take a change through SSM, or undefined when it can. */
export function unreachableReason(i: ManagedInstance): string | undefined {
  if (i.ec2State === 'stopped' || i.ec2State === 'stopping') return `stopped (${i.ec2State})`;
  if (i.ec2State !== undefined && i.ec2State !== 'running') return `not running (${i.ec2State})`;
  if (i.pingStatus === undefined) return 'not managed by SSM (no agent registered)';
  if (i.pingStatus !== 'Online') return `SSM agent unreachable (${i.pingStatus})`;
  return undefined;
}

/** Scan age of the targets: newest and oldest report, stale when any target was never scanned or the oldest is too old. */
export function scanAge(targets: readonly Member[], maxAgeMs: number, now: Date): ChangePlan['scan'] {
  let newest: number | undefined;
  let oldest: number | undefined;
  let never = false;
  for (const t of targets) {
    if (!t.state) {
      never = true;
      continue;
    }
    const at = t.state.operationEndTime.getTime();
    newest = newest === undefined ? at : Math.max(newest, at);
    oldest = oldest === undefined ? at : Math.min(oldest, at);
  }
  const stale = newest === undefined || never || (oldest !== undefined && now.getTime() - oldest > maxAgeMs);
  return {
    newest: newest === undefined ? undefined : new Date(newest),
    oldest: oldest === undefined ? undefined : new Date(oldest),
    maxAgeMs,
    stale,
  };
}

/** Reads the group, refreshes its compliance snapshot, and returns members with their current missing patches. */
export async function readGroup(deps: PatchingDeps, group: PatchGroup, withPatches: boolean) {
  const log = deps.logger.child({ subsystem: 'patching' });
  const fetched = await fetchGroupCompliance(group, deps.gateways, log);
  const failures: ScopeFailure[] = [...fetched.failures];
  const scopes = fetched.scopes.map((sc) => {
    const ids = new Set(sc.instances.map((i) => i.instanceId));
    return { ...sc, states: sc.states.filter((s) => ids.has(s.instanceId)) };
  });
  const patches = new Map<string, SnapshotPatch[]>();
  if (withPatches) {
    const snapshot = await deps.store.snapshots.forGroup(group.name);
    const refresh = await refreshMissing(deps.gateways, group, snapshot, scopes, log);
    failures.push(...refresh.failures);
    // The snapshot now reflects the latest scan: later "newly missing" compares with what was planned on.
    await deps.store.snapshots.upsert(refresh.changes.map((c) => c.entry));
    for (const e of snapshot) patches.set(`${e.scope}/${e.region}/${e.instanceId}`, e.missingPatches);
    for (const c of refresh.changes)
      patches.set(`${c.entry.scope}/${c.entry.region}/${c.entry.instanceId}`, c.entry.missingPatches);
  }
  return { members: members(scopes), failures, patches };
}
