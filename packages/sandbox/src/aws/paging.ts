/**
 * Opaque NextToken paging shared by every list operation. A token records the partition, the
 * operation, a fingerprint of the request's filters and the sort key of the last item returned,
 * so a page boundary survives items being added between calls (no item is returned twice), and a
 * token replayed against another request or partition is refused, as AWS refuses it.
 */
import { hashString } from './random';
import type { SimulatorError } from './errors';

/** What a token is bound to. */
export interface PagingScope {
  partitionKey: string;
  operation: string;
  /** The request minus NextToken and MaxResults. */
  request: unknown;
}

/** One page of items plus the token for the next, if any. */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

interface TokenBody {
  p: string;
  o: string;
  f: number;
  k: string;
}

/** JSON with sorted keys, so the same request always fingerprints the same. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function fingerprint(scope: PagingScope): number {
  return hashString(stableJson(scope.request));
}

function seal(body: TokenBody): string {
  const json = JSON.stringify(body);
  return `${Buffer.from(json).toString('base64url')}.${hashString(`patchbot-sandbox:${json}`).toString(36)}`;
}

function open(token: string): TokenBody | undefined {
  const [payload, check] = token.split('.');
  if (!payload || !check) return undefined;
  let json: string;
  try {
    json = Buffer.from(payload, 'base64url').toString('utf8');
  } catch {
    return undefined;
  }
  if (hashString(`patchbot-sandbox:${json}`).toString(36) !== check) return undefined;
  try {
    const body = JSON.parse(json) as TokenBody;
    return typeof body.k === 'string' ? body : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Returns one page of `items` in ascending `keyOf` order (plain string order; keys must be
 * unique). `invalidToken` builds the service's own error for a foreign token.
 */
export function paginate<T>(
  unsorted: readonly T[],
  keyOf: (item: T) => string,
  maxResults: number,
  nextToken: string | undefined,
  scope: PagingScope,
  invalidToken: () => SimulatorError,
): Page<T> {
  const after = tokenKey(nextToken, scope, invalidToken);
  const items = sortedByKey(unsorted, keyOf);
  const start = after === undefined ? 0 : firstAfter(items, keyOf, after);
  const page = items.slice(start, start + maxResults);
  const last = page[page.length - 1];
  if (start + maxResults >= items.length || last === undefined) return { items: page };
  return { items: page, nextToken: sealKey(scope, keyOf(last)) };
}

/**
 * One page from an indexed walk: `walk(afterKey)` yields candidates in ascending key order after
 * the token's key, and the page takes the `accept`ed ones until it is full, plus one look-ahead
 * to decide NextToken. Costs what the page walks, not what the list holds.
 */
export function paginateWalk<T>(
  walk: (afterKey: string | undefined) => Iterable<T>,
  keyOf: (item: T) => string,
  accept: (item: T) => boolean,
  maxResults: number,
  nextToken: string | undefined,
  scope: PagingScope,
  invalidToken: () => SimulatorError,
): Page<T> {
  const after = tokenKey(nextToken, scope, invalidToken);
  const items: T[] = [];
  let more = false;
  for (const item of walk(after)) {
    if (!accept(item)) continue;
    if (items.length >= maxResults) {
      more = true;
      break;
    }
    items.push(item);
  }
  const last = items[items.length - 1];
  if (!more || last === undefined) return { items };
  return { items, nextToken: sealKey(scope, keyOf(last)) };
}

/** The last key a token carries (undefined without a token); a foreign token throws `invalidToken()`. */
function tokenKey(nextToken: string | undefined, scope: PagingScope, invalidToken: () => SimulatorError) {
  if (nextToken === undefined) return undefined;
  const body = open(nextToken);
  if (!body || body.p !== scope.partitionKey || body.o !== scope.operation || body.f !== fingerprint(scope)) {
    throw invalidToken();
  }
  return body.k;
}

function sealKey(scope: PagingScope, key: string): string {
  return seal({ p: scope.partitionKey, o: scope.operation, f: fingerprint(scope), k: key });
}

/** The items in key order; already-sorted lists (the usual case) are returned as they are. */
function sortedByKey<T>(items: readonly T[], keyOf: (item: T) => string): readonly T[] {
  const keys = items.map(keyOf);
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) sorted = (keys[i - 1] as string) < (keys[i] as string);
  if (sorted) return items;
  return items
    .map((item, i) => ({ item, key: keys[i] as string }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((entry) => entry.item);
}

/** Binary search for the first item whose key sorts after `key`. */
function firstAfter<T>(items: readonly T[], keyOf: (item: T) => string, key: string): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const item = items[mid] as T;
    if (keyOf(item) <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sort key for "newest first" lists: later times sort earlier, ties broken by id. */
export function newestFirstKey(timeMs: number, id: string): string {
  return `${String(9_999_999_999_999 - timeMs).padStart(13, '0')}|${id}`;
}

/** Sort key for "oldest first" lists. */
export function oldestFirstKey(timeMs: number, id: string): string {
  return `${String(timeMs).padStart(13, '0')}|${id}`;
}
