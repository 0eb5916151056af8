/**
 * zod issues → ConfigIssues people can act on: the path in the document, what was expected and
 * what was found (secrets never shown), and the line and column where the document has them.
 */
import type { z } from 'zod';
import type { ConfigIssue } from '../errors';
import { formatPath, valueAt, type PathSegment } from './paths';

/** A ConfigIssue that also knows where in the file it is (1-based), when the document tells. */
export interface PositionedIssue extends ConfigIssue {
  line?: number;
  column?: number;
}

/** Finds the line and column of a value, or of a key (for unknown and missing keys). */
export type Locator = (
  path: readonly PathSegment[],
  target: 'key' | 'value',
) => { line: number; column: number } | undefined;

const SLACK_TOKEN_RE = /^(?:xox[a-z]|xapp)-/;

/** How a found value reads in a message: `"soon"`, `the number 4`, `a list`; token-like strings are not shown. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (typeof value === 'string') {
    if (value === '') return 'an empty string';
    if (SLACK_TOKEN_RE.test(value)) return 'a value that looks like a Slack token (not shown)';
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  }
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return Object.keys(value).length === 0 ? 'an empty mapping' : 'a mapping';
  return typeof value;
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

/** Messages for issues no schema worded itself; passed to safeParse as the error map. */
export const fallbackErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
    case 'too_small':
      return `expected at least ${String(issue.minimum)}${issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : ''}`;
    case 'too_big':
      return `expected at most ${String(issue.maximum)}${issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : ''}`;
    default:
      return undefined;
  }
};

/** Mapping keys that are names (of groups, windows), not settings: never unknown keys, never secrets. */
function isNameMap(path: readonly PathSegment[]): boolean {
  return (
    (path.length === 1 && path[0] === 'groups') ||
    (path.length === 2 && path[0] === 'windows' && path[1] === 'channels')
  );
}

/** Where a secret key's value should come from instead. */
function secretSource(key: string): string | undefined {
  const k = key.toLowerCase().replace(/[-_]/g, '');
  if (k === 'token' || k === 'bottoken' || k === 'slacktoken' || k === 'slackbottoken') return 'SLACK_BOT_TOKEN';
  if (k === 'signingsecret' || k === 'slacksigningsecret') return 'SLACK_SIGNING_SECRET';
  if (k === 'apptoken' || k === 'slackapptoken') return 'SLACK_APP_TOKEN';
  if (
    [
      'accesskeyid',
      'awsaccesskeyid',
      'secretaccesskey',
      'awssecretaccesskey',
      'secretkey',
      'sessiontoken',
      'awssessiontoken',
      'credentials',
    ].includes(k)
  ) {
    return "AWS credentials come from the AWS SDK's default credential chain; set roleArn on a scope to assume a role";
  }
  if (/(?:token|secret|password|passwd|apikey|privatekey)$/.test(k))
    return 'patchbot.yml holds no secrets; remove this key';
  return undefined;
}

/** Every key in the document that looks like a secret, with the message that says where it belongs. */
export function findSecrets(raw: unknown): Array<{ path: PathSegment[]; message: string }> {
  const found: Array<{ path: PathSegment[]; message: string }> = [];
  const walk = (value: unknown, path: PathSegment[]): void => {
    if (Array.isArray(value))
      value.forEach((item, i) => {
        walk(item, [...path, i]);
      });
    else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        const source = isNameMap(path) ? undefined : secretSource(key);
        if (source)
          found.push({ path: [...path, key], message: `secrets are read from the environment only (${source})` });
        else walk(child, [...path, key]);
      }
    }
  };
  walk(raw, []);
  return found;
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const saved = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = saved;
    }
  }
  return row[b.length] as number;
}

/** The one allowed word closest to `word` (same letters ignoring case and punctuation, or a typo or two away). */
export function suggest(word: string, allowed: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const same = allowed.filter((a) => norm(a) === norm(word));
  if (same.length === 1) return same[0];
  if (same.length > 1) return undefined;
  const close = allowed.filter((a) => distance(norm(a), norm(word)) <= Math.min(2, Math.floor(a.length / 3)));
  return close.length === 1 ? close[0] : undefined;
}

function withPosition(
  issue: PositionedIssue,
  locate: Locator | undefined,
  path: readonly PathSegment[],
  target: 'key' | 'value',
): PositionedIssue {
  const at = locate?.(path, target);
  if (!at) return issue;
  return {
    ...issue,
    message: `${issue.message} (line ${at.line}, column ${at.column})`,
    line: at.line,
    column: at.column,
  };
}

/** Turns zod's issues on the document `raw` into ConfigIssues; secret keys are left to findSecrets. */
export function toConfigIssues(issues: readonly z.core.$ZodIssue[], raw: unknown, locate?: Locator): PositionedIssue[] {
  const secretPaths = new Set(findSecrets(raw).map((s) => formatPath(s.path)));
  const out: PositionedIssue[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const allowed = issue.message.startsWith('expected one of: ')
        ? issue.message.slice('expected one of: '.length).split(', ')
        : [];
      for (const key of issue.keys) {
        const keyPath = [...path, key];
        if (secretPaths.has(formatPath(keyPath))) continue;
        const hint = suggest(key, allowed);
        const message = `unknown key (${hint ? `did you mean "${hint}"? ` : ''}${issue.message})`;
        out.push(withPosition({ path: formatPath(keyPath), message }, locate, keyPath, 'key'));
      }
      continue;
    }
    if (issue.code === 'invalid_key') {
      const key = path[path.length - 1];
      const inner = issue.issues[0]?.message ?? issue.message;
      out.push(
        withPosition(
          { path: formatPath(path), message: `invalid name: ${inner}, got ${JSON.stringify(String(key))}` },
          locate,
          path,
          'key',
        ),
      );
      continue;
    }
    const { found, value } = valueAt(raw, path);
    let message = issue.message;
    if (!found && issue.code === 'invalid_type' && path.length > 0) {
      out.push(
        withPosition({ path: formatPath(path), message: `missing (${message})` }, locate, path.slice(0, -1), 'key'),
      );
      continue;
    }
    if (message.startsWith('expected ') && !message.includes(', got ')) {
      message = `${message}, got ${describeValue(value)}`;
      if (issue.code === 'invalid_value' && typeof value === 'string') {
        const hint = suggest(value, issue.values.map(String));
        if (hint) message += ` (did you mean "${hint}"?)`;
      }
    }
    out.push(withPosition({ path: formatPath(path), message }, locate, path, 'value'));
  }
  return out;
}

/** Issues for secret keys found in the document. */
export function secretIssues(raw: unknown, locate?: Locator): PositionedIssue[] {
  return findSecrets(raw).map((s) =>
    withPosition({ path: formatPath(s.path), message: s.message }, locate, s.path, 'key'),
  );
}

/** Issues in reading order: by line and column where known, the rest after, otherwise as found. */
export function sortIssues(issues: PositionedIssue[]): PositionedIssue[] {
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort(
      (a, b) =>
        (a.issue.line ?? Infinity) - (b.issue.line ?? Infinity) ||
        (a.issue.column ?? 0) - (b.issue.column ?? 0) ||
        a.index - b.index,
    )
    .map((x) => x.issue);
}
