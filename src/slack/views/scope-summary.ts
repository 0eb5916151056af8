/**
 * Where a group's instances live, in one line: "PRD: 1,204 instances in 2 accounts, 3 regions".
 * Accounts are the distinct configured scope names (a scope is one account; its `accountId` is
 * optional, so the name is what is always known); regions are the distinct region names. Pure and
 * plain text: views escape what they embed.
 */
import { formatCount, plural } from '../mrkdwn';

/** One (scope, region) that answered, with the instances found there. */
export interface ScopeCount {
  scope: string;
  region: string;
  instances: number;
}

/** "in 2 accounts, 3 regions"; empty when everything is in one scope and one region (or nowhere). */
export function scopeSpread(scopes: ReadonlyArray<Pick<ScopeCount, 'scope' | 'region'>>): string {
  const accounts = new Set(scopes.map((s) => s.scope)).size;
  const regions = new Set(scopes.map((s) => s.region)).size;
  if (accounts <= 1 && regions <= 1) return '';
  return `in ${plural(accounts, 'account')}, ${plural(regions, 'region')}`;
}

/** "PRD: 1,204 instances in 2 accounts, 3 regions", or "PRD: 1 instance" for one scope and region. */
export function scopeSummary(group: string, scopes: readonly ScopeCount[]): string {
  const instances = scopes.reduce((n, s) => n + s.instances, 0);
  const spread = scopeSpread(scopes);
  return `${group}: ${formatCount(instances)} ${instances === 1 ? 'instance' : 'instances'}${spread ? ` ${spread}` : ''}`;
}

/** Instance lines (plan targets, say) counted per scope and region, in first-seen order. */
export function countByScope(items: ReadonlyArray<Pick<ScopeCount, 'scope' | 'region'>>): ScopeCount[] {
  const byKey = new Map<string, ScopeCount>();
  for (const i of items) {
    const key = `${i.scope}\u0000${i.region}`;
    const found = byKey.get(key);
    if (found) found.instances++;
    else byKey.set(key, { scope: i.scope, region: i.region, instances: 1 });
  }
  return [...byKey.values()];
}
