/**
 * npm run migrate:sqlite-to-postgres -- --from FILE: copies a SQLite state file into the empty
 * PostgreSQL database PATCHBOT_DATABASE_URL names (src/store/copy.ts does the copying). Prints one
 * line per table and the total; exits 1 with what failed and the fix, having committed nothing.
 */
import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadEnv, maskDatabaseUrl } from '../src/config';
import { silentLogger } from '../src/logger';
import { openStore, type Store } from '../src/store';
import { copyStore } from '../src/store/copy';

const USAGE =
  'usage: npm run migrate:sqlite-to-postgres -- --from FILE   (with PATCHBOT_DATABASE_URL set to the new database)';

function fromFile(argv: string[]): string {
  let from: string | undefined;
  try {
    ({ from } = parseArgs({ args: argv, options: { from: { type: 'string' } }, strict: true }).values);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${USAGE}`);
  }
  if (!from) throw new Error(`--from FILE is required: the SQLite state file to copy.\n${USAGE}`);
  // openStore would create a missing file; an empty copy is never what was meant.
  if (!existsSync(from) || !statSync(from).isFile())
    throw new Error(
      `${from}: no such file. Give --from the SQLite state file (PATCHBOT_DB, default ./data/patchbot.db).`,
    );
  return from;
}

async function main(argv: string[]): Promise<void> {
  const from = fromFile(argv);
  const env = loadEnv();
  const db = env.database;
  if (db.backend !== 'postgres')
    throw new Error(`PATCHBOT_DATABASE_URL is not set: set it to the new, empty PostgreSQL database.\n${USAGE}`);
  const toName = maskDatabaseUrl(db.url) ?? 'the PostgreSQL database';
  const logger = silentLogger();
  let source: Store | undefined;
  let target: Store | undefined;
  try {
    // Both opened as patchbot opens them: the SQLite file migrated to its latest version, PostgreSQL's tables created.
    source = await openStore({ path: from, logger });
    target = await openStore({ backend: 'postgres', url: db.url, logger, ...(db.ssl ? { ssl: db.ssl } : {}) });
    const report = await copyStore(source.kysely, target.kysely, { fromName: from, toName, nowMs: Date.now() });
    const width = Math.max(...report.tables.map((t) => t.table.length));
    for (const t of report.tables) {
      const left = t.left ? ` (${t.left.rows} left behind: ${t.left.why})` : '';
      process.stdout.write(`${t.table.padEnd(width)}  ${t.copied} copied${left}\n`);
    }
    process.stdout.write(`total: ${report.total} rows copied from ${from} to ${toName}\n`);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`${why}\nNothing was committed to ${toName}; fix the above and run the command again.`);
  } finally {
    await source?.close();
    await target?.close();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`migrate:sqlite-to-postgres: ${message}\n`);
  process.exitCode = 1;
});
