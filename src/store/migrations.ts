import type Database from 'better-sqlite3';
import { StoreError } from '../errors';
import type { Logger } from '../logger';
import { AUDIT_GENESIS, auditHash, type ChainedColumns } from './audit-chain';

/**
 * The SQLite schema migrations, raw SQL run through better-sqlite3 before the query layer starts
 * (so existing files upgrade exactly as before). PostgreSQL has its own list, step for step
 * equivalent, in its own version table (pg-migrations.ts): add a step to both lists together.
 * The database's `PRAGMA user_version` is the number of the last migration
 * applied; each migration runs once, in its own IMMEDIATE transaction that also bumps the version,
 * so a crash mid-migration leaves the previous schema intact and two bots starting at once cannot
 * both apply the same step. Never edit a released migration: add a new one.
 */

/** One schema step; `version` numbers run 1, 2, 3... with no gaps. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

/**
 * Version 1. Enum columns (kind, status, action) carry no CHECK: SQLite cannot alter a CHECK
 * without rebuilding the table, and the repositories validate every row they read and write.
 * Times are ISO-8601 UTC text (see codec.ts).
 */
const v1: Migration = {
  version: 1,
  name: 'operations, approvals and audit log',
  up(db) {
    db.exec(`
      CREATE TABLE operations (
        id           TEXT PRIMARY KEY,
        kind         TEXT NOT NULL,
        group_name   TEXT NOT NULL,
        status       TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        channel      TEXT NOT NULL,
        message_ts   TEXT,
        params       TEXT NOT NULL CHECK (json_valid(params)),
        plan         TEXT CHECK (plan IS NULL OR json_valid(plan)),
        commands     TEXT NOT NULL CHECK (json_valid(commands)),
        result       TEXT CHECK (result IS NULL OR json_valid(result)),
        error        TEXT CHECK (error IS NULL OR json_valid(error)),
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        expires_at   TEXT,
        finished_at  TEXT,
        version      INTEGER NOT NULL DEFAULT 1
      ) STRICT;
      -- listUnfinished and expireDue look operations up by status (and expiry).
      CREATE INDEX operations_status ON operations (status, expires_at);
      -- history, newest first, overall and per group.
      CREATE INDEX operations_created ON operations (created_at);
      CREATE INDEX operations_group_created ON operations (group_name, created_at);

      -- One row per approver per operation: the primary key makes a double click count once.
      CREATE TABLE approvals (
        operation_id TEXT NOT NULL REFERENCES operations (id),
        user_id      TEXT NOT NULL,
        approved_at  TEXT NOT NULL,
        PRIMARY KEY (operation_id, user_id)
      ) STRICT;

      -- No foreign key to operations: the log also records refusals that name unknown ids.
      CREATE TABLE audit_log (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        at           TEXT NOT NULL,
        actor        TEXT NOT NULL,
        action       TEXT NOT NULL,
        operation_id TEXT,
        group_name   TEXT,
        detail       TEXT CHECK (detail IS NULL OR json_valid(detail))
      ) STRICT;
      CREATE INDEX audit_log_operation ON audit_log (operation_id, id);
      CREATE INDEX audit_log_group ON audit_log (group_name, id);
      -- Append-only is enforced by the database, not only by the repository having no update method.
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    `);
  },
};

/**
 * Version 2. The last known compliance of each instance of a group, per scope and region: what a
 * scan's "newly missing" and the compliance poller's diff compare against. `missing_patches` holds
 * the Missing and Failed patches as JSON ({title, kbId, severity, classification, state}), so a diff
 * only asks SSM for the patch list of instances whose OperationEndTime moved.
 */
const v2: Migration = {
  version: 2,
  name: 'compliance snapshots',
  up(db) {
    db.exec(`
      CREATE TABLE compliance_snapshots (
        group_name           TEXT NOT NULL,
        scope                TEXT NOT NULL,
        region               TEXT NOT NULL,
        instance_id          TEXT NOT NULL,
        name                 TEXT,
        ping_status          TEXT,
        -- NULL when SSM has no patch state for the instance (never scanned).
        operation            TEXT,
        operation_end_time   TEXT,
        missing_count        INTEGER NOT NULL,
        failed_count         INTEGER NOT NULL,
        pending_reboot_count INTEGER NOT NULL,
        critical_count       INTEGER NOT NULL,
        security_count       INTEGER NOT NULL,
        other_count          INTEGER NOT NULL,
        missing_patches      TEXT NOT NULL CHECK (json_valid(missing_patches)),
        updated_at           TEXT NOT NULL,
        PRIMARY KEY (group_name, scope, region, instance_id)
      ) STRICT;
    `);
  },
};

