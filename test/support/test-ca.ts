/**
 * Throw-away TLS material for the tests, made with the machine's openssl: a certificate authority
 * of its own and a server certificate it signed for 127.0.0.1, valid for a day, in a temp directory.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A CA and, when asked for, a server certificate it signed: PEM text, and the CA's file. */
export interface TestCa {
  /** The CA certificate (PEM), and a file holding it (what PATCHBOT_DATABASE_CA_FILE names). */
  caPem: string;
  caFile: string;
  /** The server certificate and its key (PEM). */
  certPem: string;
  keyPem: string;
  /** Removes the files. */
  cleanup(): void;
}

/** Throws saying what to install when openssl is missing, rather than failing on a spawn error. */
export function requireOpenssl(): void {
  const r = spawnSync('openssl', ['version'], { stdio: 'ignore' });
  if (r.status !== 0)
    throw new Error(
      'The TLS tests make certificates with openssl: install it (apt-get install openssl) and try again.',
    );
}

/** A new CA named `name`, and a certificate for `host` (an IP address) signed by it. */
export function makeTestCa(name: string, host = '127.0.0.1'): TestCa {
  requireOpenssl();
  const dir = mkdtempSync(join(tmpdir(), 'patchbot-ca-'));
  const at = (file: string) => join(dir, file);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  // EC keys: quick to make, and every PostgreSQL and Node build speaks them.
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', at('ca.key'), '-out', at('ca.crt'), '-days', '1', '-subj', `/CN=${name}`);
  openssl('req', '-new', ...ec, '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', `/CN=${host}`);
  writeFileSync(at('server.ext'), `subjectAltName = IP:${host}\nextendedKeyUsage = serverAuth\n`);
  openssl(
    'x509',
    '-req',
    '-in',
    at('server.csr'),
    '-CA',
    at('ca.crt'),
    '-CAkey',
    at('ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    at('server.ext'),
    '-out',
    at('server.crt'),
  );
  return {
    caPem: readFileSync(at('ca.crt'), 'utf8'),
    caFile: at('ca.crt'),
    certPem: readFileSync(at('server.crt'), 'utf8'),
    keyPem: readFileSync(at('server.key'), 'utf8'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
