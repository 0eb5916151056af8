/**
 * The Query protocols' request side (EC2's ec2Query and STS's awsQuery): a form-urlencoded body
 * whose dotted keys (`Filter.1.Value.2`, `PolicyArns.member.1.arn`) are turned back into a tree of
 * structures and 1-based lists.
 */

/** A decoded Query value: a string, a list, or a structure. */
export type QueryValue = string | QueryValue[] | QueryStruct;
/** A decoded Query structure. */
export interface QueryStruct {
  [key: string]: QueryValue;
}

/** Parses a form body into a tree: numeric key segments become list positions. */
export function parseQuery(body: string): QueryStruct {
  const root: QueryStruct = {};
  const params = new URLSearchParams(body);
  for (const [key, value] of params) {
    insert(root, key.split('.'), value);
  }
  return compact(root as unknown as Node) as QueryStruct;
}

type Node = { [key: string]: Node | string };

function insert(node: QueryStruct, path: string[], value: string): void {
  let current = node as unknown as Node;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i] as string;
    if (i === path.length - 1) {
      current[segment] = value;
      return;
    }
    const next = current[segment];
    if (next === undefined || typeof next === 'string') {
      const created: Node = {};
      current[segment] = created;
      current = created;
    } else {
      current = next;
    }
  }
}

/** Objects whose keys are all positive integers become lists ordered by index. */
function compact(node: Node | string): QueryValue {
  if (typeof node === 'string') return node;
  const keys = Object.keys(node);
  if (keys.length > 0 && keys.every((k) => /^[1-9][0-9]*$/.test(k))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => compact(node[String(k)] as Node | string));
  }
  const out: QueryStruct = {};
  for (const key of keys) out[key] = compact(node[key] as Node | string);
  return out;
}

/** A string member, or undefined. */
export function queryString(node: QueryStruct, key: string): string | undefined {
  const value = node[key];
  return typeof value === 'string' ? value : undefined;
}

/** A list of strings under `key` (ec2Query flattens lists: `InstanceId.1`, `InstanceId.2`). */
export function queryStringList(node: QueryStruct, key: string): string[] | undefined {
  const value = node[key];
  if (value === undefined) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  const member = value['member'];
  if (Array.isArray(member)) return member.filter((v): v is string => typeof v === 'string');
  return undefined;
}

/** A list of structures under `key`. */
export function queryStructList(node: QueryStruct, key: string): QueryStruct[] | undefined {
  const value = node[key];
  if (value === undefined) return undefined;
  const list = Array.isArray(value)
    ? value
    : typeof value === 'object' && Array.isArray(value['member'])
      ? value['member']
      : undefined;
  if (!list) return undefined;
  return list.filter((v): v is QueryStruct => typeof v === 'object' && !Array.isArray(v));
}
