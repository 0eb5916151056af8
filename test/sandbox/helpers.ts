/**
 * Shared test helpers: real SDK clients pointed at a simulator, and a matcher for AWS errors.
 */
import { SSMClient } from '@aws-sdk/client-ssm';
import { EC2Client } from '@aws-sdk/client-ec2';
import { STSClient } from '@aws-sdk/client-sts';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

/** Static keys; the simulator maps unknown keys to account 123456789012. */
export const CREDENTIALS = { accessKeyId: 'SANDBOXTESTKEY000001', secretAccessKey: 'not-checked' };

/** Options for one set of clients. */
export interface ClientOptions {
  region?: string;
  credentials?: NonNullable<ConstructorParameters<typeof SSMClient>[0]>['credentials'];
  maxAttempts?: number;
  retryMode?: 'standard' | 'adaptive';
  /** Gives up on an answer after this long (the SDK's Node handler requestTimeout). */
  requestTimeoutMs?: number;
}

/** SSM, EC2 and STS clients for a simulator URL; `destroy()` closes their sockets. */
export function clients(url: string, options: ClientOptions = {}) {
  const config = {
    endpoint: url,
    region: options.region ?? 'us-east-1',
    credentials: options.credentials ?? CREDENTIALS,
    maxAttempts: options.maxAttempts ?? 1,
    ...(options.retryMode ? { retryMode: options.retryMode } : {}),
    ...(options.requestTimeoutMs
      ? { requestHandler: { requestTimeout: options.requestTimeoutMs, throwOnRequestTimeout: true } }
      : {}),
  };
  const ssm = new SSMClient(config);
  const ec2 = new EC2Client(config);
  const sts = new STSClient(config);
  return {
    ssm,
    ec2,
    sts,
    destroy() {
      ssm.destroy();
      ec2.destroy();
      sts.destroy();
    },
  };
}

/** Resolves to the error a promise rejects with (fails the test if it resolves). */
export async function failure(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number; requestId?: string } }> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail, it succeeded');
}

/** Polls until `check` returns a value. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** GETs an admin endpoint, or POSTs `body` (an object, or raw text to test bad JSON) to it. */
export async function admin(
  url: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** An S3 client for the simulator's path-style S3 (one attempt, the sandbox credentials); `config` overrides. */
export function s3Client(url: string, config: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint: url,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    maxAttempts: 1,
    ...config,
  });
}
