/**
 * `npm run audit:verify` (scripts/audit-verify.ts) and `node dist/src/main.js --verify-audit` as
 * processes on the database the environment names: OK with the count, and exit 1 naming the entry
 * that was edited, or the one after an entry that was deleted, behind the append-only triggers.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { silentLogger } from '../../src/logger';
import { openStore, type Store } from '../../src/store';
import { freshDatabase } from '../support/postgres';

const ROOT = join(__dirname, '../..');

function run(
  entry: string,
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--require', 'tsx/cjs', join(ROOT, entry), ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30000 },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
const verifyScript = (env: Record<string, string>) => run('scripts/audit-verify.ts', env);
const verifyMain = (env: Record<string, string>) => run('src/main.ts', env, ['--verify-audit']);

async function threeEntries(store: Store): Promise<number[]> {
  const ids: number[] = [];
  for (const action of ['operation.requested', 'operation.approved', 'operation.finished'] as const)
    ids.push((await store.audit.append({ actor: 'U0ALICE001', action, operationId: 'op-aaaaaa', group: 'PRD' })).id);
  return ids;
}

describe('audit:verify on SQLite (PATCHBOT_DB)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'patchbot-verify-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says OK with the count, then names the edited entry, in the script and in main', async () => {
    const path = join(dir, 'state.db');
    const store = await openStore({ path, logger: silentLogger() });
    const ids = await threeEntries(store);
    const env = { PATCHBOT_DB: path };
    const ok = await verifyScript(env);
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(ok.stdout).toMatch(/^audit log: 3 entries checked, chain OK \(head [0-9a-f]{64}/);

    store.sqlite!.exec(`DROP TRIGGER audit_log_no_update;
      UPDATE audit_log SET actor = 'U0MALLORY1' WHERE id = ${ids[1]};
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;`);
    for (const result of [await verifyScript(env), await verifyMain(env)]) {
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(
        new RegExp(
          `1 entries checked, then entry ${ids[1]} \\(\\d{4}-[^,]+Z, operation.approved\\) does not fit: its hash`,
        ),
      );
    }
    await store.close();
  }, 60_000);

  it('names the entry after a deleted one', async () => {
    const path = join(dir, 'deleted.db');
    const store = await openStore({ path, logger: silentLogger() });
    const ids = await threeEntries(store);
    store.sqlite!.exec(`DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = ${ids[0]};
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;`);
    await store.close();
    const result = await verifyMain({ PATCHBOT_DB: path });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(`0 entries checked, then entry ${ids[1]} `);
    expect(result.stdout).toMatch(/its link does not match the hash of the start of the chain/);
  }, 60_000);
});

describe('audit:verify where there is no database', () => {
  it('says so and creates none (an empty new file would verify as OK)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchbot-verify-none-'));
    try {
      const path = join(dir, 'missing', 'state.db');
      for (const result of [await verifyScript({ PATCHBOT_DB: path }), await verifyMain({ PATCHBOT_DB: path })]) {
        expect(result.code).toBe(2);
        expect(result.stderr).toContain(`state database ${path} does not exist`);
      }
      expect(existsSync(join(dir, 'missing'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('audit:verify on PostgreSQL (PATCHBOT_DATABASE_URL)', () => {
  it('names the edited entry', async () => {
    const db = await freshDatabase();
    try {
      const store = await openStore({ backend: 'postgres', url: db.url, logger: silentLogger() });
      const ids = await threeEntries(store);
      const env = { PATCHBOT_DATABASE_URL: db.url };
      expect(await verifyScript(env)).toMatchObject({
        code: 0,
        stdout: expect.stringMatching(/3 entries checked, chain OK/),
      });
      await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`.execute(store.kysely);
      await sql`UPDATE audit_log SET detail = '{"approvers":["U0MALLORY1"]}' WHERE id = ${ids[1]}`.execute(
        store.kysely,
      );
      await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change`.execute(store.kysely);
      await store.close();
      const result = await verifyScript(env);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(`then entry ${ids[1]} `);
    } finally {
      await db.drop();
    }
  }, 60_000);
});
