/**
 * S3's REST-XML protocol, path-style only (`/{bucket}/{key}` on the simulator's port): PutObject
 * and GetObject; anything else is answered 501 NotImplemented. Errors are S3's XML `<Error>`
 * documents with the elements S3 adds (BucketName, Key, Region) and the x-amz-request-id header.
 */
import { SimulatorError } from '../errors';
import { escapeXml } from '../protocol/xml';
import type { WireResponse } from '../protocol/json';
import type { ParsedRequest, RawRequest, RunContext, ServiceProtocol } from '../service-protocol';
import { decodeAwsChunked, isAwsChunked } from './chunked';
import type { S3Bucket } from './object-store';

const XML = { 'content-type': 'application/xml' };

/** An S3 error with the extra elements S3 writes into its `<Error>` document. */
export class S3Error extends SimulatorError {
  constructor(
    code: string,
    message: string,
    status: number,
    readonly details: Record<string, string> = {},
  ) {
    super(code, message, status);
  }
}

/** The bucket, key and operation a path-style request names. */
function operationOf(request: RawRequest): { operation: string; bucket?: string; key?: string } {
  const path = request.url.pathname;
  const slash = path.indexOf('/', 1);
  const bucket = decodeURIComponent(slash < 0 ? path.slice(1) : path.slice(1, slash));
  const key = slash < 0 ? '' : decodeURIComponent(path.slice(slash + 1));
  const method = request.method;
  const multipart = request.url.searchParams.has('uploads') || request.url.searchParams.has('uploadId');
  if (bucket === '') return { operation: method === 'GET' ? 'ListBuckets' : 'Unknown' };
  if (key === '') {
    const bucketOps: Record<string, string> = {
      GET: 'ListObjects',
      PUT: 'CreateBucket',
      HEAD: 'HeadBucket',
      DELETE: 'DeleteBucket',
    };
    return { operation: bucketOps[method] ?? 'Unknown', bucket };
  }
  if (multipart) return { operation: 'MultipartUpload', bucket, key };
  if (method === 'PUT')
    return { operation: request.headers['x-amz-copy-source'] ? 'CopyObject' : 'PutObject', bucket, key };
  const objectOps: Record<string, string> = { GET: 'GetObject', HEAD: 'HeadObject', DELETE: 'DeleteObject' };
  return { operation: objectOps[method] ?? 'Unknown', bucket, key };
}

/** The bucket a request may use: it exists, the caller's account owns it, and the request was signed for its region. */
function usableBucket(ctx: RunContext, name: string): S3Bucket {
  const bucket = ctx.sim.s3.bucket(name);
  if (!bucket) throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: name });
  if (bucket.account !== ctx.partition.account) throw new S3Error('AccessDenied', 'Access Denied', 403);
  if (bucket.region !== ctx.partition.region)
    throw new S3Error(
      'AuthorizationHeaderMalformed',
      `The authorization header is malformed; the region '${ctx.partition.region}' is wrong; expecting '${bucket.region}'`,
      400,
      { Region: bucket.region },
    );
  return bucket;
}

function putObject(ctx: RunContext, request: RawRequest, bucketName: string, key: string): WireResponse {
  const bucket = usableBucket(ctx, bucketName);
  const body = isAwsChunked(request.headers) ? decodeAwsChunked(request.raw) : request.raw;
  const contentType = String(request.headers['content-type'] ?? 'binary/octet-stream');
  const object = ctx.sim.s3.put(bucket, key, body, contentType, new Date(ctx.sim.clock.now().getTime()));
  return { status: 200, headers: { etag: object.etag, 'x-amz-request-id': ctx.requestId }, body: '' };
}

function getObject(ctx: RunContext, bucketName: string, key: string): WireResponse {
  const bucket = usableBucket(ctx, bucketName);
  const object = bucket.objects.get(key);
  if (!object) throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
  return {
    status: 200,
    headers: {
      'content-type': object.contentType,
      etag: object.etag,
      'last-modified': object.lastModified.toUTCString(),
      'accept-ranges': 'bytes',
      'x-amz-request-id': ctx.requestId,
    },
    body: object.body,
  };
}

/** S3's `<Error>` document. */
export function s3ErrorBody(error: SimulatorError, requestId: string): string {
  const details = error instanceof S3Error ? error.details : {};
  const extra = Object.entries(details)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>${extra}<RequestId>${requestId}</RequestId><HostId>${Buffer.from(requestId).toString('base64')}</HostId></Error>`;
}

/** S3 on the simulator's port. */
export const s3: ServiceProtocol = {
  readsFleet: false,
  parse(_body, _headers, request): ParsedRequest {
    const { operation, bucket, key } = operationOf(request);
    return {
      operation,
      run(ctx) {
        // Objects that command output writes are due by now must be there before a read.
        ctx.sim.advanceAll();
        if (operation === 'PutObject' && bucket && key) return putObject(ctx, request, bucket, key);
        if (operation === 'GetObject' && bucket && key) return getObject(ctx, bucket, key);
        throw new S3Error(
          'NotImplemented',
          `The sandbox's S3 answers path-style PutObject and GetObject only, not ${operation}.`,
          501,
        );
      },
    };
  },
  error: (error, requestId) => ({
    status: error.status,
    headers: { ...XML, 'x-amz-request-id': requestId },
    body: s3ErrorBody(error, requestId),
  }),
  throttled: () => new S3Error('SlowDown', 'Please reduce your request rate.', 503),
  internal: () => new S3Error('InternalError', 'We encountered an internal error. Please try again.', 500),
  accessDenied: (action, account) =>
    new S3Error(
      'AccessDenied',
      `User: arn:aws:sts::${account}:assumed-role/patchbot/sandbox is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`,
      403,
    ),
};
