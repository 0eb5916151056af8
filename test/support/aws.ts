import { createFleet, type ClientOptions, type Fleet, type GroupTarget } from '../../src/aws';
import type { AwsScope } from '../../src/patching/fleet-types';
import { silentLogger } from '../../src/logger';

/** Static keys for the simulator; any key maps to its default account unless mapped otherwise. */
export const SANDBOX_CREDENTIALS = { accessKeyId: 'SANDBOXDEFAULTKEY001', secretAccessKey: 'sandbox' };

/** The seeded groups as the bot's config would describe them. */
export const GROUPS: Record<'STG' | 'PRD', GroupTarget> = {
  STG: { tagKey: 'Patch Group', tagValue: 'STG', operatingSystem: 'AMAZON_LINUX_2' },
  PRD: { tagKey: 'Patch Group', tagValue: 'PRD', operatingSystem: 'AMAZON_LINUX_2' },
};

/**
 * A request budget roomy enough that the simulator's tests are never slowed by it; tests of the
 * budget itself (rate-budget.e2e) pass their own.
 */
export const ROOMY_RATE_LIMIT = { requestsPerSecond: 10_000, burst: 10_000 };

/** A fleet of gateways pointed at a running simulator, as production would build it but for the endpoint and budget. */
export function sandboxFleet(
  url: string,
  scopes: AwsScope[] = [{ name: 'default', regions: ['us-east-1'] }],
  maxAttempts?: number,
  extra: Partial<ClientOptions> = {},
): Fleet {
  return createFleet(scopes, silentLogger(), {
    endpoint: url,
    credentials: SANDBOX_CREDENTIALS,
    rateLimit: ROOMY_RATE_LIMIT,
    ...(maxAttempts ? { maxAttempts } : {}),
    ...extra,
  });
}

/** Polls `check` until it returns a value or the deadline passes. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
