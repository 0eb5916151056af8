/**
 * The lean DescribeInstances reader against the SDK's own parse of the same answer, over HTTP: a
 * page shaped as EC2 sends it (nested items, tags elsewhere in the instance, entities, multibyte
 * names split across chunks) reads to the same ids, states and tags; errors and retries are still
 * the SDK's; a body that is not a page is an error, not an empty page.
 */
import { Readable } from 'node:stream';
import { DescribeInstancesCommand, EC2Client, type Instance } from '@aws-sdk/client-ec2';
import { toAwsError } from '../../src/aws/error-mapping';
import { describeInstancePage, readInstancePage } from '../../src/aws/instance-page-reader';
import { type DribbledAnswers, startDribbledAnswers } from '../support/dribbled-answers';

interface Fixture {
  id: string;
  state?: string;
  tags: [string, string][];
}

const FIXTURES: Fixture[] = [
  {
    id: 'i-0000000000000000a',
    state: 'running',
    tags: [
      ['Name', 'web & <db> "one"'],
      ['Patch Group', 'PRD'],
    ],
  },
  {
    id: 'i-0000000000000000b',
    state: 'stopped',
    tags: [
      ['Name', 'ünïcödé 🚀 node'],
      ['Patch Group', 'PRD'],
    ],
  },
  { id: 'i-0000000000000000c', state: 'pending', tags: [] },
  {
    id: 'i-0000000000000000d',
    tags: [
      ['Patch Group', 'PRD'],
      ['Empty', ''],
    ],
  },
];

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One instance as EC2 writes it: the fields read sit among others that reuse their element names. */
function instanceXml(f: Fixture): string {
  const tags = f.tags.map(([k, v]) => `<item><key>${xml(k)}</key><value>${xml(v)}</value></item>`).join('');
  return [
    `<item><instanceId>${f.id}</instanceId><imageId>ami-0abcdef1234567890</imageId>`,
    f.state ? `<instanceState><code>16</code><name>${f.state}</name></instanceState>` : '',
    '<placement><availabilityZone>us-east-1a</availabilityZone><groupName/><tenancy>default</tenancy></placement>',
    '<groupSet><item><groupId>sg-1</groupId><groupName>default</groupName></item></groupSet>',
    '<blockDeviceMapping><item><deviceName>/dev/xvda</deviceName><ebs><volumeId>vol-1</volumeId></ebs></item></blockDeviceMapping>',
    '<networkInterfaceSet><item><networkInterfaceId>eni-1</networkInterfaceId>',
    '<tagSet><item><key>Name</key><value>not the instance</value></item></tagSet>',
    '<attachment><instanceId>i-not-this-one</instanceId><status>attached</status></attachment></item></networkInterfaceSet>',
    '<monitoring><state>disabled</state></monitoring>',
    tags ? `<tagSet>${tags}</tagSet>` : '',
    '<iamInstanceProfile><arn>arn:aws:iam::1:instance-profile/x</arn><id>AIPA1</id></iamInstanceProfile>',
    '</item>',
  ].join('');
}

/** A DescribeInstances answer: two reservations (one with two instances), then `nextToken`. */
function pageXml(fixtures: Fixture[], nextToken?: string): string {
  const [a, b, ...rest] = fixtures;
  const reservation = (fs: Fixture[], n: number) =>
    `<item><reservationId>r-${n}</reservationId><ownerId>111122223333</ownerId><groupSet/><instancesSet>${fs
      .map(instanceXml)
      .join('')}</instancesSet></item>`;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">' +
    '<requestId>req-1</requestId><reservationSet>' +
    reservation(
      [a, b].filter((f): f is Fixture => !!f),
      1,
    ) +
    reservation(rest, 2) +
    `</reservationSet>${nextToken !== undefined ? `<nextToken>${nextToken}</nextToken>` : ''}</DescribeInstancesResponse>`
  );
}

/** What the member reads keep of an instance the SDK parsed whole. */
function cut(i: Instance): Instance {
  return {
    InstanceId: i.InstanceId,
    ...(i.State?.Name ? { State: { Name: i.State.Name } } : {}),
    ...(i.Tags && i.Tags.length > 0 ? { Tags: i.Tags.map((t) => ({ Key: t.Key, Value: t.Value ?? '' })) } : {}),
  };
}

async function* bytes(s: string, size: number): AsyncGenerator<Uint8Array> {
  const all = Buffer.from(s);
  for (let o = 0; o < all.length; o += size) yield all.subarray(o, o + size);
}

