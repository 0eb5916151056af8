import type { Logger } from '../logger';
import { AwsClientPool, type ClientOptions } from './clients';
import { FleetGateway } from './gateway';
import type { AwsScope } from '../patching/fleet-types';

export { AwsClientPool, type ClientOptions } from './clients';
export { S3ObjectWriter } from './s3-writer';
export { FleetGateway, LIMITS, PATCH_DOCUMENT, patchCommandComment } from './gateway';
export * from '../patching/fleet-types';

/** The gateways of every configured scope and region, over one shared client pool. */
export interface Fleet {
  gateways: FleetGateway[];
  pool: AwsClientPool;
  /** Closes every client's sockets. */
  close(): void;
}

/** Builds one gateway per scope and region; clients are created on first use. */
export function createFleet(scopes: AwsScope[], logger: Logger, options: ClientOptions = {}): Fleet {
  const pool = new AwsClientPool(scopes, options, logger);
  const gateways = scopes.flatMap((scope) =>
    scope.regions.map(
      (region) =>
        new FleetGateway({
          clients: pool.get(scope.name, region),
          scope: scope.name,
          region,
          logger,
          account: scope.accountId ?? /^arn:[^:]+:iam::(\d{12}):/.exec(scope.roleArn ?? '')?.[1],
        }),
    ),
  );
  return { gateways, pool, close: () => pool.destroy() };
}