/**
 * Version 3. What the pollers remember (issue 5): which groups' scopes the compliance poller has
 * recorded a first snapshot in (`compliance_polls`), which windows the window poller has seen once
 * (`window_polls`: its first poll marks the executions already finished as seen and posts nothing),
 * which window executions were posted (`window_executions_seen`, with a summary the digest lists),
 * and the digests sent per channel (`digests`, so the next one shows the change since).
 */
const v3: Migration = {
  version: 3,
  name: 'poller state: compliance polls, window executions seen, digests',
  up(db) {
    db.exec(`
      CREATE TABLE compliance_polls (
        group_name      TEXT NOT NULL,
        scope           TEXT NOT NULL,
        region          TEXT NOT NULL,
        first_polled_at TEXT NOT NULL,
        last_polled_at  TEXT NOT NULL,
        PRIMARY KEY (group_name, scope, region)
      ) STRICT;

      CREATE TABLE window_polls (
        scope           TEXT NOT NULL,
        region          TEXT NOT NULL,
        window_id       TEXT NOT NULL,
        first_polled_at TEXT NOT NULL,
        PRIMARY KEY (scope, region, window_id)
      ) STRICT;

      -- baseline = 1: finished before the window's first poll, marked seen without being posted.
      CREATE TABLE window_executions_seen (
        scope        TEXT NOT NULL,
        region       TEXT NOT NULL,
        window_id    TEXT NOT NULL,
        execution_id TEXT NOT NULL,
        seen_at      TEXT NOT NULL,
        window_name  TEXT,
        status       TEXT,
        start_time   TEXT,
        end_time     TEXT,
        groups       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(groups)),
        baseline     INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (scope, region, window_id, execution_id)
      ) STRICT;
      CREATE INDEX window_executions_seen_end ON window_executions_seen (end_time);

      CREATE TABLE digests (
        id      INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT NOT NULL,
        sent_at TEXT NOT NULL,
        data    TEXT NOT NULL CHECK (json_valid(data))
      ) STRICT;
      CREATE INDEX digests_channel_sent ON digests (channel, sent_at);
    `);
  },
};

/**
 * Version 4: leases (issue 13). One row per piece of work only one process may do (`work`: the
 * operation tracker and the scheduled jobs). `holder` is the process holding it until `expires_at`
 * (ISO-8601 UTC text, so text order is time order); `epoch` counts changes of holder. Every write is
 * a compare-and-set on holder and expiry (see lease.ts).
 */
const v4: Migration = {
  version: 4,
  name: 'leases: one process does the work',
  up(db) {
    db.exec(`
      CREATE TABLE leases (
        name        TEXT PRIMARY KEY,
        holder      TEXT NOT NULL,
        acquired_at TEXT NOT NULL,
        renewed_at  TEXT NOT NULL,
        expires_at  TEXT NOT NULL,
        epoch       INTEGER NOT NULL DEFAULT 1
      ) STRICT;
    `);
  },
};

/**
 * Version 5: signed Slack requests already acted on (issue 13), by key (`sig:<signature>`,
 * `trigger:<trigger_id>`) until their timestamp leaves the signature window (epoch ms), so a replay
 * is refused across restarts and by every process on the file.
 */
const v5: Migration = {
  version: 5,
  name: 'seen requests: replays refused across restarts',
  up(db) {
    db.exec(`
      CREATE TABLE seen_requests (
        key      TEXT PRIMARY KEY,
        until_ms INTEGER NOT NULL
      ) STRICT;
    `);
  },
};

/**
 * Version 6: nothing on SQLite. PostgreSQL's step 6 creates the table of its advisory-lock lease
 * (`leader_epochs`); SQLite's lease is the `leases` row of version 4. The step is kept so the two
 * lists stay numbered alike and the next step shared by both has the same version on each.
 */
const v6: Migration = {
  version: 6,
  name: 'leader epochs (PostgreSQL only; nothing to do on SQLite)',
  up() {},
};

/**
 * Version 7: the daily compliance history (issue 18), sized for 10,000 instances over 400 days.
 * Days are integers (days since 1970-01-01 UTC). Instances are numbered in a dictionary table, and
 * the per-instance part of a day is ONE packed row per group and day (history-pack.ts: 13 bytes an
 * instance), not a row per instance and day: PostgreSQL spends about 28 bytes of tuple header and
 * line pointer on every row plus its key's index entry, which took 10,000 x 400 past 200 MB there;
 * one code path serves both backends. An ordinary rowid table here: SQLite advises WITHOUT ROWID
 * only for small rows, and a packed day (~130 kB at 10,000 instances) lives in overflow pages.
 */
