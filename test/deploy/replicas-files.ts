/**
 * The replica deployment files as data, for the tests that hold them to the image and the code:
 * deploy/compose.yml with deploy/env.example, every manifest kustomization.yaml lists, and what
 * the Dockerfile's final stage sets (ENV, EXPOSE, USER).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT, argWords, parseDockerfile } from './derive';

export const COMPOSE_FILE = join(ROOT, 'deploy', 'compose.yml');
export const ENV_EXAMPLE = join(ROOT, 'deploy', 'env.example');
export const KUBE_DIR = join(ROOT, 'deploy', 'kubernetes');

/** Any parsed YAML node, read loosely: the tests say what they expect of it. */
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML, checked by the tests that read it
export type Yaml = any;

/** What the image's final stage sets. */
export interface ImageFacts {
  env: Record<string, string>;
  exposed: number[];
  user: string;
}

/** ENV, EXPOSE and USER of the Dockerfile's last stage. */
export function imageFacts(text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')): ImageFacts {
  const all = parseDockerfile(text);
  const lastFrom = Math.max(...all.filter((i) => i.keyword === 'FROM').map((i) => i.line));
  const final = all.filter((i) => i.line > lastFrom);
  const env: Record<string, string> = {};
  for (const i of final.filter((x) => x.keyword === 'ENV')) {
    for (const word of argWords(i.args)) {
      const eq = word.indexOf('=');
      if (eq > 0) env[word.slice(0, eq)] = word.slice(eq + 1);
    }
  }
  const exposed = final
    .filter((i) => i.keyword === 'EXPOSE')
    .flatMap((i) => argWords(i.args).map((w) => parseInt(w, 10)));
  const users = final.filter((i) => i.keyword === 'USER');
  return { env, exposed, user: users[users.length - 1]?.args ?? 'root' };
}

/** The uid of an image user: a number as such, `node` as the official Node image creates it. */
export function uidOf(user: string): number | undefined {
  const name = user.split(':')[0] ?? '';
  if (/^\d+$/.test(name)) return Number(name);
  return { root: 0, node: 1000 }[name];
}

/** KEY=value lines of an env file, comments and blank lines skipped. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1] as string] = (m[2] as string).trim();
  }
  return out;
}

/** Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?message}` against `vars`; a missing required one throws. */
export function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(
    /\$\{([A-Z_][A-Z0-9_]*)(?:(:-|:\?)([^}]*))?\}/g,
    (_all, name: string, op?: string, arg?: string) => {
      const v = vars[name];
      if (v !== undefined && v !== '') return v;
      if (op === ':?') throw new Error(`compose would refuse to start: ${arg}`);
      return op === ':-' ? (arg ?? '') : '';
    },
  );
}

/** compose.yml, and env.example as compose's .env. */
export function loadCompose(text = readFileSync(COMPOSE_FILE, 'utf8')): {
  compose: Yaml;
  dotenv: Record<string, string>;
} {
  return { compose: parse(text), dotenv: parseEnvFile(readFileSync(ENV_EXAMPLE, 'utf8')) };
}

/** A service's environment (map or list form) with the .env values put in. */
export function serviceEnv(service: Yaml, dotenv: Record<string, string>): Record<string, string> {
  const raw = service.environment ?? {};
  const pairs: [string, string][] = Array.isArray(raw)
    ? raw.map((s: string) => [s.split('=')[0] ?? '', s.slice(s.indexOf('=') + 1)])
    : Object.entries(raw).map(([k, v]) => [k, v === null ? '' : String(v)]);
  return Object.fromEntries(pairs.map(([k, v]) => [k, interpolate(v, dotenv)]));
}

/** The services built from the repository's Dockerfile, with how many replicas each runs. */
export function patchbotServices(compose: Yaml): Array<{ name: string; service: Yaml; replicas: number }> {
  return Object.entries<Yaml>(compose.services ?? {})
    .filter(([, s]) => s.build !== undefined)
    .map(([name, service]) => ({ name, service, replicas: Number(service.deploy?.replicas ?? 1) }));
}

/** The path a healthcheck command fetches on 127.0.0.1, if any. */
export function healthcheckPath(test: string | string[]): string | undefined {
  const text = Array.isArray(test) ? test.join(' ') : test;
  return /127\.0\.0\.1[^/]*(\/[A-Za-z0-9/_-]*)/.exec(text)?.[1];
}

/** Every manifest kustomization.yaml lists, by kind (one of each kind here), and the file list. */
export function loadManifests(readText = (file: string) => readFileSync(join(KUBE_DIR, file), 'utf8')): {
  files: string[];
  byKind: Record<string, Yaml>;
} {
  const kustomization = parse(readText('kustomization.yaml'));
  const files: string[] = kustomization.resources ?? [];
  const byKind: Record<string, Yaml> = {};
  for (const file of files) {
    const doc = parse(readText(file));
    if (byKind[doc.kind]) throw new Error(`two ${doc.kind} manifests: the tests expect one`);
    byKind[doc.kind] = doc;
  }
  return { files, byKind };
}

/** The probe paths the deployment files point at: compose healthchecks and Kubernetes httpGet probes. */
export function probePaths(): string[] {
  const { compose } = loadCompose();
  const fromCompose = patchbotServices(compose).map(({ service }) => healthcheckPath(service.healthcheck?.test ?? ''));
  const container = loadManifests().byKind.Deployment?.spec?.template?.spec?.containers?.[0] ?? {};
  const fromKube = [container.readinessProbe, container.livenessProbe, container.startupProbe].map(
    (p: Yaml) => p?.httpGet?.path,
  );
  const fromImage = healthcheckPath(
    parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).find((i) => i.keyword === 'HEALTHCHECK')?.args ??
      '',
  );
  return [...new Set([...fromCompose, ...fromKube, fromImage].filter((p): p is string => typeof p === 'string'))];
}
