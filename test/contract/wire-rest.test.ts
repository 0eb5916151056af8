/** The restXml decoder places the path, query, headers and body by a small hand-written S3-like model, and judges S3 errors. */
import { ContractReport, type ServiceModel } from './model';
import { checkExchange, type WireExchange } from './wire';

const s3Model = {
  metadata: { protocol: 'rest-xml', apiVersion: '2006-03-01' },
  operations: {
    Put: {
      name: 'Put',
      http: { method: 'PUT', requestUri: '/{Bucket}/{Key+}' },
      input: { shape: 'PutRequest' },
      output: { shape: 'PutOutput' },
    },
    Upload: {
      name: 'Upload',
      http: { method: 'POST', requestUri: '/{Bucket}/{Key+}?uploads' },
      input: { shape: 'UploadRequest' },
      errors: [{ shape: 'NoSuchThing' }],
    },
  },
  shapes: {
    PutRequest: {
      type: 'structure',
      required: ['Bucket', 'Key'],
      payload: 'Body',
      members: {
        Bucket: { shape: 'Str', location: 'uri', locationName: 'Bucket' },
        Key: { shape: 'Key', location: 'uri', locationName: 'Key' },
        Body: { shape: 'Blob' },
        ContentLength: { shape: 'Long', location: 'header', locationName: 'Content-Length' },
        ChecksumAlgorithm: { shape: 'Algorithm', location: 'header', locationName: 'x-amz-sdk-checksum-algorithm' },
        Expires: { shape: 'Time', location: 'header', locationName: 'Expires' },
        Metadata: { shape: 'Meta', location: 'headers', locationName: 'x-amz-meta-' },
        VersionId: { shape: 'Str', location: 'querystring', locationName: 'versionId' },
      },
    },
    PutOutput: {
      type: 'structure',
      members: { ETag: { shape: 'Str', location: 'header', locationName: 'ETag' } },
    },
    UploadRequest: {
      type: 'structure',
      members: {
        Bucket: { shape: 'Str', location: 'uri', locationName: 'Bucket' },
        Key: { shape: 'Key', location: 'uri' },
      },
    },
    NoSuchThing: { type: 'structure', members: {}, exception: true },
    Str: { type: 'string' },
    Key: { type: 'string', min: 1, max: 12 },
    Blob: { type: 'blob' },
    Long: { type: 'long' },
    Time: { type: 'timestamp' },
    Algorithm: { type: 'string', enum: ['CRC32', 'SHA256'] },
    Meta: { type: 'map', key: { shape: 'Str' }, value: { shape: 'Str' } },
  },
} as unknown as ServiceModel;

const SIGNED = {
  authorization: 'AWS4-HMAC-SHA256 Credential=K/20261220/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0',
  'x-amz-date': '20261220T100000Z',
  'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
  'amz-sdk-invocation-id': '1',
  host: '127.0.0.1',
};

function exchange(x: Partial<WireExchange>): string[] {
  const report = new ContractReport();
  checkExchange(
    { models: { s3: s3Model }, report },
    {
      service: 's3',
      operation: 'Put',
      method: 'PUT',
      path: '/lists/a/b%20c.yaml',
      requestHeaders: { ...SIGNED, 'content-length': '3' },
      requestBody: 'abc',
      status: 200,
      headers: { etag: '"e"', 'x-amz-request-id': 'r' },
      responseBody: '',
      ...x,
    },
  );
  return report.discrepancies.map((d) => `${d.direction} ${d.path}: ${d.rule}`);
}

const error = (code: string, root = 'Error') =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<${root}><Code>${code}</Code><Message>m</Message><RequestId>r</RequestId></${root}>`;
const XML = { 'content-type': 'application/xml', 'x-amz-request-id': 'r' };

describe('decoding restXml by the model', () => {
  it('accepts a path-style PutObject whose signing headers are no members and whose checksum header is one', () => {
    expect(
      exchange({
        requestHeaders: {
          ...SIGNED,
          'content-length': '3',
          'x-amz-sdk-checksum-algorithm': 'CRC32',
          'x-amz-meta-owner': 'patchbot',
          expires: 'Sun, 20 Dec 2026 10:00:00 GMT',
        },
        path: '/lists/a/b.yaml?versionId=v1',
      }),
    ).toEqual([]);
  });

  it('validates what the path and headers carry', () => {
    expect(exchange({ path: '/lists/far/too/long/a/key.yaml' })).toEqual(['request Key: max']);
    expect(exchange({ requestHeaders: { ...SIGNED, 'x-amz-sdk-checksum-algorithm': 'MD4' } })).toEqual([
      'request ChecksumAlgorithm: enum',
    ]);
    expect(exchange({ requestHeaders: { ...SIGNED, 'content-length': 'three' } })).toEqual([
      'request ContentLength: type',
    ]);
    expect(exchange({ path: '/lists' })).toEqual([
      'request : envelope',
      'request Bucket: required',
      'request Key: required',
    ]);
    expect(exchange({ method: 'POST' })).toEqual(['request : envelope']);
  });

  it('flags an x-amz header or query parameter nothing accounts for, and a literal query not sent', () => {
    expect(exchange({ requestHeaders: { ...SIGNED, 'x-amz-checksum-crc32': 'AAAAAA==' } })).toEqual([
      'request x-amz-checksum-crc32: unknown member',
    ]);
    expect(exchange({ path: '/lists/a.yaml?x-id=Put' })).toEqual(['request ?x-id: unknown member']);
    expect(exchange({ operation: 'Upload', method: 'POST', requestBody: '', headers: {} })).toEqual([
      'request ?uploads: envelope',
    ]);
  });

  it('judges the answer: its header members, its status, a body where the model has none', () => {
    expect(exchange({ headers: { etag: '"e"', 'x-amz-request-id': 'r', 'x-amz-expiration': 'x' } })).toEqual([
      'response x-amz-expiration: unknown member',
    ]);
    expect(exchange({ status: 204 })).toEqual(['response : http status']);
    expect(exchange({ responseBody: '<PutResult/>' })).toEqual(['response : unknown member']);
  });

  it('judges S3 error documents: the root, a known code, its status and content type', () => {
    expect(exchange({ status: 403, headers: XML, responseBody: error('AccessDenied') })).toEqual([]);
    expect(exchange({ status: 404, headers: XML, responseBody: error('NoSuchBucket') })).toEqual([]);
    expect(
      exchange({
        operation: 'Upload',
        method: 'POST',
        path: '/b/k?uploads',
        requestBody: '',
        status: 400,
        headers: XML,
        responseBody: error('NoSuchThing'),
      }),
    ).toEqual([]);
    expect(exchange({ status: 403, headers: XML, responseBody: error('AccessDeniedException') })).toEqual([
      'error : error code',
    ]);
    expect(exchange({ status: 500, headers: XML, responseBody: error('NoSuchKey') })).toEqual(['error : http status']);
    expect(exchange({ status: 403, headers: XML, responseBody: error('AccessDenied', 'ErrorResponse') })).toEqual([
      'error : envelope',
    ]);
    expect(
      exchange({ status: 403, headers: { 'content-type': 'text/plain' }, responseBody: error('AccessDenied') }),
    ).toEqual(['error : content-type']);
  });

  it('has no model for a service patchbot does not call', () => {
    expect(exchange({ service: 'sqs' })).toEqual(['request : service']);
  });
});
