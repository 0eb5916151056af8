/**
 * The Dockerfile's invariants, read as text (no Docker engine needed): one Node major in every
 * stage (the SQLite binding is compiled in one and loaded in the other), a non-root user, the
 * health check, state on the /data volume, the entry file where the build puts it, and COPY
 * sources that exist and are not excluded from the build context.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { ROOT, argWords, parseDockerfile, type Instruction } from './derive';
import { DEFAULT_SQLITE_PATH } from '../../src/config/database';

const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const instructions = parseDockerfile(text);
const all = (keyword: string): Instruction[] => instructions.filter((i) => i.keyword === keyword);
const dockerignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

/** compilerOptions merged along tsconfig "extends" (JSON without comments). */
function compilerOptions(file: string): Record<string, unknown> {
  const json = JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as {
    extends?: string;
    compilerOptions?: Record<string, unknown>;
  };
  const base = json.extends ? compilerOptions(posix.join(posix.dirname(file), json.extends)) : {};
  return { ...base, ...json.compilerOptions };
}

describe('Dockerfile', () => {
  it('builds every stage on the same pinned Node major', () => {
    const froms = all('FROM').map((i) => argWords(i.args)[0] ?? '');
    expect(froms.length).toBeGreaterThanOrEqual(2);
    const majors = froms.map((image) => /^node:(\d+)(?:\.\d+){0,2}-[a-z]+-slim$/.exec(image)?.[1]);
    expect(majors.every((m) => m !== undefined)).toBe(true);
    expect(new Set(majors).size).toBe(1);
    expect(Number(majors[0])).toBeGreaterThanOrEqual(20);
  });

  it('runs as a non-root user', () => {
    const cmd = all('CMD');
    expect(cmd).toHaveLength(1);
    const lastStage = Math.max(...all('FROM').map((i) => i.line));
    const users = all('USER').filter((u) => u.line > lastStage && u.line < (cmd[0]?.line ?? 0));
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]?.args).not.toMatch(/^(root|0)(:|$)/);
  });

  it('checks health on /health', () => {
    const health = all('HEALTHCHECK');
    expect(health).toHaveLength(1);
    expect(health[0]?.args).toMatch(/\bCMD\b.*\/health\b/);
  });

  it('keeps the default state file on the /data volume, and names no database itself', () => {
    const volumes = all('VOLUME').flatMap((v) => argWords(v.args));
    expect(volumes).toContain('/data');
    // The config's default path, resolved from the image's working directory, goes through a link to /data.
    const workdir = all('WORKDIR').at(-1)?.args.trim() ?? '/';
    const file = posix.join(workdir, DEFAULT_SQLITE_PATH);
    const link = /\bln -s (\S+) (\S+)/.exec(
      all('RUN')
        .map((r) => r.args)
        .join(' '),
    );
    expect(link?.[1]).toBe('/data');
    expect(file.startsWith(`${link?.[2]}/`)).toBe(true);
    // A PATCHBOT_DB in the image would make PATCHBOT_DATABASE_URL alone a conflict (only one database may be named).
    expect(
      all('ENV')
        .map((e) => e.args)
        .join(' '),
    ).not.toMatch(/\bPATCHBOT_DB=/);
  });

  it('starts the file tsconfig.build.json compiles src/main.ts to', () => {
    const opts = compilerOptions('tsconfig.build.json');
    const outDir = String(opts.outDir ?? '.');
    const rootDir = String(opts.rootDir ?? '.');
    const expected = posix
      .normalize(posix.join(outDir, posix.relative(rootDir, 'src/main.ts')))
      .replace(/\.ts$/, '.js');
    const words = argWords(all('CMD')[0]?.args ?? '');
    expect(words[0]).toBe('node');
    expect(words[words.length - 1]).toBe(expected);
    // npm start runs the same file.
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toContain(expected);
  });

  it('copies only sources that exist and that .dockerignore lets through', () => {
    const stages = all('FROM')
      .map((i) => /\bAS\s+(\S+)/i.exec(i.args)?.[1])
      .filter(Boolean);
    for (const copy of all('COPY')) {
      const words = argWords(copy.args);
      const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
      const paths = words.filter((w) => !w.startsWith('--'));
      if (from) {
        expect(stages).toContain(from);
        continue;
      }
      for (const src of paths.slice(0, -1)) {
        const clean = src.replace(/\/$/, '');
        if (!existsSync(join(ROOT, clean)))
          throw new Error(`Dockerfile line ${copy.line}: COPY source ${src} does not exist`);
        const ignoredBy = dockerignore.find((pattern) => pattern === clean || clean.startsWith(`${pattern}/`));
        if (ignoredBy)
          throw new Error(
            `Dockerfile line ${copy.line}: COPY source ${src} is excluded by .dockerignore (${ignoredBy})`,
          );
      }
    }
  });
});

describe('parseDockerfile', () => {
  it('joins continued lines and skips comments', () => {
    const parsed = parseDockerfile(
      '# c\nFROM node:26-trixie-slim AS build\nRUN a \\\n  # note\n  && b\nCMD ["node", "x.js"]\n',
    );
    expect(parsed.map((i) => [i.keyword, i.args, i.line])).toEqual([
      ['FROM', 'node:26-trixie-slim AS build', 2],
      ['RUN', 'a && b', 3],
      ['CMD', '["node", "x.js"]', 6],
    ]);
  });
});
