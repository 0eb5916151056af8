/**
 * Pure helpers for the deployment tests: what the source asks of AWS and Slack, read from its text,
 * so deploy/iam/*.json and manifest.yml are checked against the code rather than against a copy.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The repository root. */
export const ROOT = join(__dirname, '..', '..');

/** One source file: its path (relative to the root, for messages) and text. */
export interface SourceFile {
  path: string;
  text: string;
}

/** Every `.ts` file under `dir` (relative to the root), skipping the folders in `skip`. */
export function readSources(dir: string, skip: readonly string[] = []): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (abs: string) => {
    for (const name of readdirSync(abs).sort()) {
      const full = join(abs, name);
      const rel = relative(ROOT, full);
      if (skip.includes(rel)) continue;
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts')) out.push({ path: rel, text: readFileSync(full, 'utf8') });
    }
  };
  walk(join(ROOT, dir));
  return out;
}

// ---------------------------------------------------------------------------------------------
// AWS: IAM actions

/** The SDK client packages patchbot calls, by IAM service prefix. */
const CLIENT_PACKAGE = /^@aws-sdk\/client-(ssm|ec2|sts|s3)$/;

/**
 * Actions that IAM cannot deny and that therefore appear in no policy: STS answers
 * GetCallerIdentity for any valid credentials (preflight uses it to name the account).
 */
export const NEEDS_NO_PERMISSION: readonly string[] = ['sts:GetCallerIdentity'];

/** The IAM action of one imported SDK name (`SendCommandCommand`, `paginateListCommands`), or undefined for types and clients. */
function actionOf(service: string, name: string): string | undefined {
  const command = /^(\w+)Command$/.exec(name);
  if (command) return `${service}:${command[1]}`;
  const paginator = /^paginate(\w+)$/.exec(name);
  if (paginator) return `${service}:${paginator[1]}`;
  return undefined;
}

/**
 * The IAM actions the source can perform: every `XxxCommand` and `paginateXxx` imported from
 * @aws-sdk/client-ssm|ec2|sts|s3 (named imports, or `ns.XxxCommand` through a namespace import) as
 * `service:Xxx`, plus `sts:AssumeRole` where credentials come from `fromTemporaryCredentials`.
 * Sorted and unique.
 */
export function deriveAwsActions(sources: readonly SourceFile[]): string[] {
  const actions = new Set<string>();
  for (const { text } of sources) {
    for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g)) {
      const service = CLIENT_PACKAGE.exec(m[2] ?? '')?.[1];
      if (!service) continue;
      for (const raw of (m[1] ?? '').split(',')) {
        const spec = raw.trim();
        if (spec === '' || spec.startsWith('type ')) continue;
        const imported = spec.split(/\s+as\s+/)[0]?.trim() ?? '';
        const action = actionOf(service, imported);
        if (action) actions.add(action);
      }
    }
    for (const m of text.matchAll(/import\s*\*\s*as\s+(\w+)\s+from\s*['"]([^'"]+)['"]/g)) {
      const service = CLIENT_PACKAGE.exec(m[2] ?? '')?.[1];
      if (!service) continue;
      for (const use of text.matchAll(new RegExp(`\\b${m[1]}\\.(\\w+)`, 'g'))) {
        const action = actionOf(service, use[1] ?? '');
        if (action) actions.add(action);
      }
    }
    if (/\bfromTemporaryCredentials\s*\(/.test(text)) actions.add('sts:AssumeRole');
  }
  return [...actions].sort();
}

/** An IAM policy document, as far as these tests read it. */
export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement[];
}

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  Resource?: string | string[];
  Principal?: { AWS?: string | string[] };
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** A string-or-list field as a list. */
export const asList = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/** The actions the documents allow, sorted and unique. */
export function allowedActions(docs: readonly PolicyDocument[]): string[] {
  const out = new Set<string>();
  for (const doc of docs)
    for (const s of doc.Statement) if (s.Effect === 'Allow') for (const a of asList(s.Action)) out.add(a);
  return [...out].sort();
}

/** Both directions: actions the code performs that no policy allows, and actions allowed that the code never performs. */
export function comparePolicy(
  derived: readonly string[],
  allowed: readonly string[],
  exempt: readonly string[] = NEEDS_NO_PERMISSION,
): { missing: string[]; unused: string[] } {
  const need = new Set(derived.filter((a) => !exempt.includes(a)));
  const have = new Set(allowed);
  return {
    missing: [...need].filter((a) => !have.has(a)).sort(),
    unused: [...have].filter((a) => !need.has(a)).sort(),
  };
}

// ---------------------------------------------------------------------------------------------
// Slack: Web API methods and bot scopes

