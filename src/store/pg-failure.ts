import { DatabaseError } from 'pg';
import { PatchbotError, StoreError, type StoreProblem } from '../errors';

/**
 * PostgreSQL's side of the error mapping: a node-postgres error (a server SQLSTATE, a socket errno,
 * or the pool's own timeout) becomes a StoreError naming the server and database (from the masked
 * URL the store carries as its `path`, so never the password), the cause in words and the fix.
 */

/** Whether `path` names a PostgreSQL database (the store's masked URL) rather than a SQLite file. */
export function isPostgresTarget(path: string): boolean {
  return path.startsWith('postgres://') || path.startsWith('postgresql://');
}

/** Socket errors of connecting or of a dropped connection. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/** node-postgres's own messages for a connection that did not come or went away (they carry no code). */
const NETWORK_MESSAGES = [/timeout exceeded when trying to connect/i, /connection terminated/i, /not queryable/i];

/** Whether `err` came from node-postgres: a server error, or a connection that failed. */
export function isPgDriverError(err: unknown): boolean {
  if (err instanceof DatabaseError) return true;
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return (typeof code === 'string' && NETWORK_CODES.has(code)) || NETWORK_MESSAGES.some((m) => m.test(err.message));
}

/** A StoreError for a PostgreSQL failure while doing `what`; a PatchbotError passes through. */
export function pgFailure(path: string, what: string, err: unknown): PatchbotError {
  if (err instanceof PatchbotError) return err;
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  const reason = err instanceof Error ? err.message : String(err);
  const { host, database } = whereOf(path);
  const [problem, described, hint] = classify(code, reason, host, database);
  return new StoreError(
    `state database ${database} on ${host} (${path}) ${described}: ${what} failed: ${reason}${code ? ` (${code})` : ''}. ${hint}`,
    { cause: err, file: path, problem, userMessage: USER_MESSAGES[problem] ?? USER_MESSAGES.other },
  );
}

/** What a Slack user is told: a database, not a file, and never where it is. */
const USER_MESSAGES: Partial<Record<StoreProblem, string>> = {
  unreachable:
    'patchbot cannot reach its state database. Nothing was changed; try again in a moment, or ask an operator to check the database.',
  locked: 'patchbot’s state database is busy. Nothing was changed; try again in a moment.',
  other:
    'patchbot could not read or write its state database. Nothing was changed; ask an operator to check the bot logs and the database.',
};

function whereOf(path: string): { host: string; database: string } {
  try {
    const url = new URL(path);
    return { host: url.host || 'localhost', database: decodeURIComponent(url.pathname.slice(1)) || '(default)' };
  } catch {
    return { host: '(unknown host)', database: '(unknown database)' };
  }
}

/** The problem kind, the cause in words, and the operator's next step. */
function classify(code: string, reason: string, host: string, db: string): [StoreProblem, string, string] {
  const url = 'PATCHBOT_DATABASE_URL';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return ['unreachable', 'is on a host that was not found', `Check the host name ${host} in ${url} and the DNS.`];
  if (code === '28P01' || code === '28000')
    return [
      'access-denied',
      'refused the login',
      `Check the user name and password in ${url} (percent-encoded), and that pg_hba.conf on ${host} lets this host in.`,
    ];
  if (code === '3D000')
    return [
      'missing-database',
      'does not exist',
      `Create it (CREATE DATABASE ${db}; patchbot creates its tables) or fix the database name in ${url}.`,
    ];
  if (code === '42501')
    return [
      'access-denied',
      'refused a statement',
      `Grant the user in ${url} the rights to create and write tables in ${db}.`,
    ];
  if (code === '53300' || code === '53000')
    return [
      'locked',
      'has too many connections',
      `Raise max_connections on ${host}, or lower the number of replicas or other clients; patchbot retries on its next pass.`,
    ];
  if (code === '25006')
    return [
      'read-only',
      'is read-only',
      `Point ${url} at the primary server, not a read replica or a standby, and make sure ${db} is not set read-only.`,
    ];
  if (code === '40001' || code === '40P01' || code === '55P03' || code === '57014')
    return [
      'locked',
      'was too busy to answer in time',
      'Another client held a lock too long or the server is overloaded; patchbot retries on its next pass. If it goes on, look for long transactions on the server.',
    ];
  if (code === '53100')
    return ['disk', 'could not write to disk', `Check the disk of the server ${host}: it may be full.`];
  if (
    NETWORK_CODES.has(code) ||
    code.startsWith('08') ||
    code.startsWith('57P') ||
    NETWORK_MESSAGES.some((m) => m.test(reason))
  )
    return [
      'unreachable',
      'cannot be reached',
      `Make sure PostgreSQL runs on ${host} and accepts connections from this host (listen_addresses, firewall), and that the port in ${url} is right.`,
    ];
  return ['other', 'could not be used', 'The bot logs have the detail.'];
}
