/**
 * DescribeInstances' items, written straight as bytes for speed: the expected markup below is what the
 * generic XML writer produced for the same instances before the dedicated renderer replaced it, so
 * any dropped, reordered or differently escaped element fails here.
 */
import { writeReservationItems } from '@patchbot/sandbox/aws/ec2-instance-xml';
import { Utf8Writer } from '@patchbot/sandbox/aws/protocol/utf8-writer';
import type { SimInstance } from '@patchbot/sandbox/aws/fleet/model';
import { FleetIndex } from '@patchbot/sandbox/aws/fleet/indexes';

const LAUNCH = new Date(Date.UTC(2026, 0, 5, 9, 30, 0));

function simInstance(overrides: Partial<SimInstance>): SimInstance {
  return {
    id: 'i-0a1b2c3d4e5f60718',
    seq: 0,
    name: 'prd-web-1',
    tags: new Map(),
    os: 'AMAZON_LINUX_2',
    platformType: 'Linux',
    platformName: 'Amazon Linux',
    platformVersion: '2',
    computerName: 'ip-10-0-1-4.ec2.internal',
    instanceType: 't3.medium',
    imageId: 'ami-0f1e2d3c4b5a69788',
    availabilityZone: 'us-east-1a',
    subnetId: 'subnet-0123456789abcdef0',
    vpcId: 'vpc-0fedcba9876543210',
    privateIp: '10.0.1.4',
    reservationId: 'r-0aa11bb22cc33dd44',
    launchTime: LAUNCH,
    registrationDate: LAUNCH,
    agentVersion: '3.3.1142.0',
    ssmManaged: true,
    state: 'running',
    stateChangedAt: LAUNCH,
    pingStatus: 'Online',
    lastPingAt: LAUNCH,
    failNext: false,
    patches: new Map(),
    ...overrides,
  };
}

// Elements every instance shows between its placement and its tags, when running Linux.
const NETWORK = [
  '<monitoring><state>disabled</state></monitoring>',
  '<subnetId>subnet-0123456789abcdef0</subnetId>',
  '<vpcId>vpc-0fedcba9876543210</vpcId>',
];
const STOPPED_REASON =
  '<stateReason><code>Client.UserInitiatedShutdown</code><message>Client.UserInitiatedShutdown: User initiated shutdown</message></stateReason>';
const FIXED = ['<dnsName></dnsName>'];
const ITEM_HEAD = ['<amiLaunchIndex>0</amiLaunchIndex>', '<productCodes></productCodes>'];
const LINUX_TAIL = [
  '<hypervisor>xen</hypervisor>',
  '<ebsOptimized>true</ebsOptimized>',
  '<platformDetails>Linux/UNIX</platformDetails>',
  '<usageOperation>RunInstances</usageOperation>',
];

const OWNER = '111122223333';

/** The items' bytes as the page writes them, decoded; the writer starts small, so it grows on the way. */
function reservationItemsXml(instances: SimInstance[], owner: string): string {
  const out = new Utf8Writer(0);
  writeReservationItems(out, instances, owner);
  return out.bytes().toString('utf8');
}

/** The instance's reservation item as the page writes it. */
function render(instance: SimInstance): string {
  return reservationItemsXml([instance], OWNER);
}

/** `item` wrapped in the reservation that holds only it. */
function inReservation(instance: SimInstance, item: string, owner = OWNER): string {
  return `<item><reservationId>${instance.reservationId}</reservationId><ownerId>${owner}</ownerId><groupSet></groupSet><instancesSet>${item}</instancesSet></item>`;
}