/** One Web API call site. */
export interface SlackCall {
  method: string;
  at: string;
}

/**
 * Web API calls in the source: `client.chat.postMessage(`, `this.client.usergroups.users.list(`,
 * `target.client.views.open(` (any receiver ending in `client`), and `client.apiCall('x.y', …)`.
 */
export function slackCalls(sources: readonly SourceFile[]): SlackCall[] {
  const calls: SlackCall[] = [];
  for (const { path, text } of sources) {
    const lineAt = (index: number) => text.slice(0, index).split('\n').length;
    for (const m of text.matchAll(/\bclient\.([a-z][A-Za-z]*(?:\s*\.[a-z][A-Za-z]*)+)\s*\(/g)) {
      calls.push({ method: (m[1] ?? '').replace(/\s+/g, ''), at: `${path}:${lineAt(m.index ?? 0)}` });
    }
    for (const m of text.matchAll(/\bclient\.apiCall\(\s*['"`]([\w.]+)['"`]/g)) {
      calls.push({ method: m[1] ?? '', at: `${path}:${lineAt(m.index ?? 0)}` });
    }
  }
  return calls;
}

/**
 * The bot scopes each Web API method needs. A key ending in `.*` covers the family. Methods that
 * need none (views.open answers a trigger_id) map to []. Add a row when the code calls a new method.
 */
export const SCOPES_BY_METHOD: Readonly<Record<string, readonly string[]>> = {
  // Socket Mode: called with the app-level token, whose own scope is connections:write (not a bot scope).
  'apps.connections.open': [],
  'auth.test': [],
  'bots.info': ['users:read'],
  'chat.*': ['chat:write'],
  // Channel names in patchbot.yml and typed in commands resolved to ids, archived channels found: public and private channels.
  'conversations.list': ['channels:read', 'groups:read'],
  'conversations.info': ['channels:read', 'groups:read'],
  // Reading back the bot's own posts (by their metadata) before posting again: public and private channels.
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.replies': ['channels:history', 'groups:history'],
  // Charts and exports uploaded with Slack's external upload flow.
  'files.getUploadURLExternal': ['files:write'],
  'files.completeUploadExternal': ['files:write'],
  // A file for the requester alone goes to their DM with the bot.
  'conversations.open': ['im:write'],
  'usergroups.list': ['usergroups:read'],
  'usergroups.users.list': ['usergroups:read'],
  // People's names in the audit export.
  'users.info': ['users:read'],
  'views.open': [],
  // The Home tab: no scope (Slack's views.publish reference lists none).
  'views.publish': [],
};

/** Scopes the manifest needs for what it declares rather than what the code calls. */
export const MANIFEST_SCOPES: readonly string[] = ['commands'];

/** The scopes of one method, or an error telling the developer to extend the table. */
export function scopesOf(
  call: SlackCall,
  table: Readonly<Record<string, readonly string[]>> = SCOPES_BY_METHOD,
): readonly string[] {
  const exact = table[call.method];
  if (exact) return exact;
  const family = Object.keys(table).find((k) => k.endsWith('.*') && call.method.startsWith(k.slice(0, -1)));
  if (family) return table[family] ?? [];
  throw new Error(
    `Slack Web API method ${call.method} (called at ${call.at}) is not in SCOPES_BY_METHOD (test/deploy/derive.ts): add its scope to the table`,
  );
}

/** The bot scopes the code needs: those of every method called, plus MANIFEST_SCOPES. Sorted and unique. */
export function requiredBotScopes(calls: readonly SlackCall[]): string[] {
  const scopes = new Set<string>(MANIFEST_SCOPES);
  for (const call of calls) for (const s of scopesOf(call)) scopes.add(s);
  return [...scopes].sort();
}

// ---------------------------------------------------------------------------------------------
// Dockerfile

/** One instruction: keyword upper-cased, arguments with line continuations joined; comments dropped. */
export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i] ?? '';
    if (/^\s*(#|$)/.test(line)) continue;
    while (/\\\s*$/.test(line) && i + 1 < lines.length) {
      i++;
      const next = lines[i] ?? '';
      if (/^\s*#/.test(next)) continue;
      line = line.replace(/\s*\\\s*$/, ' ') + next.trim();
    }
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (m) out.push({ keyword: (m[1] ?? '').toUpperCase(), args: (m[2] ?? '').trim(), line: start + 1 });
  }
  return out;
}

/** The words of a shell-form or JSON (exec-form) argument list. */
export function argWords(args: string): string[] {
  if (args.startsWith('[')) return JSON.parse(args) as string[];
  return args.split(/\s+/).filter((w) => w !== '');
}
