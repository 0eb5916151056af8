/**
 * Target resolution as Run Command and maintenance windows do it: `InstanceIds`, `tag:<key>` and
 * `tag-key`. Values inside one target are ORed; several targets are ANDed, as on AWS.
 */
import type { Partition } from '../partition';
import type { SimInstance, Target } from './model';

/** Does one target select this instance? */
export function targetMatches(target: Target, instance: SimInstance): boolean {
  if (target.Key === 'InstanceIds') return target.Values.includes(instance.id);
  if (target.Key === 'tag-key') return target.Values.some((key) => instance.tags.has(key));
  if (target.Key.startsWith('tag:')) {
    const value = instance.tags.get(target.Key.slice(4));
    return value !== undefined && target.Values.includes(value);
  }
  return false;
}

/** The managed nodes every target selects, in launch order (Run Command and windows reach only managed nodes). */
export function resolveTargets(partition: Partition, targets: Target[]): SimInstance[] {
  if (targets.length === 0) return [];
  const byId = targets.find((t) => t.Key === 'InstanceIds');
  // Fast path: id targets name their instances directly, no fleet scan needed.
  const candidates = byId
    ? byId.Values.map((id) => partition.instances.get(id)).filter((i): i is SimInstance => i !== undefined)
    : partition.instanceList;
  const seen = new Set<string>();
  const out: SimInstance[] = [];
  for (const instance of candidates) {
    if (seen.has(instance.id) || !instance.ssmManaged) continue;
    if (targets.every((t) => targetMatches(t, instance))) {
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
