/**
 * One Node major everywhere: the version `.ci/run` tests on (`.node-version`), the Docker image's,
 * the `engines` floor, `@types/node` and the README's requirement must name the same major, so CI
 * tests the runtime that ships.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './derive';

const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');
const pinned = read('.node-version').trim();
const major = Number(/^(\d+)\.\d+\.\d+$/.exec(pinned)?.[1]);
const pkg = JSON.parse(read('package.json')) as { engines: { node: string }; devDependencies: Record<string, string> };

describe('the Node runtime', () => {
  it('is pinned to an exact version of an even (LTS) major', () => {
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(major % 2).toBe(0);
  });

  it("is the Docker image's version in every stage", () => {
    const froms = [...read('Dockerfile').matchAll(/^FROM\s+node:(\S+?)-[a-z]+-slim\b/gm)].map((m) => m[1]);
    expect(froms.length).toBeGreaterThanOrEqual(2);
    expect(new Set(froms)).toEqual(new Set([pinned]));
  });

  it('is the floor package.json engines asks for', () => {
    expect(pkg.engines.node).toBe(`>=${major}`);
  });

  it('is the major @types/node describes', () => {
    expect(/^\^?(\d+)\./.exec(pkg.devDependencies['@types/node'] ?? '')?.[1]).toBe(String(major));
  });

  it('is the requirement the README states', () => {
    expect(read('README.md')).toContain(`Requirements: Node.js ${major} `);
  });

  it('is what .ci/run puts first on PATH before installing', () => {
    const run = read('.ci/run');
    expect(run.indexOf('source .ci/node.sh')).toBeGreaterThan(-1);
    expect(run.indexOf('source .ci/node.sh')).toBeLessThan(run.indexOf('npm ci'));
    expect(read('.ci/node.sh')).toContain('.node-version');
  });
});
