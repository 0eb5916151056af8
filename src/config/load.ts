/** Reading patchbot.yml: YAML → zod → normalized config, or one ConfigError with every problem found. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { ConfigError } from '../errors';
import { configDefaultsFromEnv, loadEnv, type AppEnv, type EnvSource } from './env';
import { fallbackErrorMap, secretIssues, sortIssues, toConfigIssues, type Locator } from './issues';
import type { PathSegment } from './paths';
import { createPatchbotConfigSchema, type PatchbotConfig } from './schema';

/** The environment and patchbot.yml, both validated. */
export interface AppConfig {
  /** Absolute path of the patchbot.yml that was read. */
  file: string;
  env: AppEnv;
  config: PatchbotConfig;
}

/** What loadConfig reads from; tests pass their own. */
export interface LoadConfigOptions {
  /** Defaults to process.env. */
  env?: EnvSource;
  /** Reads a file as UTF-8; defaults to fs.readFileSync. */
  readFile?: (path: string) => string;
  /** Directory a relative PATCHBOT_CONFIG is resolved against; defaults to process.cwd(). */
  cwd?: string;
}

/** Validates the environment, then reads and validates the patchbot.yml that PATCHBOT_CONFIG names. */
export function loadConfig(options: LoadConfigOptions = {}): AppConfig {
  const source = options.env ?? process.env;
  const env = loadEnv(source);
  const file = resolve(options.cwd ?? process.cwd(), env.configPath);
  const why = source.PATCHBOT_CONFIG
    ? `PATCHBOT_CONFIG is ${JSON.stringify(source.PATCHBOT_CONFIG)}`
    : 'PATCHBOT_CONFIG is not set, so patchbot looked for ./patchbot.yml';
  let text: string;
  try {
    text = (options.readFile ?? ((path: string) => readFileSync(path, 'utf8')))(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'this is a directory, not a file'
          : code === 'EACCES'
            ? 'permission denied'
            : `cannot read it (${code ?? String(err)})`;
    throw new ConfigError(
      file,
      [
        {
          path: '',
          message: `${problem} (${why}; set PATCHBOT_CONFIG to the path of your patchbot.yml, see patchbot.example.yml)`,
        },
      ],
      { cause: err },
    );
  }
  return { file, env, config: parseConfigText(text, file, source, why) };
}

/** Parses and validates the text of patchbot.yml; `file` names it in errors; `env` supplies the default region and LOG_LEVEL; `whereLooked` explains an empty file. */
export function parseConfigText(
  text: string,
  file: string,
  env: EnvSource = process.env,
  whereLooked?: string,
): PatchbotConfig {
  const defaults = configDefaultsFromEnv(env);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => {
        const at = lineCounter.linePos(e.pos[0]);
        return {
          path: '',
          message: `invalid YAML at line ${at.line}, column ${at.col}: ${e.message.split('\n')[0]}`,
          line: at.line,
          column: at.col,
        };
      }),
    );
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  if (raw === null || raw === undefined) {
    const where = whereLooked ?? 'PATCHBOT_CONFIG sets its path';
    throw new ConfigError(file, [
      { path: '', message: `the file is empty (${where}); define at least groups, see patchbot.example.yml` },
    ]);
  }
  const locate = locator(doc, lineCounter);
  const result = createPatchbotConfigSchema(defaults).safeParse(raw, { error: fallbackErrorMap });
  const issues = [
    ...secretIssues(raw, locate),
    ...(result.success ? [] : toConfigIssues(result.error.issues, raw, locate)),
  ];
  if (issues.length > 0 || !result.success) throw new ConfigError(file, sortIssues(issues));
  return result.data;
}

/** Finds nodes of the YAML document by path, for line and column in messages. */
function locator(doc: Document, lineCounter: LineCounter): Locator {
  const resolveNode = (node: unknown): unknown => (isAlias(node) ? node.resolve(doc) : node);
  const pairAt = (parent: unknown, key: PathSegment) =>
    isMap(parent) ? parent.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(key)) : undefined;
  const nodeAt = (path: readonly PathSegment[]): unknown => {
    let node: unknown = doc.contents;
    for (const segment of path) {
      node = resolveNode(node);
      if (isSeq(node) && typeof segment === 'number') node = node.items[segment];
      else node = pairAt(node, segment)?.value;
      if (node === undefined || node === null) return undefined;
    }
    return node;
  };
  const position = (node: unknown) => {
    const range = (node as Node | undefined)?.range;
    if (!range) return undefined;
    const at = lineCounter.linePos(range[0]);
    return { line: at.line, column: at.col };
  };
  const keyPosition = (path: readonly PathSegment[]) => {
    if (path.length === 0) return undefined;
    const parent = resolveNode(nodeAt(path.slice(0, -1)));
    const last = path[path.length - 1] as PathSegment;
    return isSeq(parent) ? position(parent.items[Number(last)]) : position(pairAt(parent, last)?.key);
  };
  // A mapping or list is shown where its key is; a value not in the document, at its nearest ancestor.
  return (path, target) => {
    const node = resolveNode(nodeAt(path));
    const direct = target === 'value' && !isMap(node) && !isSeq(node) ? position(node) : keyPosition(path);
    if (direct) return direct;
    for (let n = path.length - 1; n > 0; n--) {
      const at = keyPosition(path.slice(0, n));
      if (at) return at;
    }
    return undefined;
  };
}
