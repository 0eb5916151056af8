/**
 * S3 as a simulated instance reaches it: through its instance profile in its own account, so the
 * deny knob's `s3:GetObject` / `s3:PutObject` rules apply to it as they do to a client. Used to
 * fetch an InstallOverrideList and to upload command output.
 */
import { isDenied, type DenyRule } from '../knobs';
import type { ObjectStore } from './object-store';
import type { S3Location } from './urls';

/** A read that failed, worded as the AWS CLI / SDK on the instance reports it. */
export interface S3ReadFailure {
  code: string;
  message: string;
}

/** One partition's instances' view of S3. */
export class InstanceS3 {
  constructor(
    private readonly store: ObjectStore,
    private readonly deny: () => readonly DenyRule[],
    private readonly account: string,
    private readonly region: string,
  ) {}

  /** The object's bytes, or why they could not be read. */
  read(location: S3Location): { body: Buffer } | { failure: S3ReadFailure } {
    const bucket = this.store.bucket(location.bucket);
    if (!bucket) return { failure: { code: 'NoSuchBucket', message: 'The specified bucket does not exist' } };
    if (bucket.account !== this.account || isDenied(this.deny(), 's3:GetObject', this.account, this.region))
      return { failure: { code: 'AccessDenied', message: 'Access Denied' } };
    const object = bucket.objects.get(location.key);
    if (!object) return { failure: { code: 'NoSuchKey', message: 'The specified key does not exist.' } };
    return { body: object.body };
  }

  /** The bucket's region if the instance may write to it; undefined when the upload would fail. */
  writableRegion(bucketName: string): string | undefined {
    const bucket = this.store.bucket(bucketName);
    if (!bucket || bucket.account !== this.account) return undefined;
    if (isDenied(this.deny(), 's3:PutObject', this.account, this.region)) return undefined;
    return bucket.region;
  }

  /** Uploads an object; false when the bucket is missing, foreign or the upload is denied. */
  write(bucketName: string, key: string, text: string, at: Date): boolean {
    const bucket = this.store.bucket(bucketName);
    if (!bucket || this.writableRegion(bucketName) === undefined) return false;
    this.store.put(bucket, key, Buffer.from(text, 'utf8'), 'text/plain; charset=utf-8', at);
    return true;
  }

  /** The region a bucket lives in, if it exists (Run Command reports output URLs in it). */
  bucketRegion(bucketName: string): string | undefined {
    return this.store.bucket(bucketName)?.region;
  }
}
