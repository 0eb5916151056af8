import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ManualClock } from '../../src/clock';
import { StoreError } from '../../src/errors';
import { silentLogger } from '../../src/logger';
import { MIGRATIONS, openStore, schemaVersion, type Migration } from '../../src/store';
import { migrate } from '../../src/store/migrations';
import { pendingInstall, tempDir } from './helpers';

/**
 * A test-only history: the real version 1, counted, then a version 2 that adds a column to
 * operations and backfills it from the existing rows, as a real upgrade would.
 */
function history(calls: number[]): Migration[] {
  const real = MIGRATIONS[0]!;
  return [
    {
      ...real,
      up: (db) => {
        calls.push(1);
        return real.up(db);
      },
    },
    {
      version: 2,
      name: 'operations.command_count',
      up(db) {
        calls.push(2);
        db.exec(`ALTER TABLE operations ADD COLUMN command_count INTEGER NOT NULL DEFAULT 0;
                 UPDATE operations SET command_count = json_array_length(commands);`);
      },
    },
  ];
}

describe('migrations', () => {
  const tmp = tempDir();
  afterAll(async () => tmp.cleanup());
  const logger = silentLogger();

  it('brings a new database to the latest production version', async () => {
    const store = await openStore({ path: ':memory:', logger });
    expect(schemaVersion(store.sqlite!)).toBe(MIGRATIONS.length);
    const tables = store
      .sqlite!.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
      .pluck()
      .all();
    expect(tables).toEqual([
      'approvals',
      'audit_log',
      'compliance_polls',
      'compliance_snapshot_reads',
      'compliance_snapshots',
      'digests',
      'history_day_instances',
      'history_group_days',
      'history_instances',
      'leases',
      'operation_posts',
      'operations',
      'seen_requests',
      'window_executions_seen',
      'window_polls',
    ]);
    await store.close();
  });

  it('does not re-apply migrations when a database is opened again', async () => {
    const path = join(tmp.dir, 'idempotent.db');
    const calls: number[] = [];
    await (await openStore({ path, logger, migrations: history(calls) })).close();
    await (await openStore({ path, logger, migrations: history(calls) })).close();
    const db = new Database(path);
    expect(migrate(db, { path, logger, migrations: history(calls) })).toEqual({ from: 2, to: 2, applied: [] });
    db.close();
    expect(calls).toEqual([1, 2]);

    // The production list too.
    const prod = join(tmp.dir, 'prod.db');
    await (await openStore({ path: prod, logger })).close();
    const again = new Database(prod);
    expect(migrate(again, { path: prod, logger })).toEqual({
      from: MIGRATIONS.length,
      to: MIGRATIONS.length,
      applied: [],
    });
    again.close();
  });

  it('upgrades a version-1 database to version 2, keeping its data', async () => {
    const path = join(tmp.dir, 'upgrade.db');
    const calls: number[] = [];
    const clock = new ManualClock();
    const [v1] = history(calls);
    const old = await openStore({ path, logger, clock, migrations: [v1!] });
    expect(schemaVersion(old.sqlite!)).toBe(1);
    const op = await old.operations.create(pendingInstall(clock, { status: 'approved', expiresAt: undefined }));
    await old.operations.update(op.id, {
      commands: [
        { scope: 'a', region: 'eu-west-1', commandId: 'c1' },
        { scope: 'a', region: 'us-east-1', commandId: 'c2' },
      ],
    });
    await old.close();

    const upgraded = await openStore({ path, logger, clock, migrations: history(calls) });
    expect(schemaVersion(upgraded.sqlite!)).toBe(2);
    expect(upgraded.sqlite!.prepare(`SELECT command_count FROM operations WHERE id = ?`).pluck().get(op.id)).toBe(2);
    expect((await upgraded.operations.get(op.id))?.commands).toHaveLength(2);
    await upgraded.close();
    expect(calls).toEqual([1, 2]);
  });

  it('rolls a failed migration back entirely and keeps the previous version', async () => {
    const path = join(tmp.dir, 'failing.db');
    const calls: number[] = [];
    const [v1] = history(calls);
    await (await openStore({ path, logger, migrations: [v1!] })).close();
    const broken: Migration = {
      version: 2,
      name: 'broken',
      up(db) {
        db.exec(`CREATE TABLE half_done (id INTEGER)`);
        db.exec(`THIS IS NOT SQL`);
      },
    };
    await expect(openStore({ path, logger, migrations: [v1!, broken] })).rejects.toThrow(StoreError);
    const db = new Database(path);
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'`).pluck().get()).toBe(0);
    db.close();
    // Fixed code then applies it normally.
    const fixed = await openStore({ path, logger, migrations: history(calls) });
    expect(schemaVersion(fixed.sqlite!)).toBe(2);
    await fixed.close();
  });

  it('refuses a database written by a newer patchbot, saying so', async () => {
    const path = join(tmp.dir, 'newer.db');
    const calls: number[] = [];
    await (await openStore({ path, logger, migrations: history(calls) })).close();
    let thrown: unknown;
    try {
      await openStore({ path, logger, migrations: [history(calls)[0]!] });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(StoreError);
    expect((thrown as Error).message).toContain(path);
    expect((thrown as Error).message).toMatch(/schema version 2, but this patchbot knows only up to 1/);
    expect((thrown as Error).message).toMatch(/newer patchbot/);
  });

  it('step 6 (PostgreSQL’s lease record) changes nothing in a SQLite file but its version', async () => {
    const path = join(tmp.dir, 'v5.db');
    const db = new Database(path);
    migrate(db, { path, logger, migrations: MIGRATIONS.slice(0, 5) });
    const schema = () => db.prepare('SELECT type, name, sql FROM sqlite_schema ORDER BY name').all();
    const before = schema();
    expect(migrate(db, { path, logger, migrations: MIGRATIONS.slice(0, 6) })).toEqual({ from: 5, to: 6, applied: [6] });
    expect(schema()).toEqual(before);
    expect(before.map((t) => (t as { name: string }).name)).not.toContain('leader_epochs');
    db.close();
  });

  it('rejects a migration list with gaps', async () => {
    const [, v2] = history([]);
    await expect(openStore({ path: ':memory:', logger, migrations: [v2!] })).rejects.toThrow(/expected 1/);
  });
});