const v7: Migration = {
  version: 7,
  name: 'daily compliance history',
  up(db) {
    db.exec(`
      CREATE TABLE history_group_days (
        group_name     TEXT NOT NULL,
        day            INTEGER NOT NULL,
        instances      INTEGER NOT NULL,
        compliant      INTEGER NOT NULL,
        critical       INTEGER NOT NULL,
        important      INTEGER NOT NULL,
        pending_reboot INTEGER NOT NULL,
        unreachable    INTEGER NOT NULL,
        oldest_scan_at TEXT,
        recorded_at    TEXT NOT NULL,
        PRIMARY KEY (group_name, day)
      ) STRICT;
      CREATE INDEX history_group_days_day ON history_group_days (day);

      -- last_day: the newest day with a row for the instance, so pruning can drop unused numbers.
      CREATE TABLE history_instances (
        id          INTEGER PRIMARY KEY,
        group_name  TEXT NOT NULL,
        scope       TEXT NOT NULL,
        region      TEXT NOT NULL,
        instance_id TEXT NOT NULL,
        name        TEXT,
        last_day    INTEGER NOT NULL,
        UNIQUE (group_name, scope, region, instance_id)
      ) STRICT;

      -- packed: per instance of the group that day, its number, since which day it has missed a
      -- Critical / an Important patch (the first day of the current run, or none) and its
      -- pending-reboot and unreachable flags (history-pack.ts).
      CREATE TABLE history_day_instances (
        group_name TEXT NOT NULL,
        day        INTEGER NOT NULL,
        packed     BLOB NOT NULL,
        PRIMARY KEY (group_name, day)
      ) STRICT;
      CREATE INDEX history_day_instances_day ON history_day_instances (day);
    `);
  },
};

/**
 * Version 8: the audit log's hash chain (audit-chain.ts). Existing entries are chained in id order;
 * the update trigger is dropped for that and created again as it was, in the same transaction. The
 * unique index makes a fork impossible even for a writer that skips the lock: two entries can never
 * follow the same one.
 */
const v8: Migration = {
  version: 8,
  name: 'audit log hash chain',
  up(db) {
    db.exec(`
      ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
      ALTER TABLE audit_log ADD COLUMN hash TEXT;
      DROP TRIGGER audit_log_no_update;
    `);
    const rows = db
      .prepare('SELECT id, at, actor, action, operation_id, group_name, detail FROM audit_log ORDER BY id')
      .iterate() as IterableIterator<Omit<ChainedColumns, 'prev_hash'> & { id: number }>;
    const chained: { id: number; prev: string; hash: string }[] = [];
    let prev = AUDIT_GENESIS;
    for (const row of rows) {
      const hash = auditHash({ ...row, prev_hash: prev });
      chained.push({ id: row.id, prev, hash });
      prev = hash;
    }
    const set = db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?');
    for (const c of chained) set.run(c.prev, c.hash, c.id);
    db.exec(`
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE UNIQUE INDEX audit_log_prev_hash ON audit_log (prev_hash);
    `);
  },
};

/**
 * Version 9: the post journal moves out of the operation's result into a row per post
 * (operation-posts.ts). A finished change's result holds a line per instance, megabytes at 10,000,
 * and every journal write read and rewrote all of it. Posts already journalled move with it; a
 * record that is neither a whole `posting` nor a whole `posted` one was never read as either, and
 * is left behind.
 */
const v9: Migration = {
  version: 9,
  name: 'post journal: a row per post',
  up(db) {
    db.exec(`
      CREATE TABLE operation_posts (
        operation_id TEXT NOT NULL REFERENCES operations (id),
        post_key     TEXT NOT NULL,
        state        TEXT NOT NULL CHECK (state IN ('posting', 'posted')),
        at           TEXT NOT NULL,
        settle_at    TEXT,
        ts           TEXT,
        PRIMARY KEY (operation_id, post_key),
        CHECK ((state = 'posting' AND settle_at IS NOT NULL AND ts IS NULL)
            OR (state = 'posted' AND ts IS NOT NULL AND settle_at IS NULL))
      ) STRICT;

      INSERT INTO operation_posts (operation_id, post_key, state, at, settle_at, ts)
        SELECT o.id, p.key, p.value ->> '$.state', p.value ->> '$.at',
               CASE p.value ->> '$.state' WHEN 'posting' THEN p.value ->> '$.settleAt' END,
               CASE p.value ->> '$.state' WHEN 'posted' THEN p.value ->> '$.ts' END
        FROM operations o,
             json_each(CASE WHEN json_valid(o.result) AND json_type(o.result, '$.posts') = 'object'
                            THEN o.result ELSE '{}' END, '$.posts') p
        WHERE json_type(p.value) = 'object' AND json_type(p.value, '$.at') = 'text'
          AND ((p.value ->> '$.state' = 'posting' AND json_type(p.value, '$.settleAt') = 'text')
            OR (p.value ->> '$.state' = 'posted' AND json_type(p.value, '$.ts') = 'text'));

      UPDATE operations SET result = json_remove(result, '$.posts')
        WHERE json_valid(result) AND json_type(result, '$.posts') IS NOT NULL;
    `);
  },
};

