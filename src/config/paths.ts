/** Paths into the configuration document, written the way people read them: groups.PRD.approval, aws.scopes[0]. */

/** One step of a path: a mapping key or a list index. */
export type PathSegment = string | number;

const PLAIN_KEY_RE = /^[A-Za-z0-9_-]+$/;

/** `['groups', 'PRD', 'install']` → `groups.PRD.install`; list indexes as `[0]`, odd keys quoted: `groups["web.prd"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY_RE.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** The value at `path` in plain data, and whether the last key is present at all. */
export function valueAt(root: unknown, path: readonly PathSegment[]): { found: boolean; value: unknown } {
  let current: unknown = root;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number' && segment < current.length) current = current[segment];
    else if (
      typeof current === 'object' &&
      current !== null &&
      !Array.isArray(current) &&
      Object.hasOwn(current, String(segment))
    ) {
      current = (current as Record<string, unknown>)[String(segment)];
    } else return { found: false, value: undefined };
  }
  return { found: true, value: current };
}
