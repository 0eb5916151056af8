/**
 * The copy from a SQLite file to PostgreSQL (src/store/copy.ts and its CLI,
 * npm run migrate:sqlite-to-postgres): everything read back through the repositories, refusals
 * leaving the target as it was, and every table of the schema handled.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { ManualClock, systemClock } from '../../src/clock';
import { silentLogger } from '../../src/logger';
import { openStore, verifyAuditChain, type Store } from '../../src/store';
import { COPY_ORDER, POSTGRES_OWN_TABLES, checkTablesHandled, copyStore } from '../../src/store/copy';
import { PgAdvisoryLease } from '../../src/store/pg-lease';
import { freshDatabase } from '../support/postgres';
import { pendingInstall, tempDir } from './helpers';

const run = promisify(execFile);
const SCRIPT = join(__dirname, '../../scripts/migrate-sqlite-to-postgres.ts');
const FAR = Date.now() + 3600_000;

/** A SQLite file with rows in every table, written through the repositories. */
async function filledFile(path: string): Promise<{ opId: string; otherId: string }> {
  const clock = new ManualClock('2026-03-01T10:00:00.000Z');
  const store = await openStore({ path, logger: silentLogger(), clock });
  try {
    const op = await store.operations.create(pendingInstall(clock));
    await store.approvals.add(op.id, 'U1');
    clock.advance(1000);
    await store.approvals.add(op.id, 'U2');
    await store.operations.transition(op.id, { from: 'pending', to: 'approved' });
    await store.operations.update(op.id, { result: { installed: 3 }, messageTs: '1700000000.000100' });
    const other = await store.operations.create(pendingInstall(clock, { group: 'DEV' }));
    for (let i = 0; i < 1203; i++)
      await store.audit.append({ actor: 'U1', action: 'operation.requested', group: 'PRD', detail: { i } });
    await store.audit.append({ actor: 'U2', action: 'operation.approved', operationId: op.id, group: 'PRD' });
    await store.snapshots.replaceScope('PRD', 'default', 'us-east-1', [
      {
        group: 'PRD',
        scope: 'default',
        region: 'us-east-1',
        instanceId: 'i-0123456789abcdef0',
        name: 'web-1',
        pingStatus: 'Online',
        operation: 'Scan',
        operationEndTime: new Date('2026-03-01T09:00:00.000Z'),
        missing: 2,
        failed: 0,
        pendingReboot: 1,
        critical: 1,
        security: 2,
        other: 0,
        missingPatches: [
          { title: 'KB1', kbId: 'KB1', severity: 'Critical', classification: 'Security', state: 'Missing' },
        ],
      },
    ]);
    await store.pollState.markCompliancePolled('PRD', 'default', 'us-east-1');
    await store.snapshots.markRead('PRD', 'default', 'us-east-1', 'read-hash-1');
    await store.pollState.markWindowPolled('default', 'us-east-1', 'mw-0123456789abcdef0', [
      {
        scope: 'default',
        region: 'us-east-1',
        windowId: 'mw-0123456789abcdef0',
        executionId: 'e-1',
        windowName: 'nightly',
        status: 'SUCCESS',
        startTime: new Date('2026-03-01T08:00:00.000Z'),
        endTime: new Date('2026-03-01T08:30:00.000Z'),
        groups: ['PRD'],
        baseline: true,
      },
    ]);
    await store.posts.put(op.id, 'card', { state: 'posted', at: '2026-03-01T08:00:01.000Z', ts: '1700000000.000100' });
    await store.posts.put(op.id, 'result:0', {
      state: 'posting',
      at: '2026-03-01T08:00:02.000Z',
      settleAt: '2026-03-01T08:00:32.000Z',
    });
    await store.pollState.recordDigest('C1', { n: 1 });
    clock.advance(1000);
    await store.pollState.recordDigest('C1', { n: 2 });
    await store.seenRequests.admit(['live'], FAR, Date.now());
    await store.seenRequests.admit(['expired'], Date.now() - 1000, Date.now() - 2000);
    // Two days of 300 instances: two packed rows (history-pack.ts), each 300 instances' entries.
    for (const day of ['2026-02-28', '2026-03-01'])
      await store.complianceHistory.recordDay({
        group: 'PRD',
        day,
        instances: 300,
        compliant: 299,
        critical: 1,
        important: 0,
        pendingReboot: 0,
        unreachable: 0,
        oldestScanAt: new Date('2026-02-27T09:00:00.000Z'),
        rows: Array.from({ length: 300 }, (_, n) => ({
          scope: 'default',
          region: 'us-east-1',
          instanceId: `i-${String(n).padStart(17, '0')}`,
          name: `web-${n}`,
          critical: n === 7,
          important: false,
          pendingReboot: false,
          unreachable: false,
        })),
      });
    await store.lease.acquire('old-host', 60_000);
    return { opId: op.id, otherId: other.id };
  } finally {
    await store.close();
  }
}

