/**
 * One DescribeInstances page of 1,000 instances shaped as EC2 writes them (network interfaces,
 * block devices, metadata options: about 3.9 KB an instance), served from a child process and read
 * through the real SDK over HTTP twice: whole by the SDK, and by patchbot's member reader
 * (src/aws/instance-page-reader.ts). Prints each one's wall time and the longest the event loop
 * went without a turn while it read. Runnable alone: `npx tsx scripts/bench/instance-page-read.ts [runs]`.
 */
import { fork } from 'node:child_process';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { describeInstancePage } from '../../src/aws/instance-page-reader';
import { percentile } from './stats';

const INSTANCES = 1000;

/** One instance item with the fields a real DescribeInstances answer carries. */
function instanceXml(i: number): string {
  const id = `i-${(0x10000000 + i).toString(16).padStart(17, '0')}`;
  const ip = `10.0.${(i >> 8) & 255}.${i & 255}`;
  const sg = '<groupSet><item><groupId>sg-0123456789abcdef0</groupId><groupName>default</groupName></item></groupSet>';
  return [
    `<item><instanceId>${id}</instanceId><imageId>ami-0abcdef1234567890</imageId>`,
    '<instanceState><code>16</code><name>running</name></instanceState>',
    `<privateDnsName>ip-${ip.replace(/\./g, '-')}.ec2.internal</privateDnsName><dnsName/><reason/><keyName>ops</keyName>`,
    '<amiLaunchIndex>0</amiLaunchIndex><productCodes/><instanceType>m5.large</instanceType>',
    '<launchTime>2026-01-01T00:00:00.000Z</launchTime>',
    '<placement><availabilityZone>us-east-1a</availabilityZone><groupName/><tenancy>default</tenancy></placement>',
    '<monitoring><state>disabled</state></monitoring><subnetId>subnet-0123456789abcdef0</subnetId>',
    `<vpcId>vpc-0123456789abcdef0</vpcId><privateIpAddress>${ip}</privateIpAddress><sourceDestCheck>true</sourceDestCheck>`,
    `${sg}<architecture>x86_64</architecture><rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/xvda</rootDeviceName>`,
    '<blockDeviceMapping><item><deviceName>/dev/xvda</deviceName><ebs><volumeId>vol-0123456789abcdef0</volumeId>',
    '<status>attached</status><attachTime>2026-01-01T00:00:01.000Z</attachTime><deleteOnTermination>true</deleteOnTermination>',
    '</ebs></item></blockDeviceMapping><virtualizationType>hvm</virtualizationType><clientToken/>',
    `<tagSet><item><key>Name</key><value>web-${i}</value></item><item><key>Patch Group</key><value>PRD</value></item>`,
    '<item><key>team</key><value>ops</value></item></tagSet><hypervisor>xen</hypervisor>',
    '<networkInterfaceSet><item><networkInterfaceId>eni-0123456789abcdef0</networkInterfaceId>',
    '<subnetId>subnet-0123456789abcdef0</subnetId><vpcId>vpc-0123456789abcdef0</vpcId><description/>',
    '<ownerId>123456789012</ownerId><status>in-use</status><macAddress>02:00:00:00:00:01</macAddress>',
    `<privateIpAddress>${ip}</privateIpAddress><sourceDestCheck>true</sourceDestCheck>${sg}`,
    '<attachment><attachmentId>eni-attach-0123456789abcdef0</attachmentId><deviceIndex>0</deviceIndex>',
    '<status>attached</status><attachTime>2026-01-01T00:00:00.000Z</attachTime>',
    '<deleteOnTermination>true</deleteOnTermination><networkCardIndex>0</networkCardIndex></attachment>',
    `<privateIpAddressesSet><item><privateIpAddress>${ip}</privateIpAddress><primary>true</primary></item>`,
    '</privateIpAddressesSet><ipv6AddressesSet/><interfaceType>interface</interfaceType></item></networkInterfaceSet>',
    '<ebsOptimized>false</ebsOptimized><enaSupport>true</enaSupport>',
    '<cpuOptions><coreCount>1</coreCount><threadsPerCore>2</threadsPerCore></cpuOptions>',
    '<capacityReservationSpecification><capacityReservationPreference>open</capacityReservationPreference>',
    '</capacityReservationSpecification><hibernationOptions><configured>false</configured></hibernationOptions>',
    '<metadataOptions><state>applied</state><httpTokens>required</httpTokens><httpPutResponseHopLimit>2</httpPutResponseHopLimit>',
    '<httpEndpoint>enabled</httpEndpoint><httpProtocolIpv6>disabled</httpProtocolIpv6>',
    '<instanceMetadataTags>disabled</instanceMetadataTags></metadataOptions><enclaveOptions><enabled>false</enabled></enclaveOptions>',
    '<platformDetails>Linux/UNIX</platformDetails><usageOperation>RunInstances</usageOperation>',
    '<usageOperationUpdateTime>2026-01-01T00:00:00.000Z</usageOperationUpdateTime>',
    '<privateDnsNameOptions><hostnameType>ip-name</hostnameType><enableResourceNameDnsARecord>false</enableResourceNameDnsARecord>',
    '</privateDnsNameOptions><maintenanceOptions><autoRecovery>default</autoRecovery></maintenanceOptions>',
    '<currentInstanceBootMode>legacy-bios</currentInstanceBootMode></item>',
  ].join('');
}

