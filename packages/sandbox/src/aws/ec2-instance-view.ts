/** How EC2 sees a simulated instance: the DescribeInstances filters it answers. */
import type { SimInstance } from './fleet/model';

/** Does an EC2 filter value use the * or ? wildcard? */
export function isGlob(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** EC2 filter values may use * and ? wildcards; compiled once per request, exact values compare as strings. */
export function globMatcher(pattern: string): (value: string) => boolean {
  if (!isGlob(pattern)) return (value) => value === pattern;
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return (value) => re.test(value);
}

/** Filter names the simulator answers (besides `tag:<key>`). */
export const KNOWN_FILTERS = new Set([
  'tag-key',
  'tag-value',
  'instance-id',
  'instance-state-name',
  'instance-state-code',
  'instance-type',
  'platform',
  'private-ip-address',
  'availability-zone',
  'image-id',
  'vpc-id',
  'subnet-id',
  'reservation-id',
]);

/** EC2's instanceState code for each state name. */
export const STATE_CODES: Readonly<Record<string, number>> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

/** The values an instance has for a filter name; undefined for a filter the simulator does not answer. */
export function filterValues(instance: SimInstance, name: string): string[] | undefined {
  if (name.startsWith('tag:')) {
    const value = instance.tags.get(name.slice(4));
    return value === undefined ? [] : [value];
  }
  switch (name) {
    case 'tag-key':
      return [...instance.tags.keys()];
    case 'tag-value':
      return [...instance.tags.values()];
    case 'instance-id':
      return [instance.id];
    case 'instance-state-name':
      return [instance.state];
    case 'instance-state-code':
      return [String(STATE_CODES[instance.state])];
    case 'instance-type':
      return [instance.instanceType];
    case 'platform':
      return instance.os === 'WINDOWS' ? ['windows'] : [];
    case 'private-ip-address':
      return [instance.privateIp];
    case 'availability-zone':
      return [instance.availabilityZone];
    case 'image-id':
      return [instance.imageId];
    case 'vpc-id':
      return [instance.vpcId];
    case 'subnet-id':
      return [instance.subnetId];
    case 'reservation-id':
      return [instance.reservationId];
    default:
      return undefined;
  }
}
