/**
 * Which gateways serve a patch group, and running one call on each of them. A group spans scopes
 * (accounts) and their regions; one scope failing (a missing IAM permission, a region outage) must
 * not hide what the others answered, so fan-out returns both results and failures.
 */
import type { GroupTarget } from './fleet-types';
import type { PatchGateway } from './ports';
import { mapLimit } from '../shared/concurrency';
import type { PatchGroup } from '../config/schema';
import { toPatchbotError, type PatchbotError } from '../errors';
import type { Logger } from '../logger';
import type { ScopeFailure } from './record-schemas';

export type { PatchGateway } from './ports';

/** Anything that names a scope and region: a gateway, or work bound to one. */
export interface ScopeRef {
  scope: string;
  region: string;
}

/** One scope's answer in a fan-out; `gateway` is the item the function ran on. */
export interface ScopeResult<T, G extends ScopeRef = PatchGateway> {
  gateway: G;
  value: T;
}

/** Everything a fan-out learned: the answers and the scopes that failed. */
export interface FanOut<T, G extends ScopeRef = PatchGateway> {
  results: ScopeResult<T, G>[];
  failures: ScopeFailure[];
  /** The errors behind `failures`, in the same order (for their codes). */
  errors: PatchbotError[];
}

/**
 * How many scopes and regions are asked at once: all of them. Each account and region has its own
 * request budget (src/aws/rate-budget.ts), which is what bounds the load on AWS; a cap here would only
 * let one slow or throttled scope hold a slot and hold up the scopes queued behind it.
 */
export const SCOPE_CONCURRENCY = Number.POSITIVE_INFINITY;

/** The gateways of the group's scopes (each scope brings all its regions), in configuration order. */
export function gatewaysForGroup<G extends PatchGateway>(
  group: Pick<PatchGroup, 'scopes'>,
  gateways: readonly G[],
): G[] {
  return gateways.filter((g) => group.scopes.includes(g.scope));
}

/** The gateway of one scope and region, if configured. */
export function gatewayFor<G extends PatchGateway>(
  gateways: readonly G[],
  scope: string,
  region: string,
): G | undefined {
  return gateways.find((g) => g.scope === scope && g.region === region);
}

/** How AWS finds the group: its tag and operating system. */
export function groupTarget(group: Pick<PatchGroup, 'tagKey' | 'tagValue' | 'operatingSystem'>): GroupTarget {
  return { tagKey: group.tagKey, tagValue: group.tagValue, operatingSystem: group.operatingSystem };
}

/** A failure of one scope as users see it: the error's user message (never a stack). */
export function scopeFailure(gateway: ScopeRef, err: unknown): ScopeFailure {
  return { scope: gateway.scope, region: gateway.region, message: toPatchbotError(err).userMessage };
}

/** Runs `fn` on each gateway (or scope-bound item), at most `concurrency` at once (default all); a throwing gateway becomes a ScopeFailure (and a log line). */
export async function fanOut<T, G extends ScopeRef>(
  gateways: readonly G[],
  fn: (gateway: G) => Promise<T>,
  options: { concurrency?: number; logger?: Logger; what?: string } = {},
): Promise<FanOut<T, G>> {
  const settled = await mapLimit(gateways, options.concurrency ?? SCOPE_CONCURRENCY, async (gateway) => {
    try {
      return { gateway, ok: true as const, value: await fn(gateway) };
    } catch (err) {
      options.logger?.warn({ scope: gateway.scope, region: gateway.region, err, what: options.what }, 'scope failed');
      const error = toPatchbotError(err);
      return {
        gateway,
        ok: false as const,
        error,
        failure: { scope: gateway.scope, region: gateway.region, message: error.userMessage },
      };
    }
  });
  const results: ScopeResult<T, G>[] = [];
  const failures: ScopeFailure[] = [];
  const errors: PatchbotError[] = [];
  for (const s of settled) {
    if (s.ok) results.push({ gateway: s.gateway, value: s.value });
    else {
      failures.push(s.failure);
      errors.push(s.error);
    }
  }
  return { results, failures, errors };
}
