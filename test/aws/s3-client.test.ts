/** The pool's S3 client: path-style only against an endpoint override (the simulator), the SDK's own addressing on AWS. */
import { AwsClientPool } from '../../src/aws';

const scope = { name: 'default', regions: ['us-east-1'] };
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

describe('AwsClientPool S3 client', () => {
  it('addresses buckets path-style only where an endpoint override is configured', async () => {
    const local = new AwsClientPool([scope], { endpoint: 'http://127.0.0.1:4566', credentials });
    const aws = new AwsClientPool([scope], { credentials });
    try {
      expect(local.get('default', 'us-east-1').s3.config.forcePathStyle).toBe(true);
      expect(aws.get('default', 'us-east-1').s3.config.forcePathStyle).toBeFalsy();
      // A bucket in another region than the writing scope's is followed there rather than failing.
      expect(aws.get('default', 'us-east-1').s3.config.followRegionRedirects).toBe(true);
    } finally {
      local.destroy();
      aws.destroy();
    }
  });
});
