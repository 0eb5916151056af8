/**
 * EC2 instances no SSM agent registered: EC2 lists them with their tags and state, but SSM does not
 * know them as managed nodes (no agent, or no instance profile letting it register), so
 * DescribeInstanceInformation leaves them out, Run Command and maintenance windows never reach them
 * and they report no patch compliance. What Security Hub control SSM.1 flags.
 */
import type { Partition } from '../partition';
import type { InstanceStateName, OperatingSystem, PingStatus, SimInstance } from './model';

/** One instance to launch without an SSM registration. */
export interface UnmanagedLaunch {
  /** Its Name tag. */
  name: string;
  /** Other EC2 tags, e.g. `{"Patch Group": "PRD"}`. */
  tags?: Record<string, string>;
  /** Default running. */
  state?: InstanceStateName;
  /** Default AMAZON_LINUX_2. */
  os?: Extract<OperatingSystem, 'AMAZON_LINUX_2' | 'WINDOWS'>;
  /** An agent that registered with this ping status but never reported a patch state (default: no agent). */
  agent?: PingStatus;
}

/** Launches an instance into the partition, at `now`, that SSM does not manage. */
export function launchUnmanaged(partition: Partition, spec: UnmanagedLaunch, now: number): SimInstance {
  const seq = partition.instanceList.length;
  const like = partition.instanceList[0];
  let id: string;
  do id = `i-${partition.ids.hex(17)}`;
  while (partition.instances.has(id));
  const os = spec.os ?? 'AMAZON_LINUX_2';
  const state = spec.state ?? 'running';
  const ip = `10.250.${Math.floor(seq / 250) % 256}.${(seq % 250) + 4}`;
  const tags = new Map<string, string>([['Name', spec.name]]);
  for (const [key, value] of Object.entries(spec.tags ?? {})) tags.set(key, value);
  const instance: SimInstance = {
    id,
    seq,
    name: spec.name,
    tags,
    os,
    platformType: os === 'WINDOWS' ? 'Windows' : 'Linux',
    platformName: os === 'WINDOWS' ? 'Microsoft Windows Server 2022 Datacenter' : 'Amazon Linux',
    platformVersion: os === 'WINDOWS' ? '10.0.20348' : '2',
    computerName: `ip-${ip.replace(/\./g, '-')}`,
    instanceType: 't3.medium',
    imageId: like?.imageId ?? `ami-${partition.ids.hex(17)}`,
    availabilityZone: like?.availabilityZone ?? `${partition.region}a`,
    subnetId: like?.subnetId ?? `subnet-${partition.ids.hex(17)}`,
    vpcId: like?.vpcId ?? `vpc-${partition.ids.hex(17)}`,
    privateIp: ip,
    reservationId: `r-${partition.ids.hex(17)}`,
    launchTime: new Date(now),
    registrationDate: new Date(now),
    agentVersion: spec.agent ? '3.3.40.0' : '',
    ssmManaged: spec.agent !== undefined,
    state,
    stateChangedAt: new Date(now),
    // Without an agent it never pinged: SSM has no record of it at all.
    pingStatus: spec.agent ?? 'Inactive',
    lastPingAt: new Date(now),
    failNext: false,
    patches: new Map(),
  };
  partition.addInstance(instance);
  return instance;
}
