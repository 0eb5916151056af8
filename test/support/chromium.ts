/**
 * Finds Debian's Chromium for the browser tests, installing the `chromium` package with apt-get
 * when it is missing and we may (root, apt-get present). Never downloads a browser of its own.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for a headless Chromium on a closed network: no background traffic, no sandbox (root). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function run(command: string, args: string[]): void {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const r = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env, timeout: 15 * 60_000 });
  if (r.status !== 0) {
    const why = r.error?.message ?? r.stderr?.toString().trim().split('\n').slice(-3).join(' / ');
    throw new Error(`${command} ${args.join(' ')} failed (exit ${r.status}): ${why}`);
  }
}

/** Returns the Chromium path, installing Debian's package first when it is absent. */
export function ensureChromium(log: (line: string) => void = () => undefined): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    throw new Error(
      `The browser tests need Debian's Chromium at ${CHROMIUM_PATH}: run "sudo apt-get install -y chromium" and try again.`,
    );
  }
  log(`Installing Debian's chromium package for the browser tests (once per machine)...`);
  const started = Date.now();
  run('apt-get', ['update']);
  run('apt-get', [
    'install',
    '-y',
    '--no-install-recommends',
    'chromium',
    'fonts-dejavu-core',
    'fonts-noto-color-emoji',
  ]);
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is missing`);
  log(`chromium installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return CHROMIUM_PATH;
}
