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

/** Node's TLS errors of a server certificate that does not check out against the CA patchbot was given. */
const UNTRUSTED_CERT_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);
/** The certificate is trusted but not for this host, or not now. */
const CERT_HOST_CODE = 'ERR_TLS_CERT_ALTNAME_INVALID';
const CERT_DATE_CODES = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
/** node-postgres's message (no code) when TLS was asked for and the server has it off. */
const NO_TLS_MESSAGE = /server does not support SSL/i;

function isTlsFailure(code: string, reason: string): boolean {
  return (
    UNTRUSTED_CERT_CODES.has(code) ||
    code === CERT_HOST_CODE ||
    CERT_DATE_CODES.has(code) ||
    NO_TLS_MESSAGE.test(reason)
  );
}

/** Whether `err` came from node-postgres: a server error, or a connection that failed (TLS included). */
export function isPgDriverError(err: unknown): boolean {
  if (err instanceof DatabaseError) return true;
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || isTlsFailure(code, err.message))) return true;
  return NETWORK_MESSAGES.some((m) => m.test(err.message)) || NO_TLS_MESSAGE.test(err.message);
}

/** A StoreError for a PostgreSQL failure while doing `what`; a PatchbotError passes through. */
export function pgFailure(path: string, what: string, err: unknown): PatchbotError {
  if (err instanceof PatchbotError) return err;
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  const message = err instanceof Error ? err.message : String(err);
  // Node's TLS messages go on with advice about the system's CA store, which is not where patchbot's CA comes from.
  const reason = isTlsFailure(code, message) ? (message.split(';')[0] ?? message) : message;
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
  if (isTlsFailure(code, reason)) return tlsProblem(code, host);
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

/** A TLS connection that could not be made safely: retrying does not help, the CA or the certificate must change. */
function tlsProblem(code: string, host: string): [StoreProblem, string, string] {
  const ca = 'PATCHBOT_DATABASE_CA_FILE';
  if (UNTRUSTED_CERT_CODES.has(code))
    return [
      'access-denied',
      'presented a TLS certificate that patchbot cannot trust',
      `Set ${ca} (or sslrootcert in PATCHBOT_DATABASE_URL) to the CA bundle that signed the certificate of ${host}, with any intermediate certificates.`,
    ];
  if (code === CERT_HOST_CODE)
    return [
      'access-denied',
      `presented a TLS certificate that is not for ${host}`,
      `Use in PATCHBOT_DATABASE_URL a host name the server's certificate names, or reissue the certificate with ${host} in its subject alternative names.`,
    ];
  if (CERT_DATE_CODES.has(code))
    return [
      'access-denied',
      'presented a TLS certificate that is expired or not yet valid',
      `Renew the certificate of ${host} (and check this host's clock).`,
    ];
  return [
    'access-denied',
    'does not accept TLS connections',
    `Turn ssl on for ${host}, or, if plain connections are meant, unset ${ca} and drop sslmode from PATCHBOT_DATABASE_URL.`,
  ];
}
