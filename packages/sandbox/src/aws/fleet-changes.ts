/** Admin changes to a partition's fleet: an instance's power, agent, tags and failure knob; patch releases. */
import type { Partition } from './partition';
import { SimulatorError } from './errors';
import { buildReport, patchGroupOf } from './fleet/compliance';
import { isReachable } from './fleet/targets';
import { ONE_DAY_MS } from './fleet/catalog';
import type { CatalogPatch, PingStatus, SimInstance } from './fleet/model';
import type { InstanceChanges, PatchRelease } from './simulator-options';

/** Changes an instance's agent, power state or next-command outcome, at `now`. */
export function changeInstance(
  partition: Partition,
  instanceId: string,
  changes: InstanceChanges,
  now: number,
): SimInstance {
  const instance = partition.instances.get(instanceId);
  if (!instance)
    throw new SimulatorError('NotFound', `Instance ${instanceId} does not exist in ${partition.key}.`, 404);
  if (changes.state && changes.state !== instance.state) {
    partition.index.setState(instance, changes.state);
    instance.stateChangedAt = new Date(now);
  }
  const ping = changes.pingStatus ?? (changes.state === 'running' ? 'Online' : undefined);
  if (instance.state === 'stopped') setPing(partition, instance, 'ConnectionLost', now);
  else if (ping) setPing(partition, instance, ping, now);
  if (changes.failNext !== undefined) instance.failNext = changes.failNext;
  for (const [key, value] of Object.entries(changes.tags ?? {})) {
    if (value === '') partition.index.deleteTag(instance, key);
    else partition.index.setTag(instance, key, value);
  }
  return instance;
}

/** Releases a new patch, at `now`, to some instances (by id or patch group). */
export function releaseFleetPatch(
  partition: Partition,
  release: PatchRelease,
  now: number,
): { patchId: string; os: string; instanceIds: string[] } {
  let instances: SimInstance[];
  if (release.instanceIds && release.instanceIds.length > 0) {
    instances = release.instanceIds.map((id) => {
      const instance = partition.instances.get(id);
      if (!instance) throw new SimulatorError('NotFound', `Instance ${id} does not exist in ${partition.key}.`, 404);
      return instance;
    });
  } else if (release.group) {
    instances = partition.instanceList.filter((i) => patchGroupOf(i) === release.group);
    if (instances.length === 0)
      throw new SimulatorError('NotFound', `No instance is in patch group ${release.group} in ${partition.key}.`, 404);
  } else {
    throw new SimulatorError('BadRequest', 'Give instanceIds or group.', 400);
  }
  const os = instances[0]?.os;
  if (!os || instances.some((i) => i.os !== os))
    throw new SimulatorError(
      'BadRequest',
      'The instances run different operating systems; release one patch per OS.',
      400,
    );
  if (partition.catalog.find(release.title))
    throw new SimulatorError('Conflict', `Patch ${release.title} already exists.`, 409);
  const patch: CatalogPatch = {
    id: release.title,
    os,
    title: release.title,
    kbId: release.kbId ?? release.title,
    classification: release.classification,
    severity: release.severity,
    releaseDate: new Date(now - release.releasedDaysAgo * ONE_DAY_MS),
    ...(release.cveIds && release.cveIds.length > 0 ? { cveIds: release.cveIds.join(',') } : {}),
  };
  partition.catalog.add(patch);
  for (const instance of instances) {
    instance.patches.set(patch.id, { patch, state: 'MISSING' });
    // A scan only reaches running instances whose agent answers.
    if (release.rescan && isReachable(instance)) {
      partition.index.setReported(
        instance,
        buildReport(
          instance,
          partition.baselineFor(instance),
          'Scan',
          { start: now - 60_000, end: now },
          partition.ids.uuid(),
        ),
      );
    }
  }
  return { patchId: patch.id, os, instanceIds: instances.map((i) => i.id) };
}

function setPing(partition: Partition, instance: SimInstance, ping: PingStatus, now: number): void {
  if (instance.pingStatus === 'Online' && ping !== 'Online') instance.lastPingAt = new Date(now);
  partition.index.setPingStatus(instance, ping);
}
