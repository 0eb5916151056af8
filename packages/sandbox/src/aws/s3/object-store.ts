/**
 * The simulator's S3: buckets and their objects. Bucket names are global, as on S3; each bucket
 * belongs to one account and lives in one region. Objects keep their bytes, content type, ETag
 * (the MD5 of the body, as S3 writes it for a single-part upload) and time of last change.
 */
import { createHash } from 'node:crypto';
import { SimulatorError } from '../errors';

/** One stored object. */
export interface S3Object {
  body: Buffer;
  contentType: string;
  etag: string;
  lastModified: Date;
}

/** One bucket. */
export interface S3Bucket {
  name: string;
  account: string;
  region: string;
  objects: Map<string, S3Object>;
}

/** S3's bucket naming rules (general purpose buckets): 3 to 63 of a-z 0-9 . -, starting and ending alphanumeric. */
export const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Every bucket, by name. */
export class ObjectStore {
  private readonly buckets = new Map<string, S3Bucket>();

  /** Creates an empty bucket owned by `account` in `region`; a taken name is refused as S3 does. */
  createBucket(name: string, account: string, region: string): S3Bucket {
    if (!BUCKET_NAME.test(name) || name.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(name))
      throw new SimulatorError(
        'InvalidBucketName',
        `${name} is not a valid bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit.`,
      );
    const existing = this.buckets.get(name);
    if (existing && existing.account === account)
      throw new SimulatorError('BucketAlreadyOwnedByYou', `Bucket ${name} already exists in your account.`, 409);
    if (existing) throw new SimulatorError('BucketAlreadyExists', `Bucket name ${name} is taken.`, 409);
    const bucket: S3Bucket = { name, account, region, objects: new Map() };
    this.buckets.set(name, bucket);
    return bucket;
  }

  /** A bucket by name. */
  bucket(name: string): S3Bucket | undefined {
    return this.buckets.get(name);
  }

  /** Every bucket, in creation order. */
  list(): S3Bucket[] {
    return [...this.buckets.values()];
  }

  /** Stores an object, replacing any with the same key. */
  put(bucket: S3Bucket, key: string, body: Buffer, contentType: string, at: Date): S3Object {
    const object: S3Object = {
      body,
      contentType,
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      lastModified: at,
    };
    bucket.objects.set(key, object);
    return object;
  }

  /** Forgets every bucket (on reset). */
  clear(): void {
    this.buckets.clear();
  }
}
