/**
 * A throw-away PostgreSQL server: Debian's `postgresql` package (installed with apt-get when
 * missing and we may, as the browser tests do for Chromium), a fresh data directory made by initdb,
 * pg_ctl starting the server on 127.0.0.1 at a free port, durability off. Shared by jest's global
 * set-up (test/support/postgres.ts) and the benchmark's replica section, so both start it the same
 * way; `createDatabase` gives each user an empty database of its own on it.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './bot-process';

/** What to run by hand where the server cannot be installed here. */
export const POSTGRES_INSTALL = 'sudo apt-get update && sudo apt-get install -y --no-install-recommends postgresql';

/** A server startPostgres started, to stop at the end. */
export interface StartedPostgres {
  url: string;
  dataDir: string;
  binDir: string;
  /** The OS user the server runs as (initdb refuses root). */
  user: string | undefined;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Debian's server binaries, newest major first (e.g. /usr/lib/postgresql/15/bin). */
function findBinDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const majors = readdirSync(base)
    .filter((d) => /^\d+$/.test(d))
    .sort((a, b) => Number(b) - Number(a));
  return majors.map((m) => join(base, m, 'bin')).find((dir) => existsSync(join(dir, 'pg_ctl')));
}

function run(command: string, args: string[], asUser?: string): string {
  const [cmd, argv] = asUser ? ['runuser', ['-u', asUser, '--', command, ...args]] : [command, args];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C.UTF-8' };
  const r = spawnSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env, timeout: 15 * 60_000 });
  if (r.status !== 0) {
    const why = r.error?.message ?? `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-4).join(' / ');
    throw new Error(`${command} ${args.join(' ')} failed (exit ${r.status}): ${why}`);
  }
  return r.stdout.toString();
}

/** Returns the server binaries' directory, installing Debian's package first when it is missing. */
export function ensurePostgresBinaries(log: (line: string) => void = () => undefined): string {
  const found = findBinDir();
  if (found) return found;
  if (!isRoot() || !existsSync('/usr/bin/apt-get'))
    throw new Error(`This needs a PostgreSQL server: run "${POSTGRES_INSTALL}" and try again.`);
  log(`Installing Debian's postgresql (once per machine)...`);
  const started = Date.now();
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql']);
  const dir = findBinDir();
  if (!dir) throw new Error('apt-get installed postgresql but no /usr/lib/postgresql/*/bin/pg_ctl is there');
  log(`postgresql installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return dir;
}

/** What a server may have beyond the defaults (a TLS server's key and settings, say). */
export interface PostgresExtras {
  /** Files written into the server's directory, owned by its user and readable by it alone (a key must be). */
  files?: Record<string, string>;
  /** More settings, as `name=value`, given the server's directory where the files are. */
  settings?: (dir: string) => string[];
}

/** initdb + pg_ctl start on 127.0.0.1; trust authentication, durability off (the data is thrown away). */
export async function startPostgres(
  log: (line: string) => void = () => undefined,
  extras: PostgresExtras = {},
): Promise<StartedPostgres> {
  const binDir = ensurePostgresBinaries(log);
  const user = isRoot() ? 'postgres' : undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'patchbot-pg-'));
  try {
    const owner = user
      ? { uid: Number(run('id', ['-u', user]).trim()), gid: Number(run('id', ['-g', user]).trim()) }
      : undefined;
    if (owner) chownSync(dataDir, owner.uid, owner.gid);
    chmodSync(dataDir, 0o700);
    for (const [name, text] of Object.entries(extras.files ?? {})) {
      const file = join(dataDir, name);
      writeFileSync(file, text, { mode: 0o600 });
      if (owner) chownSync(file, owner.uid, owner.gid);
    }
    const pgdata = join(dataDir, 'data');
    run(join(binDir, 'initdb'), ['-D', pgdata, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync'], user);
    const port = await freePort();
    const options = [
      `-p ${port}`,
      `-k ${dataDir}`,
      "-c listen_addresses='127.0.0.1'",
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=300',
      ...(extras.settings?.(dataDir) ?? []).map((setting) => `-c ${setting}`),
    ].join(' ');
    run(join(binDir, 'pg_ctl'), ['-D', pgdata, '-o', options, '-l', join(dataDir, 'server.log'), '-w', 'start'], user);
    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, dataDir, binDir, user };
  } catch (err) {
    // A server that never started leaves nothing running; its directory is not left behind either.
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** Stops a server startPostgres started (immediately: nothing in it is kept) and removes its files. */
export function stopPostgres(server: StartedPostgres): void {
  try {
    run(join(server.binDir, 'pg_ctl'), ['-D', join(server.dataDir, 'data'), '-m', 'immediate', 'stop'], server.user);
  } finally {
    rmSync(server.dataDir, { recursive: true, force: true });
  }
}

/** An empty database on the server at `adminUrl`, named `<prefix>_<random>`; `drop` removes it. */
export async function createDatabase(
  adminUrl: string,
  prefix: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
