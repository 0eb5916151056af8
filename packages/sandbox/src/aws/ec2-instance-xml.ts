/**
 * DescribeInstances' reservationSet items, one template per instance written straight to the
 * answer's bytes: the generic XML writer walks about forty elements per instance, and a page of
 * 1,000 (1.4 MB) must answer in a few milliseconds. Each instance's item is kept as one string until
 * a tag or its state changes (FleetIndex clears it): rebuilding a page's items made 3.6 MB of
 * garbage a page, whose collections were the page's slow tail (docs/benchmarks.md). The element
 * order and optional elements follow AWS's EC2 API reference (Instance, Reservation).
 */
import type { SimInstance } from './fleet/model';
import { escapeXml } from './protocol/xml';
import { STATE_CODES } from './ec2-instance-view';
import type { Utf8Writer } from './protocol/utf8-writer';

const STOPPED_REASON =
  '<stateReason><code>Client.UserInitiatedShutdown</code><message>Client.UserInitiatedShutdown: User initiated shutdown</message></stateReason>';

/** The tagSet's items: keys and values are whatever CreateTags or the admin API was given. */
function tagItemsXml(tags: Map<string, string>): string {
  let out = '';
  for (const [key, value] of tags) out += `<item><key>${escapeXml(key)}</key><value>${escapeXml(value)}</value></item>`;
  return out;
}

/** One instance's reservation item (its reservation holds only it), `owner` already escaped. */
function reservationXml(instance: SimInstance, owner: string): string {
  const windows = instance.os === 'WINDOWS';
  const stopped = instance.state === 'stopped';
  // The computer name and zone carry the partition's region; ids, addresses and types are the simulator's own.
  const dnsName = windows
    ? `ip-${instance.privateIp.replace(/\./g, '-')}.ec2.internal`
    : escapeXml(instance.computerName);
  // Only a stopped instance shows when and why it stopped.
  const reason = stopped
    ? `User initiated (${instance.stateChangedAt.toISOString().replace('T', ' ').slice(0, 19)} GMT)`
    : '';
  return `<item><reservationId>${instance.reservationId}</reservationId><ownerId>${owner}</ownerId><groupSet></groupSet><instancesSet><item><instanceId>${instance.id}</instanceId><imageId>${instance.imageId}</imageId><instanceState><code>${STATE_CODES[instance.state]}</code><name>${instance.state}</name></instanceState><privateDnsName>${dnsName}</privateDnsName><dnsName></dnsName><reason>${reason}</reason><amiLaunchIndex>0</amiLaunchIndex><productCodes></productCodes><instanceType>${instance.instanceType}</instanceType><launchTime>${instance.launchTime.toISOString()}</launchTime><placement><availabilityZone>${escapeXml(instance.availabilityZone)}</availabilityZone><groupName></groupName><tenancy>default</tenancy></placement>${windows ? '<platform>windows</platform>' : ''}<monitoring><state>disabled</state></monitoring><subnetId>${instance.subnetId}</subnetId><vpcId>${instance.vpcId}</vpcId><privateIpAddress>${instance.privateIp}</privateIpAddress>${stopped ? STOPPED_REASON : ''}<architecture>x86_64</architecture><rootDeviceType>ebs</rootDeviceType><rootDeviceName>${windows ? '/dev/sda1' : '/dev/xvda'}</rootDeviceName><virtualizationType>hvm</virtualizationType><tagSet>${tagItemsXml(instance.tags)}</tagSet><hypervisor>xen</hypervisor><ebsOptimized>true</ebsOptimized><platformDetails>${windows ? 'Windows' : 'Linux/UNIX'}</platformDetails><usageOperation>${windows ? 'RunInstances:0002' : 'RunInstances'}</usageOperation></item></instancesSet></item>`;
}

/** Bytes to reserve per instance: its item is about 1.4 KB. */
export const ITEM_BYTES_HINT = 2048;

/** Writes DescribeInstances' reservationSet items to `out`, one reservation per instance owned by `ownerId`. */
export function writeReservationItems(out: Utf8Writer, instances: readonly SimInstance[], ownerId: string): void {
  const owner = escapeXml(ownerId);
  // Each instance's text is encoded as it is made: joining a page's 1,000 texts into one string and encoding that took three times as long.
  for (const instance of instances) {
    let item = instance.ec2Item;
    if (item?.owner !== owner) {
      item = { owner, text: reservationXml(instance, owner) };
      instance.ec2Item = item;
    }
    out.write(item.text);
  }
}