describe('EC2 DescribeInstances items', () => {
  it('a running Linux instance: user text in tags, computer name and zone is escaped', () => {
    const instance = simInstance({
      tags: new Map([
        ['Name', 'prd-web-1'],
        ['a&b<c>"d\'e', 'v&<>"\'w'],
        ['Patch Group', 'PRD'],
      ]),
      computerName: 'ip-10-0-1-4.<odd>&".compute.internal',
      availabilityZone: "us-'x'&1a",
    });
    expect(render(instance)).toBe(
      inReservation(
        instance,
        [
          '<item><instanceId>i-0a1b2c3d4e5f60718</instanceId><imageId>ami-0f1e2d3c4b5a69788</imageId>',
          '<instanceState><code>16</code><name>running</name></instanceState>',
          '<privateDnsName>ip-10-0-1-4.&lt;odd&gt;&amp;&quot;.compute.internal</privateDnsName>',
          ...FIXED,
          '<reason></reason>',
          ...ITEM_HEAD,
          '<instanceType>t3.medium</instanceType><launchTime>2026-01-05T09:30:00.000Z</launchTime>',
          '<placement><availabilityZone>us-&apos;x&apos;&amp;1a</availabilityZone><groupName></groupName><tenancy>default</tenancy></placement>',
          ...NETWORK,
          '<privateIpAddress>10.0.1.4</privateIpAddress>',
          '<architecture>x86_64</architecture><rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/xvda</rootDeviceName>',
          '<virtualizationType>hvm</virtualizationType>',
          '<tagSet><item><key>Name</key><value>prd-web-1</value></item>',
          '<item><key>a&amp;b&lt;c&gt;&quot;d&apos;e</key><value>v&amp;&lt;&gt;&quot;&apos;w</value></item>',
          '<item><key>Patch Group</key><value>PRD</value></item></tagSet>',
          ...LINUX_TAIL,
          '</item>',
        ].join(''),
      ),
    );
  });

  it('a stopped Windows instance: platform, stop reason, its own DNS name and root device', () => {
    const instance = simInstance({
      id: 'i-0ffeeddccbbaa9988',
      os: 'WINDOWS',
      platformType: 'Windows',
      computerName: 'EC2AMAZ-ABC&DEF',
      instanceType: 'm5.xlarge',
      privateIp: '10.0.2.17',
      state: 'stopped',
      stateChangedAt: new Date(Date.UTC(2026, 2, 14, 23, 5, 9, 500)),
      tags: new Map([['Name', 'win-<sql>-1']]),
    });
    expect(render(instance)).toBe(
      inReservation(
        instance,
        [
          '<item><instanceId>i-0ffeeddccbbaa9988</instanceId><imageId>ami-0f1e2d3c4b5a69788</imageId>',
          '<instanceState><code>80</code><name>stopped</name></instanceState>',
          '<privateDnsName>ip-10-0-2-17.ec2.internal</privateDnsName>',
          ...FIXED,
          '<reason>User initiated (2026-03-14 23:05:09 GMT)</reason>',
          ...ITEM_HEAD,
          '<instanceType>m5.xlarge</instanceType><launchTime>2026-01-05T09:30:00.000Z</launchTime>',
          '<placement><availabilityZone>us-east-1a</availabilityZone><groupName></groupName><tenancy>default</tenancy></placement>',
          '<platform>windows</platform>',
          ...NETWORK,
          '<privateIpAddress>10.0.2.17</privateIpAddress>',
          STOPPED_REASON,
          '<architecture>x86_64</architecture><rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/sda1</rootDeviceName>',
          '<virtualizationType>hvm</virtualizationType>',
          '<tagSet><item><key>Name</key><value>win-&lt;sql&gt;-1</value></item></tagSet>',
          '<hypervisor>xen</hypervisor><ebsOptimized>true</ebsOptimized>',
          '<platformDetails>Windows</platformDetails><usageOperation>RunInstances:0002</usageOperation>',
          '</item>',
        ].join(''),
      ),
    );
  });

  it('a stopped, untagged Linux instance inside its reservation', () => {
    const instance = simInstance({
      id: 'i-0123456789abcdef0',
      state: 'stopped',
      stateChangedAt: new Date(Date.UTC(2026, 1, 1, 0, 0, 0)),
    });
    const item = [
      '<item><instanceId>i-0123456789abcdef0</instanceId><imageId>ami-0f1e2d3c4b5a69788</imageId>',
      '<instanceState><code>80</code><name>stopped</name></instanceState>',
      '<privateDnsName>ip-10-0-1-4.ec2.internal</privateDnsName>',
      ...FIXED,
      '<reason>User initiated (2026-02-01 00:00:00 GMT)</reason>',
      ...ITEM_HEAD,
      '<instanceType>t3.medium</instanceType><launchTime>2026-01-05T09:30:00.000Z</launchTime>',
      '<placement><availabilityZone>us-east-1a</availabilityZone><groupName></groupName><tenancy>default</tenancy></placement>',
      ...NETWORK,
      '<privateIpAddress>10.0.1.4</privateIpAddress>',
      STOPPED_REASON,
      '<architecture>x86_64</architecture><rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/xvda</rootDeviceName>',
      '<virtualizationType>hvm</virtualizationType><tagSet></tagSet>',
      ...LINUX_TAIL,
      '</item>',
    ].join('');
    expect(render(instance)).toBe(inReservation(instance, item));
    // The owner is the partition's account, written per page: the same instance under another shows it.
    expect(reservationItemsXml([instance], '1234<5>')).toBe(inReservation(instance, item, '1234&lt;5&gt;'));
    expect(reservationItemsXml([instance, instance], OWNER)).toBe(inReservation(instance, item).repeat(2));
    expect(reservationItemsXml([], '123456789012')).toBe('');
  });

  it('shows a state or tag change made through the fleet index after an earlier render', () => {
    // The item is kept between renders; the index, through which every tag and state change goes, clears it.
    const instance = simInstance({ tags: new Map([['Name', 'prd-web-1']]) });
    const index = new FleetIndex();
    index.add(instance);
    render(instance);
    index.setState(instance, 'stopped');
    instance.stateChangedAt = new Date(Date.UTC(2026, 1, 1, 0, 0, 0));
    index.setTag(instance, 'Patch Group', 'P&D');
    index.deleteTag(instance, 'Name');
    const twin = simInstance({
      state: 'stopped',
      stateChangedAt: new Date(Date.UTC(2026, 1, 1, 0, 0, 0)),
      tags: new Map([['Patch Group', 'P&D']]),
    });
    expect(render(instance)).toBe(render(twin));
    expect(render(instance)).toContain(
      '<name>stopped</name></instanceState><privateDnsName>ip-10-0-1-4.ec2.internal</privateDnsName><dnsName></dnsName><reason>User initiated (2026-02-01 00:00:00 GMT)</reason>',
    );
    expect(render(instance)).toContain('<tagSet><item><key>Patch Group</key><value>P&amp;D</value></item></tagSet>');
  });

  it('writes tag text outside ASCII as its UTF-8 bytes, across many instances', () => {
    const instance = simInstance({ tags: new Map([['Owner', 'Zürich – 🚀']]) });
    const page = Array.from({ length: 40 }, () => instance);
    const text = reservationItemsXml(page, OWNER);
    expect(text).toBe(render(instance).repeat(40));
    expect(render(instance)).toContain('<tagSet><item><key>Owner</key><value>Zürich – 🚀</value></item></tagSet>');
  });
});
