/**
 * Finds AWS's service models for the contract test in Debian's `python3-botocore` package,
 * installing it with apt-get when it is missing and we may (root, apt-get present), as the browser
 * tests do for Chromium. Where that is impossible it throws with the command to run: the contract
 * never skips silently. Nothing from the models is committed; they are read at test time only.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where Debian's python3-botocore puts botocore's data directory. */
export const BOTOCORE_DATA = '/usr/lib/python3/dist-packages/botocore/data';

/** The models the contract reads, relative to the data directory. */
export const BOTOCORE_MODELS = [
  'ssm/2014-11-06/service-2.json',
  'ec2/2016-11-15/service-2.json',
  'sts/2011-06-15/service-2.json',
  's3/2006-03-01/service-2.json',
];

/** What to run by hand where the test set-up cannot install the package. */
export const BOTOCORE_INSTALL =
  'sudo apt-get update && sudo apt-get install -y --no-install-recommends python3-botocore';

const present = (dir: string) => BOTOCORE_MODELS.every((m) => existsSync(join(dir, m)));

function run(command: string, args: string[]): void {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const r = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env, timeout: 15 * 60_000 });
  if (r.status !== 0) {
    const why = r.error?.message ?? r.stderr?.toString().trim().split('\n').slice(-3).join(' / ');
    throw new Error(
      `${command} ${args.join(' ')} failed (exit ${r.status}): ${why}. Run "${BOTOCORE_INSTALL}" and try again.`,
    );
  }
}

/** Returns botocore's data directory, installing Debian's package first when the models are absent. */
export function ensureBotocoreModels(
  log: (line: string) => void = () => undefined,
  dir: string = BOTOCORE_DATA,
): string {
  if (present(dir)) return dir;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (dir !== BOTOCORE_DATA || !isRoot || !existsSync('/usr/bin/apt-get')) {
    throw new Error(
      `The AWS contract test needs botocore's service models at ${dir} (Debian's python3-botocore): run "${BOTOCORE_INSTALL}" and try again.`,
    );
  }
  log(`Installing Debian's python3-botocore for the AWS contract test (once per machine)...`);
  const started = Date.now();
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', '--no-install-recommends', 'python3-botocore']);
  if (!present(dir))
    throw new Error(
      `apt-get installed python3-botocore but ${BOTOCORE_MODELS.map((m) => join(dir, m)).join(', ')} are missing`,
    );
  log(`python3-botocore installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return dir;
}
