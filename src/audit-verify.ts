/**
 * `npm run audit:verify` and `node dist/src/main.js --verify-audit`: opens the state database the
 * configuration names (PATCHBOT_DB or PATCHBOT_DATABASE_URL), walks the audit log's hash chain and
 * prints the count checked and OK, or the first entry that does not fit; exit 1 then.
 */
import type { Logger } from './logger';
import { type DatabaseTarget, formatChainReport, openStore, verifyAuditChain } from './store';

/** What the verifier prints and the exit code it asks for. */
export interface AuditVerifyOutcome {
  text: string;
  code: 0 | 1;
}

/** Checks the audit log's chain in the database `target` names. */
export async function runAuditVerify(target: DatabaseTarget, logger: Logger): Promise<AuditVerifyOutcome> {
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