/** The whole answer: one reservation per instance, as instances launched one at a time show. */
export function ec2ShapedPage(instances: number): string {
  const items: string[] = [];
  for (let i = 0; i < instances; i += 1)
    items.push(
      `<item><reservationId>r-${i}</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet>${instanceXml(i)}</instancesSet></item>`,
    );
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">' +
    `<requestId>bench</requestId><reservationSet>${items.join('')}</reservationSet><nextToken>more</nextToken></DescribeInstancesResponse>`
  );
}

/** The child: serves the page to every request and prints its URL. */
async function serve(): Promise<void> {
  const { createServer } = await import('node:http');
  const body = Buffer.from(ec2ShapedPage(INSTANCES));
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8' }).end(body));
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send?.({
      url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
      bytes: body.length,
    });
  });
}

/** Runs `read` and reports its wall time and the longest gap between 1 ms timer turns meanwhile. */
async function timed(read: () => Promise<number>): Promise<{ ms: number; stallMs: number; instances: number }> {
  let last = performance.now();
  let stallMs = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 1);
  const started = performance.now();
  const instances = await read();
  const ms = performance.now() - started;
  // A stretch that ends the read is only seen on the timer's next turn.
  await new Promise((r) => setTimeout(r, 5));
  clearInterval(ticker);
  return { ms, stallMs, instances };
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 20);
  const child = fork(__filename, ['--serve'], { execArgv: process.execArgv });
  const { url, bytes } = await new Promise<{ url: string; bytes: number }>((r) => child.once('message', r as never));
  const ec2 = new EC2Client({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'BENCHPAGEKEY00000001', secretAccessKey: 'bench' },
  });
  const input = { MaxResults: INSTANCES };
  const readers: [string, () => Promise<number>][] = [
    [
      'SDK, whole',
      async () =>
        ((await ec2.send(new DescribeInstancesCommand(input))).Reservations ?? []).flatMap((r) => r.Instances ?? [])
          .length,
    ],
    ['patchbot reader', async () => (await describeInstancePage(ec2, input)).instances.length],
  ];
  console.log(
    `DescribeInstances page: ${INSTANCES} instances, ${(bytes / 1e6).toFixed(1)} MB, ${runs} runs after 3 warm-up`,
  );
  try {
    for (const [label, read] of readers) {
      for (let i = 0; i < 3; i += 1) await timed(read);
      const results = [];
      for (let i = 0; i < runs; i += 1) results.push(await timed(read));
      const ms = results.map((r) => r.ms);
      const stalls = results.map((r) => r.stallMs);
      console.log(
        `${label.padEnd(16)} ${results[0]?.instances} instances; wall median ${percentile(ms, 50).toFixed(1)} ms, ` +
          `p90 ${percentile(ms, 90).toFixed(1)} ms; event loop held at most: median ${percentile(stalls, 50).toFixed(1)} ms, ` +
          `max ${Math.max(...stalls).toFixed(1)} ms`,
      );
    }
  } finally {
    ec2.destroy();
    child.kill();
  }
}

if (require.main === module) {
  if (process.argv.includes('--serve')) void serve();
  else void main();
}
