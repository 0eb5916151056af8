/**
 * `npm run audit:verify` and `node dist/src/main.js --verify-audit`: opens the state database the
 * configuration names (PATCHBOT_DB or PATCHBOT_DATABASE_URL), walks the audit log's hash chain and
 * prints the count checked and OK, or the first entry that does not fit; exit 1 then.
 */
import { statSync } from 'node:fs';
import { StoreError } from './errors';
import type { Logger } from './logger';
import { type DatabaseTarget, formatChainReport, openStore, verifyAuditChain } from './store';

/** What the verifier prints and the exit code it asks for. */
export interface AuditVerifyOutcome {
  text: string;
  code: 0 | 1;
}

/** Checks the audit log's chain in the database `target` names. */
export async function runAuditVerify(target: DatabaseTarget, logger: Logger): Promise<AuditVerifyOutcome> {
  // Opening a SQLite path that does not exist would create an empty database, whose chain is trivially OK.
  if (target.backend === 'sqlite' && !statSync(target.path, { throwIfNoEntry: false })?.isFile())
    throw new StoreError(
      `state database ${target.path} does not exist, so there is no audit log to verify. Set PATCHBOT_DB to the bot's state file (or PATCHBOT_DATABASE_URL to its PostgreSQL database).`,
      { file: target.path, problem: 'other' },
    );
  const store = await openStore(
    target.backend === 'postgres'
      ? { backend: 'postgres', url: target.url, ...(target.ssl ? { ssl: target.ssl } : {}), logger }
      : { path: target.path, logger },
  );
  try {
    const report = await verifyAuditChain(store.kysely, store.path);
    return { text: formatChainReport(report), code: 'head' in report ? 0 : 1 };
  } finally {
    await store.close();
  }
}
