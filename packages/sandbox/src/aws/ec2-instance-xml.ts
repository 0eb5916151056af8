/**
 * DescribeInstances' reservationSet items, written straight as bytes: the generic XML writer walks
 * about forty elements per instance, and a page of 1,000 must answer in a few milliseconds. The
 * element order and optional elements follow AWS's EC2 API reference (Instance, Reservation).
 */
import type { SimInstance } from './fleet/model';
import { escapeXml } from './protocol/xml';
import { STATE_CODES } from './ec2-instance-view';

/** An item's bytes between the parts that change: made only of fields SimInstance marks readonly. */
interface FixedParts {
  /** From the reservation's start to inside ownerId. */
  reservation: Buffer;
  /** From the end of ownerId to inside instanceState. */
  head: Buffer;
  /** From the end of instanceState to inside reason. */
  dns: Buffer;
  /** From the end of reason to the end of privateIpAddress. */
  body: Buffer;
}

// A page of 1,000 instances is 3.7 MB of XML. Built as text it is ~70 small strings per instance
// that must be flattened and then encoded to bytes, and that garbage is collected inside the next
// page's time. Each instance's fixed text is kept as bytes instead and a page is one copy of them with
// the few parts that change. An instance's fixed fields never change after launch, so an entry never
// goes stale (about 1 KB for each instance ever listed). A Map, not a WeakMap: the simulator keeps
// its instances for its life, and a WeakMap of 100,000 entries is a table every collection walks.
const fixedParts = new Map<SimInstance, FixedParts>();

function fixed(instance: SimInstance): FixedParts {
  let parts = fixedParts.get(instance);
  if (parts === undefined) {
    const windows = instance.os === 'WINDOWS';
    // The computer name and zone carry the partition's region; ids, addresses and types are the simulator's own.
    const dnsName = windows
      ? `ip-${instance.privateIp.replace(/\./g, '-')}.ec2.internal`
      : escapeXml(instance.computerName);
    parts = {
      reservation: Buffer.from(`<item><reservationId>${instance.reservationId}</reservationId><ownerId>`),
      head: Buffer.from(
        `</ownerId><groupSet></groupSet><instancesSet><item><instanceId>${instance.id}</instanceId><imageId>${instance.imageId}</imageId><instanceState>`,
      ),
      dns: Buffer.from(`</instanceState><privateDnsName>${dnsName}</privateDnsName><dnsName></dnsName><reason>`),
      body: Buffer.from(
        `</reason><amiLaunchIndex>0</amiLaunchIndex><productCodes></productCodes><instanceType>${instance.instanceType}</instanceType><launchTime>${instance.launchTime.toISOString()}</launchTime><placement><availabilityZone>${escapeXml(instance.availabilityZone)}</availabilityZone><groupName></groupName><tenancy>default</tenancy></placement>${windows ? '<platform>windows</platform>' : ''}<monitoring><state>disabled</state></monitoring><subnetId>${instance.subnetId}</subnetId><vpcId>${instance.vpcId}</vpcId><privateIpAddress>${instance.privateIp}</privateIpAddress>`,
      ),
    };
    fixedParts.set(instance, parts);
  }
  return parts;
}

const bytes = (text: string) => Buffer.from(text);
const STATE_XML: Readonly<Record<string, Buffer>> = Object.fromEntries(
  Object.entries(STATE_CODES).map(([name, code]) => [name, bytes(`<code>${code}</code><name>${name}</name>`)]),
);
const STOPPED_REASON = bytes(
  '<stateReason><code>Client.UserInitiatedShutdown</code><message>Client.UserInitiatedShutdown: User initiated shutdown</message></stateReason>',
);
const LINUX_DEVICE = bytes(
  '<architecture>x86_64</architecture><rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/xvda</rootDeviceName><virtualizationType>hvm</virtualizationType><tagSet>',
);
const WINDOWS_DEVICE = bytes(
  '<architecture>x86_64</architecture><rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/sda1</rootDeviceName><virtualizationType>hvm</virtualizationType><tagSet>',
);
const LINUX_TAIL = bytes(
  '</tagSet><hypervisor>xen</hypervisor><ebsOptimized>true</ebsOptimized><platformDetails>Linux/UNIX</platformDetails><usageOperation>RunInstances</usageOperation></item></instancesSet></item>',
);
const WINDOWS_TAIL = bytes(
  '</tagSet><hypervisor>xen</hypervisor><ebsOptimized>true</ebsOptimized><platformDetails>Windows</platformDetails><usageOperation>RunInstances:0002</usageOperation></item></instancesSet></item>',
);

/** The tagSet's items: keys and values are whatever CreateTags or the admin API was given. */
function tagItemsXml(tags: Map<string, string>): string {
  let out = '';
  for (const [key, value] of tags) out += `<item><key>${escapeXml(key)}</key><value>${escapeXml(value)}</value></item>`;
  return out;
}

/** Appends one instance's reservation item (its reservation holds only it) to `out` as byte pieces. */
function pushReservation(out: Buffer[], instance: SimInstance, owner: Buffer): void {
  const parts = fixed(instance);
  const windows = instance.os === 'WINDOWS';
  const stopped = instance.state === 'stopped';
  out.push(parts.reservation, owner, parts.head, STATE_XML[instance.state] as Buffer, parts.dns);
  // Only a stopped instance shows when and why it stopped.
  if (stopped)
    out.push(bytes(`User initiated (${instance.stateChangedAt.toISOString().replace('T', ' ').slice(0, 19)} GMT)`));
  out.push(parts.body);
  if (stopped) out.push(STOPPED_REASON);
  out.push(windows ? WINDOWS_DEVICE : LINUX_DEVICE);
  if (instance.tags.size > 0) out.push(bytes(tagItemsXml(instance.tags)));
  out.push(windows ? WINDOWS_TAIL : LINUX_TAIL);
}

/** DescribeInstances' reservationSet items, one reservation per instance owned by `ownerId`, as the bytes of their XML. */
export function reservationItemsBytes(instances: readonly SimInstance[], ownerId: string): Buffer {
  const out: Buffer[] = [];
  const owner = bytes(escapeXml(ownerId));
  for (const instance of instances) pushReservation(out, instance, owner);
  // One allocation and a copy per piece: Buffer.concat checks each of the ~9,000 pieces of a page first.
  let length = 0;
  for (const piece of out) length += piece.length;
  const page = Buffer.allocUnsafe(length);
  let at = 0;
  for (const piece of out) {
    page.set(piece, at);
    at += piece.length;
  }
  return page;
}

/** The reservationSet's items as text (reservationItemsBytes decoded). */
export function reservationItemsXml(instances: readonly SimInstance[], ownerId: string): string {
  return reservationItemsBytes(instances, ownerId).toString('utf8');
}