describe('readInstancePage', () => {
  it('reads the same page fed byte by byte as whole, multibyte names split across chunks', async () => {
    const body = pageXml(FIXTURES, 'tok-2');
    const whole = await readInstancePage(Buffer.from(body));
    expect(await readInstancePage(bytes(body, 1))).toEqual(whole);
    expect(whole.instances.map((i) => i.InstanceId)).toEqual(FIXTURES.map((f) => f.id));
    expect(whole.instances[0]?.Tags?.[0]).toEqual({ Key: 'Name', Value: 'web & <db> "one"' });
    expect(whole.instances[1]?.Tags?.[0]?.Value).toBe('ünïcödé 🚀 node');
    expect(whole.instances[2]).toEqual({ InstanceId: 'i-0000000000000000c', State: { Name: 'pending' } });
    expect(whole).toMatchObject({ nextToken: 'tok-2', requestId: 'req-1' });
  });

  it('takes an empty or missing nextToken as the last page', async () => {
    expect((await readInstancePage(Buffer.from(pageXml(FIXTURES, '')))).nextToken).toBeUndefined();
    expect((await readInstancePage(Buffer.from(pageXml(FIXTURES)))).nextToken).toBeUndefined();
  });

  it('fails on a body that is not a page, or is cut short, instead of reading it as no instances', async () => {
    await expect(readInstancePage(Buffer.from('<Response><Errors/></Response>'))).rejects.toThrow(
      /DescribeInstancesResponse/,
    );
    const body = pageXml(FIXTURES, 'tok');
    await expect(readInstancePage(Buffer.from(body.slice(0, body.length / 2)))).rejects.toThrow();
  });

  it('fails on a page cut short at any point, inside a tag, a text or an entity', async () => {
    const body = pageXml(FIXTURES, 'tok');
    // The parser forgives unclosed elements; the reader must not take what it read so far as the page.
    for (let at = 1; at < body.length; at += 7) {
      await expect(readInstancePage(Buffer.from(body.slice(0, at)))).rejects.toThrow(/could not be read/);
    }
    const entity = body.indexOf('&amp;');
    await expect(readInstancePage(Buffer.from(body.slice(0, entity + 2)))).rejects.toThrow(/could not be read/);
  });

  it('fails on a close tag that closes no element open there, instead of reading on', async () => {
    const body = pageXml(FIXTURES, 'tok');
    const crossed = body.replace('</instanceId>', '</instanceState>');
    const err = await readInstancePage(Buffer.from(crossed)).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/could not be read/);
    expect(String((err as Error).cause)).toMatch(/<\/instanceState> closes no element open there/);
    await expect(readInstancePage(Buffer.from(`${body}</extra>`))).rejects.toThrow(/could not be read/);
  });

  it('says in the cause where the answer ended or what its root was', async () => {
    const body = pageXml(FIXTURES, 'tok');
    const cut = await readInstancePage(Buffer.from(body.slice(0, body.indexOf('<tagSet>')))).catch((e: Error) => e);
    expect((cut as Error).cause).toEqual(new Error('the answer ended inside <item>: it was cut short'));
    const other = await readInstancePage(Buffer.from('<Response><Errors/></Response>')).catch((e: Error) => e);
    expect(String((other as Error).cause)).toMatch(/root element is <Response>/);
  });

  it("tells the user what happened and what to do when an answer cannot be read, keeping the parser's words for the logs", async () => {
    const body = pageXml(FIXTURES, 'tok');
    const err = await readInstancePage(Buffer.from(body.slice(0, body.length / 2))).then(
      () => new Error('read'),
      (e: unknown) => e as Error,
    );
    expect(err.cause).toBeInstanceOf(Error);
    const shown = toAwsError(err, {
      service: 'ec2',
      operation: 'DescribeInstances',
      scope: 'main',
      region: 'us-east-1',
    });
    expect(shown.userMessage).toMatch(/could not be read as a DescribeInstancesResponse/);
    expect(shown.userMessage).toMatch(/nothing was changed, and asking again usually works/);
    expect(shown.userMessage).not.toMatch(/\d+:\d+:/); // no parser line:column jargon
  });

  it('lets go of a body it stops reading: the stream is destroyed, so its socket is not left half read', async () => {
    const body = Readable.from([
      Buffer.from('<DescribeInstancesResponse><reservationSet><item>'),
      Buffer.from('</wrong>'),
    ]);
    await expect(readInstancePage(body)).rejects.toThrow();
    expect(body.destroyed).toBe(true);
  });
});

describe('describeInstancePage over HTTP', () => {
  let server: DribbledAnswers;
  let client: EC2Client;

  beforeAll(async () => {
    server = await startDribbledAnswers('text/xml;charset=UTF-8', () => ({
      status: 200,
      body: pageXml(FIXTURES, 'tok-2'),
    }));
    client = new EC2Client(server.clientConfig);
  });
  afterAll(async () => {
    client.destroy();
    await server.close();
  });
  beforeEach(() => server.reset());

  it("reads the same ids, states and tags as the SDK's own parse of the same answer", async () => {
    const sdk = await client.send(new DescribeInstancesCommand({ MaxResults: 1000 }));
    const expected = (sdk.Reservations ?? []).flatMap((r) => r.Instances ?? []).map(cut);
    expect(expected).toHaveLength(FIXTURES.length);
    const page = await describeInstancePage(client, { MaxResults: 1000 });
    expect(page.instances).toEqual(expected);
    expect(page.nextToken).toBe(sdk.NextToken);
  });

  it('leaves an error answer to the SDK: the same error as the SDK alone gives, not retried', async () => {
    const denied =
      '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>UnauthorizedOperation</Code>' +
      '<Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>req-9</RequestID></Response>';
    server.answers.push({ status: 403, body: denied }, { status: 403, body: denied });
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => new Error('answered'),
        (e: unknown) => e as Error,
      );
    const sdk = await failure(client.send(new DescribeInstancesCommand({})));
    const ours = await failure(describeInstancePage(client, {}));
    expect(ours).toMatchObject({ name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } });
    expect(ours).toBeInstanceOf(sdk.constructor);
    expect({ ...ours, message: ours.message }).toEqual({ ...sdk, message: sdk.message });
    expect(server.served()).toBe(2);
  });

  it('is retried by the SDK after a throttle, and reads the answer that succeeds', async () => {
    const throttled =
      '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>RequestLimitExceeded</Code>' +
      '<Message>Request limit exceeded.</Message></Error></Errors><RequestID>req-8</RequestID></Response>';
    server.answers.push({ status: 503, body: throttled });
    const page = await describeInstancePage(client, {});
    expect(server.served()).toBe(2);
    expect(page.instances.map((i) => i.InstanceId)).toEqual(FIXTURES.map((f) => f.id));
  });
});
