/**
 * The production build holds no sandbox: `tsc -p tsconfig.build.json` compiles no file of the
 * @patchbot/sandbox workspace package (a bot import of it would pull it in), and the Dockerfile
 * neither copies packages/ into the image nor installs the workspaces.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, argWords, parseDockerfile } from './derive';

/** The files the production build compiles, relative to the root, without the type libraries. */
function buildFiles(): string[] {
  const tsc = require.resolve('typescript/bin/tsc');
  const out = execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--listFilesOnly'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.includes('/node_modules/'))
    .map((l) => relative(ROOT, l.trim()));
}

describe('production build', () => {
  it('compiles the bot and no sandbox file', () => {
    const files = buildFiles();
    expect(files).toContain(join('src', 'main.ts'));
    expect(files.filter((f) => f.startsWith('packages') || f.includes('sandbox'))).toEqual([]);
  }, 120_000);

  it('copies no workspace package into the image and installs none', () => {
    const instructions = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
    const sources = instructions
      .filter((i) => i.keyword === 'COPY')
      .map((i) => argWords(i.args))
      .filter((words) => !words.some((w) => w.startsWith('--from=')))
      .flatMap((words) => words.filter((w) => !w.startsWith('--')).slice(0, -1));
    expect(sources.filter((s) => s === '.' || s.startsWith('packages'))).toEqual([]);
    const npmRuns = instructions.filter((i) => i.keyword === 'RUN' && /\bnpm (ci|install|prune)\b/.test(i.args));
    expect(npmRuns.length).toBeGreaterThan(0);
    for (const run of npmRuns) {
      for (const step of run.args.split('&&').filter((s) => /\bnpm (ci|install|prune)\b/.test(s)))
        expect(step).toMatch(/--workspaces=false\b/);
    }
  });
});
