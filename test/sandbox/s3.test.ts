/**
 * The simulator's S3: path-style PutObject and GetObject through the real S3 client, S3's XML
 * errors as the SDK reads them, the deny and fault knobs, and nothing else on the port broken.
 */
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { DescribeInstanceInformationCommand } from '@aws-sdk/client-ssm';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { CREDENTIALS, admin, clients, failure, s3Client } from './helpers';

describe('S3 on the simulator port', () => {
  let sim: FleetSimulator;
  const made: S3Client[] = [];

  const s3 = (config: Partial<S3ClientConfig> = {}) => {
    const client = s3Client(sim.url, config);
    made.push(client);
    return client;
  };

  beforeEach(async () => {
    sim = await startFleetSimulator({ port: 0, buckets: [{ name: 'patchbot-lists' }] });
  });
  afterEach(async () => {
    for (const client of made.splice(0)) client.destroy();
    await sim.close();
  });

  it('stores an object with PutObject and returns its bytes with GetObject', async () => {
    const client = s3();
    const text = 'patches:\n  - id: openssl.x86_64\n';
    const put = await client.send(
      new PutObjectCommand({
        Bucket: 'patchbot-lists',
        Key: 'promote/PRD/list one.yaml',
        Body: text,
        ContentType: 'application/yaml',
      }),
    );
    expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    const got = await client.send(new GetObjectCommand({ Bucket: 'patchbot-lists', Key: 'promote/PRD/list one.yaml' }));
    expect(await got.Body?.transformToString()).toBe(text);
    expect(got.ContentType).toBe('application/yaml');
    expect(got.ETag).toBe(put.ETag);
    expect(sim.getObject('patchbot-lists', 'promote/PRD/list one.yaml')?.body.toString()).toBe(text);
    const viaAdmin = await admin(sim.url, '/_sandbox/buckets/patchbot-lists/promote/PRD/list%20one.yaml');
    expect(viaAdmin.json).toMatchObject({ key: 'promote/PRD/list one.yaml', text });
  });

  it('decodes a streamed (aws-chunked) upload to the bytes sent', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `  - id: package-${i}.x86_64`).join('\n');
    await s3().send(
      new PutObjectCommand({
        Bucket: 'patchbot-lists',
        Key: 'big.yaml',
        Body: Readable.from([Buffer.from('patches:\n'), Buffer.from(lines)]),
        ContentLength: Buffer.byteLength(`patches:\n${lines}`),
      }),
    );
    expect(sim.getObject('patchbot-lists', 'big.yaml')?.body.toString()).toBe(`patches:\n${lines}`);
    // The encoding itself, chunk signatures and a trailing checksum included, byte for byte.
    const chunked = await fetch(`${sim.url}/patchbot-lists/chunked.txt`, {
      method: 'PUT',
      headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '11' },
      body: '6;chunk-signature=ab\r\nhello \r\n5\r\nworld\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n',
    });
    expect(chunked.status).toBe(200);
    expect(sim.getObject('patchbot-lists', 'chunked.txt')?.body.toString()).toBe('hello world');
  });

  it('answers NoSuchBucket and NoSuchKey in S3’s XML, as the SDK reads them', async () => {
    const client = s3();
    const bucket = await failure(client.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'x' })));
    expect(bucket.name).toBe('NoSuchBucket');
    expect(bucket.$metadata?.httpStatusCode).toBe(404);
    const key = await failure(client.send(new GetObjectCommand({ Bucket: 'patchbot-lists', Key: 'missing.yaml' })));
    expect(key.name).toBe('NoSuchKey');
    expect(key.$metadata?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const raw = await fetch(`${sim.url}/patchbot-lists/missing.yaml`);
    expect(raw.status).toBe(404);
    const xml = await raw.text();
    expect(xml).toContain('<Code>NoSuchKey</Code>');
    expect(xml).toContain('<Key>missing.yaml</Key>');
  });

  it('keeps a bucket to its account and region', async () => {
    // The bucket is 123456789012's; a key of account 210987654321 reaches it on the same port.
    const partner = await startFleetSimulator({
      port: 0,
      accessKeys: { PARTNERKEY0000000001: '210987654321' },
      buckets: [{ name: 'patchbot-lists' }],
    });
    try {
      const foreign = new S3Client({
        endpoint: partner.url,
        forcePathStyle: true,
        region: 'us-east-1',
        credentials: { accessKeyId: 'PARTNERKEY0000000001', secretAccessKey: 'x' },
        maxAttempts: 1,
      });
      made.push(foreign);
      const denied = await failure(foreign.send(new GetObjectCommand({ Bucket: 'patchbot-lists', Key: 'a' })));
      expect(denied.name).toBe('AccessDenied');
      expect(denied.$metadata?.httpStatusCode).toBe(403);
    } finally {
      await partner.close();
    }
    const wrongRegion = await failure(
      s3({ region: 'eu-west-1' }).send(new GetObjectCommand({ Bucket: 'patchbot-lists', Key: 'a' })),
    );
    expect(wrongRegion.name).toBe('AuthorizationHeaderMalformed');
    expect(wrongRegion.message).toContain("expecting 'us-east-1'");
  });

  it('denies s3:PutObject and s3:GetObject through the deny knob', async () => {
    const client = s3();
    await client.send(new PutObjectCommand({ Bucket: 'patchbot-lists', Key: 'a.yaml', Body: 'patches: []' }));
    sim.configure({ deny: [{ action: 's3:GetObject' }] });
    const read = await failure(client.send(new GetObjectCommand({ Bucket: 'patchbot-lists', Key: 'a.yaml' })));
    expect(read.name).toBe('AccessDenied');
    expect(read.message).toContain('s3:GetObject');
    await client.send(new PutObjectCommand({ Bucket: 'patchbot-lists', Key: 'b.yaml', Body: 'patches: []' }));
    sim.configure({ deny: [{ action: 's3:*' }] });
    const write = await failure(client.send(new PutObjectCommand({ Bucket: 'patchbot-lists', Key: 'c', Body: 'x' })));
    expect(write.name).toBe('AccessDenied');
    expect(write.message).toContain('s3:PutObject');
    expect(sim.getObject('patchbot-lists', 'c')).toBeUndefined();
    sim.configure({ deny: [], errorRate: 1 });
    const broken = await failure(client.send(new GetObjectCommand({ Bucket: 'patchbot-lists', Key: 'a.yaml' })));
    expect(broken.name).toBe('InternalError');
  });

  it('creates buckets through the admin endpoint with clear refusals; refuses what it does not model', async () => {
    expect(await admin(sim.url, '/_sandbox/buckets/patchbot-output?region=eu-west-1', {})).toEqual({
      status: 200,
      json: { name: 'patchbot-output', account: '123456789012', region: 'eu-west-1' },
    });
    expect((await admin(sim.url, '/_sandbox/buckets/patchbot-output', {})).json).toMatchObject({
      error: 'BucketAlreadyOwnedByYou',
    });
    const bad = await admin(sim.url, '/_sandbox/buckets/Bad_Name', {});
    expect(bad.status).toBe(400);
    expect(bad.json.message).toContain('not a valid bucket name');
    const del = await fetch(`${sim.url}/patchbot-lists/a.yaml`, { method: 'DELETE' });
    expect(del.status).toBe(501);
    expect(await del.text()).toContain('<Code>NotImplemented</Code>');
  });

  it('leaves the root banner, the admin endpoints and the SSM POSTs working', async () => {
    expect(await (await fetch(sim.url)).text()).toContain('PUT/GET /{bucket}/{key}');
    expect((await admin(sim.url, '/_sandbox/health')).status).toBe(200);
    const aws = clients(sim.url);
    try {
      const info = await aws.ssm.send(new DescribeInstanceInformationCommand({}));
      expect(info.InstanceInformationList?.length).toBeGreaterThan(0);
    } finally {
      aws.destroy();
    }
    expect(sim.stats().calls).toMatchObject({ DescribeInstanceInformation: 1 });
  });

  it('starts with no bucket unless the options name one, and a reset brings the seeded ones back empty', async () => {
    const bare = await startFleetSimulator({ port: 0 });
    try {
      expect(bare.getObject('patchbot-lists', 'a')).toBeUndefined();
      const client = new S3Client({
        endpoint: bare.url,
        forcePathStyle: true,
        region: 'us-east-1',
        credentials: CREDENTIALS,
        maxAttempts: 1,
      });
      made.push(client);
      expect((await failure(client.send(new GetObjectCommand({ Bucket: 'patchbot-lists', Key: 'a' })))).name).toBe(
        'NoSuchBucket',
      );
    } finally {
      await bare.close();
    }
    await s3().send(new PutObjectCommand({ Bucket: 'patchbot-lists', Key: 'a', Body: 'x' }));
    sim.reset();
    expect(sim.getObject('patchbot-lists', 'a')).toBeUndefined();
    await s3().send(new PutObjectCommand({ Bucket: 'patchbot-lists', Key: 'a', Body: 'y' }));
  });
});
