/** How EC2 shows a simulated instance: the DescribeInstances filters it answers and its XML item. */
import type { SimInstance } from './fleet/model';
import { XmlList, type XmlValue } from './protocol/xml';

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

const STATE_CODES: Record<string, number> = {
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

/** One instance as an item of DescribeInstances' instancesSet. */
export function instanceXml(instance: SimInstance): XmlValue {
  const stopped = instance.state === 'stopped';
  // Only a stopped instance shows when it stopped; formatting it for every running one costs a page of 1,000.
  const stamp = stopped ? instance.stateChangedAt.toISOString().replace('T', ' ').slice(0, 19) : '';
  return {
    instanceId: instance.id,
    imageId: instance.imageId,
    instanceState: { code: STATE_CODES[instance.state], name: instance.state },
    privateDnsName:
      instance.os === 'WINDOWS' ? `ip-${instance.privateIp.replace(/\./g, '-')}.ec2.internal` : instance.computerName,
    dnsName: '',
    reason: stopped ? `User initiated (${stamp} GMT)` : '',
    amiLaunchIndex: 0,
    productCodes: new XmlList([], 'item'),
    instanceType: instance.instanceType,
    launchTime: instance.launchTime,
    placement: { availabilityZone: instance.availabilityZone, groupName: '', tenancy: 'default' },
    ...(instance.os === 'WINDOWS' ? { platform: 'windows' } : {}),
    monitoring: { state: 'disabled' },
    subnetId: instance.subnetId,
    vpcId: instance.vpcId,
    privateIpAddress: instance.privateIp,
    ...(stopped
      ? {
          stateReason: {
            code: 'Client.UserInitiatedShutdown',
            message: 'Client.UserInitiatedShutdown: User initiated shutdown',
          },
        }
      : {}),
    architecture: 'x86_64',
    rootDeviceType: 'ebs',
    rootDeviceName: instance.os === 'WINDOWS' ? '/dev/sda1' : '/dev/xvda',
    virtualizationType: 'hvm',
    tagSet: new XmlList(
      [...instance.tags].map(([key, value]) => ({ key, value })),
      'item',
    ),
    hypervisor: 'xen',
    ebsOptimized: true,
    platformDetails: instance.os === 'WINDOWS' ? 'Windows' : 'Linux/UNIX',
    usageOperation: instance.os === 'WINDOWS' ? 'RunInstances:0002' : 'RunInstances',
  };
}
