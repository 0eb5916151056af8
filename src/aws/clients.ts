import { EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, MiddlewareStack } from '@aws-sdk/types';
import type { AwsScope } from '../patching/fleet-types';
import { type Logger, silentLogger } from '../logger';
import { DEFAULT_RATE_LIMIT, type RateLimit } from '../config/rate-limit';
import { instancePageGate, useInstancePageGate } from './instance-page-gate';
import { budgetKey, TokenBucket, useRateBudget } from './rate-budget';
import { useSlackFirst } from './slack-first-wait';
import type { SlackFirst } from '../shared/slack-first';
import { TurnBudget } from '../shared/turn-budget';

/**
 * Settings that production leaves unset so that the SDK reads its own environment (credential
 * chain, AWS_ENDPOINT_URL*); the sandbox, tests and benchmarks set them. The retry settings come
 * from AWS_MAX_ATTEMPTS and AWS_RETRY_MODE, which the config module reads (`AppEnv.awsRetry`).
 */
export interface ClientOptions {
  endpoint?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Attempts per call of the retrying clients (AWS_MAX_ATTEMPTS); default 8 (SSM publishes no rate limits). */
  maxAttempts?: number;
  /** Retry mode of the retrying clients (AWS_RETRY_MODE); default adaptive. `legacy` is standard: the JavaScript SDK has no other. */
  retryMode?: 'standard' | 'adaptive' | 'legacy';
  /** How long a call that changes something (SendCommand, RebootInstances) waits for its answer; default 30 s. */
  sendTimeoutMs?: number;
  /**
   * Replaces every scope's request budget (the sandbox, tests and benchmarks set it); unset, each
   * scope has its own from the config (aws.rateLimit or the scope's), else DEFAULT_RATE_LIMIT.
   */
  rateLimit?: RateLimit;
  /** When given, every request first waits while Slack requests await their acknowledgement (src/shared/slack-first.ts). */
  slackFirst?: SlackFirst;
  /** The process's background turns, which answers are parsed in (src/shared/turn-budget.ts); unset, the pool has its own. */
  turns?: TurnBudget;
}

/** The SDK clients patchbot uses in one scope and region. */
export interface RegionClients {
  ssm: SSMClient;
  ec2: EC2Client;
  sts: STSClient;
  /** Writes promote's InstallOverrideList objects (PutObject is idempotent per key and body, so it retries). */
  s3: S3Client;
  /**
   * For calls that are not idempotent (SendCommand, RebootInstances): one attempt, no automatic
   * retry (a retry after a lost answer would run the change twice), and an explicit request timeout,
   * which bounds how long such a request can still be on its way (`sendTimeoutMs`).
   */
  once: { ssm: SSMClient; ec2: EC2Client; sendTimeoutMs: number };
  /** Where the large answers (instance and patch state pages) are parsed: background turns of the event loop. */
  turns: TurnBudget;
}

/** The default answer timeout of a call that changes something. */
export const DEFAULT_SEND_TIMEOUT_MS = 30_000;

const DEFAULT_MAX_ATTEMPTS = 8;

/** Credentials this close to expiry are refreshed before use (the SDK's own margin is 5 minutes). */
export const CREDENTIALS_REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * One in-flight or cached identity shared by every caller: concurrent first calls wait on the same
 * request, and a new one is made only when the identity expires within `marginMs` (or has no expiry
 * and was never fetched) or the last attempt failed. A caller passing `forceRefresh` gets a new one.
 */
export function memoizeCredentials(
  provider: AwsCredentialIdentityProvider,
  options: { marginMs?: number; now?: () => number } = {},
): AwsCredentialIdentityProvider {
  const margin = options.marginMs ?? CREDENTIALS_REFRESH_MARGIN_MS;
  const now = options.now ?? Date.now;
  let cached: Promise<AwsCredentialIdentity> | undefined;
  let identity: AwsCredentialIdentity | undefined;
  const fresh = (id: AwsCredentialIdentity) => id.expiration === undefined || id.expiration.getTime() - margin > now();
  const fetch = (): Promise<AwsCredentialIdentity> => {
    const pending = provider().then(
      (id) => {
        identity = id;
        return id;
      },
      (err: unknown) => {
        if (cached === pending) cached = undefined;
        throw err;
      },
    );
    cached = pending;
    identity = undefined;
    return pending;
  };
  return (props?: { forceRefresh?: boolean }) => {
    if (props?.forceRefresh || !cached || (identity !== undefined && !fresh(identity))) return fetch();
    return cached;
  };
}

/** Builds SDK clients per scope and region on first use and keeps them; the only maker of clients. */
export class AwsClientPool {
  private readonly scopes = new Map<string, AwsScope>();
  private readonly clients = new Map<string, RegionClients>();
  private readonly credentials = new Map<string, AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined>();
  /** One bucket per account (or unnamed scope) and region, shared by every client there. */
  private readonly budgets = new Map<string, TokenBucket>();
  /** Shared by every scope and region: the cap is on the process's CPU and heap, not on AWS. */
  private readonly instancePages = instancePageGate();
  /** Shared for the same reason: one budget of the event loop's turns. */
  private readonly turns: TurnBudget;
  private readonly log: Logger;

