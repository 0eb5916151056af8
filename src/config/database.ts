/**
 * The state database from the environment: a SQLite file (PATCHBOT_DB) by default, PostgreSQL when
 * PATCHBOT_DATABASE_URL is set, with an optional CA bundle (PATCHBOT_DATABASE_CA_FILE) for TLS. The
 * URL holds the password, so it is kept like the Slack secrets: readable by name, masked when printed.
 */
import { inspect } from 'node:util';
import type { ConfigIssue } from '../errors';

/** Where the SQLite state file is when PATCHBOT_DB is unset. */
export const DEFAULT_SQLITE_PATH = './data/patchbot.db';

/** The schemes node-postgres takes for a connection string. */
export const DATABASE_URL_PROTOCOLS: readonly string[] = ['postgres:', 'postgresql:'];

/**
 * URL parameters from which node-postgres builds its own `ssl` object, which then replaces the one
 * passed beside the connection string (node-postgres.com/features/ssl, "Usage with connectionString").
 */
export const URL_SSL_PARAMS: readonly string[] = ['ssl', 'sslmode', 'sslrootcert', 'sslcert', 'sslkey'];

const EXAMPLE_URL = 'postgres://patchbot:PASSWORD@db.example.com:5432/patchbot';

/** The state database patchbot runs on. `url` is non-enumerable: read it by name; printing shows it masked. */
export type DatabaseConfig =
  | { backend: 'sqlite'; path: string }
  | {
      backend: 'postgres';
      /** The connection string as given (node-postgres reads sslmode and the other parameters from it). */
      url: string;
      /** TLS options for node-postgres, from PATCHBOT_DATABASE_CA_FILE: the CA bundle's text. */
      ssl?: { ca: string };
    };

/** The database variables as the environment schema leaves them (empty already means unset). */
export interface DatabaseVars {
  PATCHBOT_DATABASE_URL?: string | undefined;
  PATCHBOT_DATABASE_CA_FILE?: string | undefined;
  PATCHBOT_DB?: string | undefined;
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** Why a PATCHBOT_DATABASE_URL value cannot be used, or undefined; never quotes the value. */
export function databaseUrlProblem(value: string): string | undefined {
  if (value.trim() !== value) return 'has leading or trailing whitespace (value not shown)';
  const url = parseUrl(value);
  if (!url || maskDatabaseUrl(value) === undefined)
    return `expected a URL like "${EXAMPLE_URL}"; this value is not one (not shown, as it may hold a password: percent-encode @ : / ? # in the user name and password)`;
  if (!DATABASE_URL_PROTOCOLS.includes(url.protocol))
    return `expected a postgres:// or postgresql:// URL like "${EXAMPLE_URL}"`;
  if (url.hostname === '') return `expected the PostgreSQL server's host name in the URL, like "${EXAMPLE_URL}"`;
  if (!/^\/[^/]+$/.test(url.pathname))
    return `expected the database name after the host, like "${EXAMPLE_URL}" (database patchbot)`;
  return undefined;
}

/**
 * A URL for messages and logs: the password (and a `password` parameter) replaced by "[redacted]";
 * undefined when the text does not parse as a URL, or has an @ after the host (a password with an
 * unencoded / read as port and path), since then no one can tell where the password is.
 */
export function maskDatabaseUrl(value: string): string | undefined {
  const url = parseUrl(value.trim());
  if (!url || /@|%40/.test(url.pathname + url.search + url.hash)) return undefined;
  const user = url.username + (url.password ? ':[redacted]' : '');
  const params = [...url.searchParams].map(([k, v]) => `${k}=${k === 'password' ? '[redacted]' : v}`);
  return `${url.protocol}//${user}${user ? '@' : ''}${url.host}${url.pathname}${params.length > 0 ? `?${params.join('&')}` : ''}`;
}

/** What a printer sees of a database config: the URL masked, the CA only as set. */
export function describeDatabase(db: DatabaseConfig): Record<string, unknown> {
  if (db.backend === 'sqlite') return { ...db };
  return { backend: db.backend, url: maskDatabaseUrl(db.url), ...(db.ssl ? { ssl: { ca: '[set]' } } : {}) };
}

/** Makes `url` non-enumerable and gives JSON, pino and util.inspect the masked view. */
function hideUrl(db: DatabaseConfig): DatabaseConfig {
  if (db.backend === 'postgres') Object.defineProperty(db, 'url', { enumerable: false });
  Object.defineProperty(db, 'toJSON', { value: () => describeDatabase(db), enumerable: false });
  Object.defineProperty(db, inspect.custom, { value: () => describeDatabase(db), enumerable: false });
  return db;
}

/** The outcome of reading the database variables: the config, or the problems found. */
export type DatabaseResult = { ok: true; database: DatabaseConfig } | { ok: false; issues: ConfigIssue[] };

/**
 * The database config from already-validated variables (the URL's shape is checked by the schema);
 * `readText` reads the CA bundle. Checks what only the combination can break.
 */
export function databaseFromEnv(vars: DatabaseVars, readText: (path: string) => string): DatabaseResult {
  const url = vars.PATCHBOT_DATABASE_URL;
  const caFile = vars.PATCHBOT_DATABASE_CA_FILE;
  if (url === undefined) {
    if (caFile !== undefined)
      return fail('PATCHBOT_DATABASE_CA_FILE', 'set it only with PATCHBOT_DATABASE_URL (the SQLite file needs no CA)');
    return { ok: true, database: { backend: 'sqlite', path: vars.PATCHBOT_DB ?? DEFAULT_SQLITE_PATH } };
  }
  if (vars.PATCHBOT_DB !== undefined)
    return fail(
      'PATCHBOT_DATABASE_URL',
      'set only one of PATCHBOT_DATABASE_URL (PostgreSQL) and PATCHBOT_DB (a SQLite file): unset PATCHBOT_DB (or set it empty) to use PostgreSQL',
    );
  if (caFile === undefined) return { ok: true, database: hideUrl({ backend: 'postgres', url }) };
  const inUrl = [...(parseUrl(url)?.searchParams.keys() ?? [])].filter((k) => URL_SSL_PARAMS.includes(k));
  if (inUrl.length > 0)
    return fail(
      'PATCHBOT_DATABASE_CA_FILE',
      `the URL also sets ${inUrl.join(', ')}, and node-postgres then builds its TLS settings from the URL alone and ignores this CA: drop ${inUrl.length > 1 ? 'them' : 'it'} from the URL (the CA alone turns TLS on and checks the server's certificate and host name), or give the CA in the URL as sslrootcert=<path> and unset PATCHBOT_DATABASE_CA_FILE`,
    );
  let ca: string;
  try {
    ca = readText(caFile);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    return fail(
      'PATCHBOT_DATABASE_CA_FILE',
      `cannot read ${JSON.stringify(caFile)} (${code}): expected a PEM file of CA certificates`,
    );
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----'))
    return fail(
      'PATCHBOT_DATABASE_CA_FILE',
      `expected a PEM file of CA certificates (-----BEGIN CERTIFICATE-----), but ${JSON.stringify(caFile)} holds none`,
    );
  return { ok: true, database: hideUrl({ backend: 'postgres', url, ssl: { ca } }) };
}

function fail(path: string, message: string): DatabaseResult {
  return { ok: false, issues: [{ path, message }] };
}
