import type { Kysely } from 'kysely';
import { AUDIT_GENESIS, auditHash } from './audit-chain';
import { guarded } from './failure';
import type { PatchbotDatabase } from './schema';

/** The first entry that does not fit the chain, and how. */
export interface ChainBreak {
  id: number;
  at: string;
  action: string;
  /**
   * `hash`: the entry's columns no longer give its hash (it was edited). `link`: its prev_hash is not
   * the hash of the entry before it (an entry between was deleted, or the order rewritten).
   */
  problem: 'hash' | 'link';
  /** The id of the entry before it in id order (none for the first). */
  previousId: number | undefined;
}

/** What the walk found: how many entries fit, the head hash when all did, or the first break. */
export type ChainReport = { checked: number; head: string } | { checked: number; broken: ChainBreak };

/** Rows read at a time: the walk holds one page in memory, whatever the log's length. */
const PAGE = 1000;

/** Walks the audit log in id order and checks every entry's hash and link (audit-chain.ts). */
export async function verifyAuditChain(db: Kysely<PatchbotDatabase>, where: string): Promise<ChainReport> {
  let expected = AUDIT_GENESIS;
  let previousId: number | undefined;
  let checked = 0;
  for (;;) {
    const after = previousId ?? 0;
    const rows = await guarded(where, 'reading the audit log', () =>
      db.selectFrom('audit_log').selectAll().where('id', '>', after).orderBy('id', 'asc').limit(PAGE).execute(),
    );
    if (rows.length === 0) return { checked, head: expected };
    for (const row of rows) {
      const id = Number(row.id);
      const at = row.at;
      const brk = (problem: ChainBreak['problem']) => ({
        checked,
        broken: { id, at, action: row.action, problem, previousId },
      });
      if (row.prev_hash !== expected) return brk('link');
      if (row.hash !== auditHash({ ...row, prev_hash: row.prev_hash })) return brk('hash');
      expected = row.hash;
      previousId = id;
      checked++;
    }
  }
}

/** The verifier's lines for an operator: the count checked, then OK with the head hash or the first break. */
export function formatChainReport(report: ChainReport): string {
  if ('head' in report)
    return `audit log: ${report.checked} entries checked, chain OK (head ${report.head}; keep it to compare with the next run)`;
  const b = report.broken;
  const what =
    b.problem === 'hash'
      ? 'its hash does not match its contents: the entry was changed after it was written'
      : `its link does not match the hash of ${b.previousId === undefined ? 'the start of the chain' : `entry ${b.previousId}`}: an entry before it was deleted or changed, or the order rewritten`;
  return (
    `audit log: ${report.checked} entries checked, then entry ${b.id} (${b.at}, ${b.action}) does not fit: ${what}\n` +
    'The log is not as patchbot wrote it from there on: compare it with a backup to see what changed.'
  );
}