  constructor(
    scopes: AwsScope[],
    private readonly options: ClientOptions = {},
    logger: Logger = silentLogger(),
  ) {
    for (const scope of scopes) this.scopes.set(scope.name, scope);
    this.log = logger.child({ subsystem: 'aws' });
    this.turns = options.turns ?? new TurnBudget(options.slackFirst ? { slackFirst: options.slackFirst } : {});
  }

  /** The clients for a scope and one of its regions. */
  get(scopeName: string, region: string): RegionClients {
    const key = `${scopeName}/${region}`;
    const existing = this.clients.get(key);
    if (existing) return existing;
    const scope = this.scopes.get(scopeName);
    if (!scope) throw new Error(`unknown AWS scope "${scopeName}"`);
    const config = {
      region,
      retryMode:
        this.options.retryMode === 'standard' || this.options.retryMode === 'legacy'
          ? ('standard' as const)
          : ('adaptive' as const),
      maxAttempts: this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      credentials: this.credentialsFor(scope, region),
      ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}),
    };
    const sendTimeoutMs = this.options.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
    // One attempt whatever AWS_MAX_ATTEMPTS says: a retry after a lost answer would run the change twice.
    // And an answer timeout that throws (the Node handler only warns unless told to).
    const onceConfig = {
      ...config,
      maxAttempts: 1,
      requestHandler: { requestTimeout: sendTimeoutMs, throwOnRequestTimeout: true },
    };
    const created: RegionClients = {
      ssm: new SSMClient(config),
      ec2: new EC2Client(config),
      sts: new STSClient(config),
      // Path-style only against an endpoint override (the simulator serves buckets under its one host);
      // AWS itself gets the SDK's default addressing, and a bucket in another region is followed there.
      s3: new S3Client({
        ...config,
        followRegionRedirects: true,
        ...(this.options.endpoint ? { forcePathStyle: true } : {}),
      }),
      once: { ssm: new SSMClient(onceConfig), ec2: new EC2Client(onceConfig), sendTimeoutMs },
      turns: this.turns,
    };
    // Every client of the region, the one-attempt ones too: AWS counts all their requests against one limit.
    // Each request first lets Slack's waiting acknowledgements go ahead (when the bot gave a SlackFirst).
    const bucket = this.budgetFor(scope, region);
    const log = this.log.child({ scope: scope.name, region });
    const { slackFirst } = this.options;
    const paced = <I extends object, O extends object>(stack: MiddlewareStack<I, O>) => {
      useRateBudget(stack, bucket, log);
      if (slackFirst) useSlackFirst(stack, slackFirst);
    };
    paced(created.ssm.middlewareStack);
    paced(created.ec2.middlewareStack);
    paced(created.sts.middlewareStack);
    paced(created.s3.middlewareStack);
    paced(created.once.ssm.middlewareStack);
    paced(created.once.ec2.middlewareStack);
    useInstancePageGate(created.ec2.middlewareStack, this.instancePages);
    useInstancePageGate(created.once.ec2.middlewareStack, this.instancePages);
    this.clients.set(key, created);
    return created;
  }

  /** Closes every client's sockets. */
  destroy(): void {
    for (const c of this.clients.values()) {
      c.ssm.destroy();
      c.ec2.destroy();
      c.sts.destroy();
      c.s3.destroy();
      c.once.ssm.destroy();
      c.once.ec2.destroy();
    }
    this.clients.clear();
  }

  /**
   * The bucket of the scope's account and region. Scopes naming the same account share it, at the
   * lowest rate and burst any of them asks for (AWS counts their requests together).
   */
  private budgetFor(scope: AwsScope, region: string): TokenBucket {
    const key = budgetKey(scope, region);
    let bucket = this.budgets.get(key);
    if (!bucket) {
      const limits = this.options.rateLimit
        ? [this.options.rateLimit]
        : [...this.scopes.values()]
            .filter((s) => s.regions.includes(region) && budgetKey(s, region) === key)
            .map((s) => s.rateLimit ?? DEFAULT_RATE_LIMIT);
      bucket = new TokenBucket({
        requestsPerSecond: Math.min(...limits.map((l) => l.requestsPerSecond)),
        burst: Math.min(...limits.map((l) => l.burst)),
      });
      this.budgets.set(key, bucket);
    }
    return bucket;
  }

  /**
   * A role is assumed where the scope names one. One memoized provider per scope serves its SSM, EC2
   * and STS clients in every region: one AssumeRole until the credentials near expiry.
   * (`fromTemporaryCredentials` alone is not memoized, and each client would cache on its own.)
   */
  private credentialsFor(
    scope: AwsScope,
    region: string,
  ): AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined {
    if (!scope.roleArn) return this.options.credentials;
    if (!this.credentials.has(scope.name)) {
      this.credentials.set(
        scope.name,
        memoizeCredentials(
          fromTemporaryCredentials({
            params: {
              RoleArn: scope.roleArn,
              RoleSessionName: 'patchbot',
              ...(scope.externalId ? { ExternalId: scope.externalId } : {}),
            },
            ...(this.options.credentials ? { masterCredentials: this.options.credentials } : {}),
            clientConfig: { region, ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}) },
          }),
        ),
      );
    }
    return this.credentials.get(scope.name);
  }
}