/**
 * Version 10. The fresh read each scope's snapshot rows were last made to match
 * (`compliance_snapshot_reads`): a compliance poll whose read of a scope hashes the same, with no
 * write to those rows since, has nothing to compare there, so a quiet poll reads no rows. Triggers
 * forget a scope's mark on any insert, update or delete of its rows, whoever makes it (another
 * patchbot on the same file, or a row deleted by hand as a corrupt row's error advises).
 */
const v10: Migration = {
  version: 10,
  name: 'compliance snapshot reads',
  up(db) {
    db.exec(`
      CREATE TABLE compliance_snapshot_reads (
        group_name TEXT NOT NULL,
        scope      TEXT NOT NULL,
        region     TEXT NOT NULL,
        read_hash  TEXT NOT NULL,
        PRIMARY KEY (group_name, scope, region)
      ) STRICT;

      CREATE TRIGGER compliance_snapshots_insert_forgets_read AFTER INSERT ON compliance_snapshots BEGIN
        DELETE FROM compliance_snapshot_reads
          WHERE group_name = NEW.group_name AND scope = NEW.scope AND region = NEW.region;
      END;
      CREATE TRIGGER compliance_snapshots_update_forgets_read AFTER UPDATE ON compliance_snapshots BEGIN
        DELETE FROM compliance_snapshot_reads
          WHERE (group_name = OLD.group_name AND scope = OLD.scope AND region = OLD.region)
             OR (group_name = NEW.group_name AND scope = NEW.scope AND region = NEW.region);
      END;
      CREATE TRIGGER compliance_snapshots_delete_forgets_read AFTER DELETE ON compliance_snapshots BEGIN
        DELETE FROM compliance_snapshot_reads
          WHERE group_name = OLD.group_name AND scope = OLD.scope AND region = OLD.region;
      END;
    `);
  },
};

/** The production migrations, in order. */
export const MIGRATIONS: readonly Migration[] = [v1, v2, v3, v4, v5, v6, v7, v8, v9, v10];

/** What migrate did: the schema version before and after, and the versions it applied. */
export interface MigrationOutcome {
  from: number;
  to: number;
  applied: number[];
}

/** The schema version recorded in the database (0 for a new file). */
export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Brings the database up to the newest migration; refuses a database written by a newer build. */
export function migrate(
  db: Database.Database,
  options: { path: string; logger: Logger; migrations?: readonly Migration[] },
): MigrationOutcome {
  const migrations = options.migrations ?? MIGRATIONS;
  checkOrder(migrations);
  const latest = migrations.length;
  const from = schemaVersion(db);
  if (from > latest) {
    throw new StoreError(
      `state database ${options.path} has schema version ${from}, but this patchbot knows only up to ${latest}: ` +
        'it was written by a newer patchbot. Run that newer version, or point PATCHBOT_DB at another file.',
      { file: options.path, problem: 'not-patchbot' },
    );
  }

  const applied: number[] = [];
  for (const migration of migrations.slice(from)) {
    // IMMEDIATE takes the write lock before reading the version, so a second bot starting at the
    // same moment waits here and then sees the step already done.
    const ran = db
      .transaction(() => {
        const current = schemaVersion(db);
        if (current >= migration.version) return false;
        // Checked under the lock: another bot may have created the schema since `from` was read.
        if (current === 0) refuseForeignDatabase(db, options.path);
        migration.up(db);
        db.pragma(`user_version = ${migration.version}`);
        return true;
      })
      .immediate();
    if (ran) {
      applied.push(migration.version);
      options.logger.info({ version: migration.version, migration: migration.name }, 'store: applied migration');
    }
  }
  return { from, to: schemaVersion(db), applied };
}

/** Migration lists must be numbered 1..n in order; a gap would silently skip a step. */
function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new StoreError(
        `store: migration "${m.name}" has version ${m.version}, expected ${i + 1} (versions run 1..n with no gaps)`,
      );
    }
  });
}

/** A version-0 file that already has tables is some other program's database: do not write into it. */
function refuseForeignDatabase(db: Database.Database, path: string): void {
  const row = db.prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'`).get() as {
    n: number;
  };
  if (row.n > 0) {
    throw new StoreError(
      `state database ${path} already holds tables but no patchbot schema version: it is not a patchbot database. ` +
        'Point PATCHBOT_DB at a new file (patchbot creates it).',
      { file: path, problem: 'not-patchbot' },
    );
  }
}