async function tableCounts(store: Store): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of COPY_ORDER) {
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(t)}`.execute(store.kysely);
    counts[t] = Number(rows[0]?.n);
  }
  return counts;
}

describe('copying a SQLite store to PostgreSQL [postgres]', () => {
  const dirs = tempDir();
  const file = join(dirs.dir, 'state.db');
  let ids: { opId: string; otherId: string };
  const dbs: Array<{ url: string; drop: () => Promise<void> }> = [];
  const fresh = async () => {
    const db = await freshDatabase();
    dbs.push(db);
    return db.url;
  };

  beforeAll(async () => {
    ids = await filledFile(file);
  });
  afterAll(async () => {
    for (const db of dbs) await db.drop();
    dirs.cleanup();
  });

  it('copies every table and the repositories read the same things back', async () => {
    const url = await fresh();
    const source = await openStore({ path: file, logger: silentLogger() });
    const target = await openStore({ backend: 'postgres', url, logger: silentLogger() });
    try {
      const report = await copyStore(source.kysely, target.kysely, {
        fromName: file,
        toName: target.path,
        nowMs: Date.now(),
      });
      const copied = Object.fromEntries(report.tables.map((t) => [t.table, t.copied]));
      expect(copied).toEqual({
        operations: 2,
        approvals: 2,
        audit_log: 1204,
        compliance_snapshots: 1,
        compliance_polls: 1,
        compliance_snapshot_reads: 1,
        window_polls: 1,
        window_executions_seen: 1,
        digests: 2,
        operation_posts: 2,
        seen_requests: 1,
        leases: 0,
        history_group_days: 2,
        history_instances: 300,
        history_day_instances: 2,
      });
      expect(report.total).toBe(1522);
      expect(report.tables.find((t) => t.table === 'seen_requests')?.left?.rows).toBe(1);
      expect(report.tables.find((t) => t.table === 'leases')?.left?.rows).toBe(1);

      for (const id of [ids.opId, ids.otherId])
        expect(await target.operations.get(id)).toEqual(await source.operations.get(id));
      expect((await target.operations.get(ids.opId))?.result).toEqual({ installed: 3 });
      expect(await target.operations.listRecent({ limit: 10 })).toEqual(
        await source.operations.listRecent({ limit: 10 }),
      );
      expect(await target.approvals.list(ids.opId)).toEqual(await source.approvals.list(ids.opId));
      for (const key of ['card', 'result:0'])
        expect(await target.posts.get(ids.opId, key)).toEqual(await source.posts.get(ids.opId, key));
      expect((await target.posts.get(ids.opId, 'result:0'))?.state).toBe('posting');
      const audit = await target.audit.list({ limit: 1000 });
      expect(audit).toEqual(await source.audit.list({ limit: 1000 }));
      expect(audit[0]?.action).toBe('operation.approved');
      // The whole log, across the copy's batches, in the same order with the same ids.
      const log = (store: Store) =>
        store.kysely.selectFrom('audit_log').select(['id', 'at', 'actor', 'detail']).orderBy('id').execute();
      expect(await log(target)).toEqual(await log(source));
      expect(await target.snapshots.forGroup('PRD')).toEqual(await source.snapshots.forGroup('PRD'));
      // Copied after the rows, so their triggers do not forget it.
      expect(await target.snapshots.readHash('PRD', 'default', 'us-east-1')).toBe('read-hash-1');
      expect(await target.pollState.compliancePolledAt('PRD', 'default', 'us-east-1')).toEqual(
        await source.pollState.compliancePolledAt('PRD', 'default', 'us-east-1'),
      );
      expect(await target.pollState.executionsEndedAfter(new Date(0))).toEqual(
        await source.pollState.executionsEndedAfter(new Date(0)),
      );
      expect(await target.pollState.lastDigest('C1')).toEqual(await source.pollState.lastDigest('C1'));
      const history = (store: Store) => store.complianceHistory.groupDays(['PRD'], '2026-01-01', '2026-12-31');
      expect(await target.complianceHistory.latestInstanceDays(['PRD'])).toEqual(
        await source.complianceHistory.latestInstanceDays(['PRD']),
      );
      expect((await history(target)).map((d) => d.day)).toEqual(['2026-02-28', '2026-03-01']);
      expect(await history(target)).toEqual(await history(source));
      // The live request is still refused as a replay; the lease is for the new leader to take.
      expect(await target.seenRequests.admit(['live'], FAR, Date.now())).toBe(false);
      expect(await target.lease.current()).toBeUndefined();

      // New rows get ids after the copied ones, and the audit log is still append-only.
      const next = await target.audit.append({ actor: 'U9', action: 'operation.requested' });
      expect(next.id).toBeGreaterThan(audit[0]!.id);
      await target.operations.create(pendingInstall(new ManualClock('2026-03-02T10:00:00.000Z')));
      await expect(sql`UPDATE audit_log SET actor = 'x'`.execute(target.kysely)).rejects.toThrow(/append-only/);
      // The hash chain came across as it was and goes on from there.
      expect(await verifyAuditChain(target.kysely, target.path)).toMatchObject({ checked: 1205 });
    } finally {
      await source.close();
      await target.close();
    }
  });

  it('refuses a database that already holds data and changes nothing', async () => {
    const url = await fresh();
    const source = await openStore({ path: file, logger: silentLogger() });
    const target = await openStore({ backend: 'postgres', url, logger: silentLogger() });
    try {
      await target.audit.append({ actor: 'U1', action: 'operation.requested' });
      const before = await tableCounts(target);
      await expect(
        copyStore(source.kysely, target.kysely, { fromName: file, toName: target.path, nowMs: Date.now() }),
      ).rejects.toThrow(/already holds data: audit_log \(1 row\)\. Nothing was copied/);
      expect(await tableCounts(target)).toEqual(before);
    } finally {
      await source.close();
      await target.close();
    }
  });

  it('keeps nothing when a table fails part way', async () => {
    const url = await fresh();
    const source = await openStore({ path: file, logger: silentLogger() });
    const target = await openStore({ backend: 'postgres', url, logger: silentLogger() });
    try {
      // Digests come after operations, approvals and the audit log: those are written, then undone.
      await sql`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'no digests today'; END $$`.execute(target.kysely);
      await sql`CREATE TRIGGER refuse BEFORE INSERT ON digests EXECUTE FUNCTION refuse()`.execute(target.kysely);
      await expect(
        copyStore(source.kysely, target.kysely, { fromName: file, toName: target.path, nowMs: Date.now() }),
      ).rejects.toThrow(/no digests today/);
      expect(Object.values(await tableCounts(target)).every((n) => n === 0)).toBe(true);
    } finally {
      await source.close();
      await target.close();
    }
  });

  it('fails on a table the copy does not handle', () => {
    expect(() => checkTablesHandled([...COPY_ORDER, 'schema_migrations'], 'db', 'sqlite')).not.toThrow();
    expect(() => checkTablesHandled([...COPY_ORDER, 'new_things'], 'db', 'postgres')).toThrow(
      /db has table\(s\) new_things that the copy to PostgreSQL does not handle: add them to COPY_PLAN/,
    );
    // The lease's record is PostgreSQL's own: expected there, a stranger in a SQLite file.
    expect(() => checkTablesHandled([...COPY_ORDER, 'leader_epochs'], 'db', 'postgres')).not.toThrow();
    expect(() => checkTablesHandled([...COPY_ORDER, 'leader_epochs'], 'db', 'sqlite')).toThrow(/leader_epochs/);
  });

  it('handles every table the PostgreSQL migrations create', async () => {
    const target = await openStore({ backend: 'postgres', url: await fresh(), logger: silentLogger() });
    try {
      const { rows } = await sql<{ name: string }>`
        SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()
        AND tablename <> 'schema_migrations' ORDER BY tablename`.execute(target.kysely);
      expect(rows.map((r) => r.name)).toEqual([...COPY_ORDER, ...Object.keys(POSTGRES_OWN_TABLES)].sort());
    } finally {
      await target.close();
    }
  });

  it('copies into a database whose lease a replica already took, and leaves the lease record as it was', async () => {
    const url = await fresh();
    const source = await openStore({ path: file, logger: silentLogger() });
    const target = await openStore({ backend: 'postgres', url, logger: silentLogger() });
    const lease = new PgAdvisoryLease({ connection: { url }, clock: systemClock, logger: silentLogger() });
    try {
      expect((await lease.acquire('replica-1', 60_000)).held).toBe(true);
      const report = await copyStore(source.kysely, target.kysely, {
        fromName: file,
        toName: target.path,
        nowMs: Date.now(),
      });
      expect(report.total).toBe(1522);
      expect(report.tables.map((t) => t.table)).not.toContain('leader_epochs');
      expect(await lease.current()).toMatchObject({ holder: 'replica-1', epoch: 1 });
    } finally {
      await lease.close();
      await source.close();
      await target.close();
    }
  });

  describe('the command', () => {
    const cli = (args: string[], url: string) =>
      run(process.execPath, ['--import', 'tsx', SCRIPT, ...args], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, PATCHBOT_DATABASE_URL: url },
      }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (err: { code: number; stdout: string; stderr: string }) => err,
      );

    it('prints one line per table and the total, and exits 0', async () => {
      const url = await fresh();
      const out = await cli(['--from', file], url);
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      const lines = out.stdout.trim().split('\n');
      expect(lines).toHaveLength(COPY_ORDER.length + 1);
      expect(lines[0]).toMatch(/^operations\s+2 copied$/);
      expect(out.stdout).toMatch(/^audit_log\s+1204 copied$/m);
      expect(out.stdout).toMatch(/^seen_requests\s+1 copied \(1 left behind: expired/m);
      expect(out.stdout).toMatch(/^leases\s+0 copied \(1 left behind: the new leader takes the lease\)$/m);
      expect(lines.at(-1)).toMatch(/^total: 1522 rows copied from .*state\.db to postgres:\/\//);
    });

    it('says what is missing: --from, or the file', async () => {
      const url = await fresh();
      const none = await cli([], url);
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(
        /--from FILE is required[\s\S]*usage: npm run migrate:sqlite-to-postgres -- --from FILE/,
      );
      const missing = await cli(['--from', join(dirs.dir, 'nope.db')], url);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/nope\.db: no such file\. Give --from the SQLite state file/);
    });

    it('refuses a non-empty database without printing the password', async () => {
      const url = new URL(await fresh());
      url.password = 'hunter2';
      // The test server trusts every login, so the password is taken and ignored.
      const first = await cli(['--from', file], url.toString());
      expect(first.code).toBe(0);
      const again = await cli(['--from', file], url.toString());
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/already holds data: operations \(2 rows\)/);
      expect(again.stderr).toMatch(/Nothing was committed to postgres:\/\/postgres:\[redacted\]@/);
      expect(again.stdout + again.stderr).not.toContain('hunter2');
    });
  });
});
