/** ObjectWriter over S3's PutObject, on the client pool's S3 client of the writing scope and region. */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Logger } from '../logger';
import type { ObjectPut, ObjectWriter } from '../patching/ports';
import type { AwsClientPool } from './clients';
import { toAwsError } from './error-mapping';

/** Writes objects with PutObject; failures become AwsError (AccessDenied names `s3:PutObject`). */
export class S3ObjectWriter implements ObjectWriter {
  private readonly log: Logger;

  constructor(
    private readonly pool: AwsClientPool,
    logger: Logger,
  ) {
    this.log = logger.child({ subsystem: 'aws' });
  }

  async putObject(put: ObjectPut): Promise<void> {
    const context = { service: 's3', operation: 'PutObject', scope: put.scope, region: put.region };
    try {
      await this.pool.get(put.scope, put.region).s3.send(
        new PutObjectCommand({
          Bucket: put.bucket,
          Key: put.key,
          Body: put.body,
          ContentType: put.contentType,
        }),
      );
      this.log.info({ bucket: put.bucket, key: put.key, scope: put.scope }, 'object written');
    } catch (err) {
      const mapped = toAwsError(err, context);
      this.log.warn(
        { bucket: put.bucket, key: put.key, code: mapped.code, awsCode: mapped.awsCode },
        'PutObject failed',
      );
      throw mapped;
    }
  }
}
