/**
 * The state database from the environment: SQLite by default, PostgreSQL from PATCHBOT_DATABASE_URL
 * (with an optional CA bundle), and the URL's password never in a message, a log line or a printout.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ConfigError } from '../../src/errors';
import { describeConfig, loadEnv, maskDatabaseUrl, sqlitePathOf, type AppConfig } from '../../src/config';
import { capturingLogger } from '../support/log-capture';

const URL = 'postgres://patchbot:TOPSECRET@db.internal:5432/patchbot';
const PEM = '-----BEGIN CERTIFICATE-----\nMIIBdGVzdA==\n-----END CERTIFICATE-----\n';

function envIssues(env: Record<string, string>, readText?: (path: string) => string): string[] {
  try {
    loadEnv(env, readText);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).file).toBe('environment');
    return (err as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected the environment to be rejected');
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'patchbot-db-env-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the state database', () => {
  it('is the SQLite file PATCHBOT_DB names, ./data/patchbot.db by default', () => {
    expect(loadEnv({}).database).toEqual({ backend: 'sqlite', path: './data/patchbot.db' });
    expect(loadEnv({ PATCHBOT_DB: '/data/x.db', PATCHBOT_DATABASE_URL: '' }).database).toEqual({
      backend: 'sqlite',
      path: '/data/x.db',
    });
    expect(sqlitePathOf(loadEnv({ PATCHBOT_DB: '/data/x.db' }).database)).toBe('/data/x.db');
  });

  it('is PostgreSQL when PATCHBOT_DATABASE_URL is a postgres:// or postgresql:// URL with a host and a database', () => {
    for (const url of [URL, 'postgresql://pb@10.0.0.5/patchbot?sslmode=verify-full', 'postgres://[::1]:6432/pb']) {
      const { database } = loadEnv({ PATCHBOT_DATABASE_URL: url });
      expect(database.backend).toBe('postgres');
      expect(database.backend === 'postgres' && database.url).toBe(url);
      expect(database.backend === 'postgres' && database.ssl).toBeUndefined();
    }
  });

  it('names the variable, what was expected and the value with its password masked', () => {
    const example = '"postgres://patchbot:PASSWORD@db.example.com:5432/patchbot"';
    expect(envIssues({ PATCHBOT_DATABASE_URL: 'mysql://patchbot:TOPSECRET@db/patchbot' })).toEqual([
      `PATCHBOT_DATABASE_URL: expected a postgres:// or postgresql:// URL like ${example}, got "mysql://patchbot:[redacted]@db/patchbot"`,
    ]);
    expect(envIssues({ PATCHBOT_DATABASE_URL: 'postgres://db.internal:5432' })).toEqual([
      `PATCHBOT_DATABASE_URL: expected the database name after the host, like ${example} (database patchbot), got "postgres://db.internal:5432"`,
    ]);
    expect(envIssues({ PATCHBOT_DATABASE_URL: 'postgres://u:TOPSECRET@db/a/b?password=TOPSECRET' })).toEqual([
      `PATCHBOT_DATABASE_URL: expected the database name after the host, like ${example} (database patchbot), got "postgres://u:[redacted]@db/a/b?password=[redacted]"`,
    ]);
    expect(envIssues({ PATCHBOT_DATABASE_URL: 'postgres:///patchbot' })).toEqual([
      `PATCHBOT_DATABASE_URL: expected the PostgreSQL server's host name in the URL, like ${example}, got "postgres:///patchbot"`,
    ]);
  });

  it('never shows a value it cannot parse, since it cannot tell where the password is', () => {
    const issues = envIssues({ PATCHBOT_DATABASE_URL: 'postgres://patchbot:TOP/SECRET@db/patchbot' });
    expect(issues).toEqual([
      'PATCHBOT_DATABASE_URL: expected a URL like "postgres://patchbot:PASSWORD@db.example.com:5432/patchbot"; this value is not one (not shown, as it may hold a password: percent-encode @ : / ? # in the user name and password)',
    ]);
    expect(envIssues({ PATCHBOT_DATABASE_URL: ` ${URL}` })).toEqual([
      'PATCHBOT_DATABASE_URL: has leading or trailing whitespace (value not shown)',
    ]);
    expect(maskDatabaseUrl('TOPSECRET')).toBeUndefined();
    // An unencoded / in the password: the URL parses, with part of the password as port and path.
    const split = envIssues({ PATCHBOT_DATABASE_URL: 'postgres://patchbot:12345/SECRET@db/patchbot' });
    expect(split).toEqual(issues);
    expect(envIssues({ PATCHBOT_DATABASE_URL: 'postgres://patchbot:12345/SECRET@db' })).toEqual(issues);
  });

  it('takes either PATCHBOT_DATABASE_URL or PATCHBOT_DB, not both', () => {
    expect(envIssues({ PATCHBOT_DATABASE_URL: URL, PATCHBOT_DB: '/data/patchbot.db' })).toEqual([
      'PATCHBOT_DATABASE_URL: set only one of PATCHBOT_DATABASE_URL (PostgreSQL) and PATCHBOT_DB (a SQLite file): unset PATCHBOT_DB (or set it empty) to use PostgreSQL',
    ]);
  });

  it('passes the CA bundle PATCHBOT_DATABASE_CA_FILE names on as ssl.ca', () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, PEM);
    const { database } = loadEnv({ PATCHBOT_DATABASE_URL: URL, PATCHBOT_DATABASE_CA_FILE: ca });
    expect(database).toMatchObject({ backend: 'postgres', ssl: { ca: PEM } });
  });

  it('refuses a CA bundle node-postgres would not use, or cannot be read', () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, PEM);
    expect(envIssues({ PATCHBOT_DATABASE_CA_FILE: ca })).toEqual([
      'PATCHBOT_DATABASE_CA_FILE: set it only with PATCHBOT_DATABASE_URL (the SQLite file needs no CA)',
    ]);
    expect(envIssues({ PATCHBOT_DATABASE_URL: `${URL}?sslmode=require`, PATCHBOT_DATABASE_CA_FILE: ca })).toEqual([
      "PATCHBOT_DATABASE_CA_FILE: the URL also sets sslmode, and node-postgres then builds its TLS settings from the URL alone and ignores this CA: drop it from the URL (the CA alone turns TLS on and checks the server's certificate and host name), or give the CA in the URL as sslrootcert=<path> and unset PATCHBOT_DATABASE_CA_FILE",
    ]);
    const missing = join(dir, 'missing.pem');
    expect(envIssues({ PATCHBOT_DATABASE_URL: URL, PATCHBOT_DATABASE_CA_FILE: missing })).toEqual([
      `PATCHBOT_DATABASE_CA_FILE: cannot read ${JSON.stringify(missing)} (ENOENT): expected a PEM file of CA certificates`,
    ]);
    const notPem = join(dir, 'key.txt');
    writeFileSync(notPem, 'hello');
    expect(envIssues({ PATCHBOT_DATABASE_URL: URL, PATCHBOT_DATABASE_CA_FILE: notPem })).toEqual([
      `PATCHBOT_DATABASE_CA_FILE: expected a PEM file of CA certificates (-----BEGIN CERTIFICATE-----), but ${JSON.stringify(notPem)} holds none`,
    ]);
  });

  it('keeps the URL out of every printout: JSON, inspect, spread, keys, logs and the startup summary', () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, PEM);
    const env = loadEnv({ PATCHBOT_DATABASE_URL: URL, PATCHBOT_DATABASE_CA_FILE: ca, SLACK_BOT_TOKEN: 'xoxb-1' });
    const masked = {
      backend: 'postgres',
      url: 'postgres://patchbot:[redacted]@db.internal:5432/patchbot',
      ssl: { ca: '[set]' },
    };
    expect(JSON.parse(JSON.stringify(env)).database).toEqual(masked);
    expect(inspect(env, { depth: 5 })).not.toContain('TOPSECRET');
    expect(Object.keys(env.database)).toEqual(['backend', 'ssl']);
    expect(JSON.stringify({ ...env.database })).not.toContain('TOPSECRET');

    const { logger, lines } = capturingLogger('info');
    logger.info({ env, database: env.database }, 'starting');
    logger.info({ summary: describeConfig({ file: 'patchbot.yml', env, config: minimalConfig() }) }, 'configuration');
    const logged = JSON.stringify(lines());
    expect(logged).not.toContain('TOPSECRET');
    // pino walks the object itself rather than calling toJSON: the non-enumerable URL is simply absent.
    expect(lines()[0]?.database).toEqual({ backend: 'postgres', ssl: { ca: PEM } });
    const [, summaryLine] = lines();
    expect((summaryLine?.summary as Record<string, unknown> | undefined)?.database).toEqual(masked);
  });

  it('is refused where the store opens SQLite only', () => {
    expect(() => sqlitePathOf(loadEnv({ PATCHBOT_DATABASE_URL: URL }).database)).toThrow(
      'environment: invalid configuration\n  PATCHBOT_DATABASE_URL: this patchbot keeps its state in a SQLite file only: unset PATCHBOT_DATABASE_URL to use PATCHBOT_DB',
    );
  });
});

/** Just enough of patchbot.yml for describeConfig. */
function minimalConfig(): AppConfig['config'] {
  return {
    slack: { updateIntervalMs: 5000 },
    log: { level: 'info' },
    aws: { scopes: [] },
    groups: [],
    schedules: {},
    windows: {},
  } as unknown as AppConfig['config'];
}
