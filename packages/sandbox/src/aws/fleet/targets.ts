/**
 * Target resolution as Run Command and maintenance windows do it: `InstanceIds`, `tag:<key>` and
 * `tag-key`. Values inside one target are ORed; several targets are ANDed, as on AWS.
 */
import type { Partition } from '../partition';
import type { SimInstance, Target } from './model';

/** One target compiled once per resolution: id lists become a Set, so a long InstanceIds list is not searched per instance. */
function matcher(target: Target): (instance: SimInstance) => boolean {
  if (target.Key === 'InstanceIds') {
    const ids = new Set(target.Values);
    return (instance) => ids.has(instance.id);
  }
  if (target.Key === 'tag-key') return (instance) => target.Values.some((key) => instance.tags.has(key));
  if (target.Key.startsWith('tag:')) {
    const key = target.Key.slice(4);
    return (instance) => {
      const value = instance.tags.get(key);
      return value !== undefined && target.Values.includes(value);
    };
  }
  return () => false;
}

/** Does one target select this instance? */
export function targetMatches(target: Target, instance: SimInstance): boolean {
  return matcher(target)(instance);
}

/**
 * The managed nodes every target selects, in launch order (Run Command and windows reach only managed nodes).
 * Id targets name their instances and tag targets have the partition's tag index, so neither scans the fleet.
 */
export function resolveTargets(partition: Partition, targets: Target[]): SimInstance[] {
  if (targets.length === 0) return [];
  const byId = targets.find((t) => t.Key === 'InstanceIds');
  const byTag = targets.find((t) => t.Key.startsWith('tag:'));
  const candidates: Iterable<SimInstance> = byId
    ? byId.Values.map((id) => partition.instances.get(id)).filter((i): i is SimInstance => i !== undefined)
    : byTag
      ? byTag.Values.flatMap((value) => partition.index.tagged(byTag.Key.slice(4), value))
      : partition.instanceList;
  const matchers = targets.map(matcher);
  const seen = new Set<string>();
  const out: SimInstance[] = [];
  for (const instance of candidates) {
    if (seen.has(instance.id) || !instance.ssmManaged) continue;
    if (matchers.every((matches) => matches(instance))) {
      seen.add(instance.id);
      out.push(instance);
    }
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/** Is the instance's agent reachable (a managed node, running and pinging)? */
export function isReachable(instance: SimInstance): boolean {
  return instance.ssmManaged && instance.state === 'running' && instance.pingStatus === 'Online';
}
