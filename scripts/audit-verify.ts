/**
 * npm run audit:verify: checks the audit log's hash chain in the state database PATCHBOT_DB or
 * PATCHBOT_DATABASE_URL names (src/audit-verify.ts). Exit 0 when every entry fits, 1 naming the
 * first that does not, 2 when the database cannot be read.
 */
import { runAuditVerify } from '../src/audit-verify';
import { loadEnv } from '../src/config';
import { toPatchbotError } from '../src/errors';
import { silentLogger } from '../src/logger';

runAuditVerify(loadEnv().database, silentLogger()).then(
  ({ text, code }) => {
    process.stdout.write(`${text}\n`);
    process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`audit:verify could not read the audit log: ${toPatchbotError(err).operatorMessage}\n`);
    process.exit(2);
  },
);
