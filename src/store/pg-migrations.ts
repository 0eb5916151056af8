import type { PoolClient } from 'pg';
import { StoreError } from '../errors';
import type { Logger } from '../logger';
import { AUDIT_GENESIS, auditHash, type ChainedColumns } from './audit-chain';

/**
 * The PostgreSQL schema migrations: the SQLite list's equivalent, step for step (same tables,
 * columns and indexes as schema.ts; times ISO-8601 UTC text and JSON as text, so both backends'
 * rows decode through the same code). Text columns that are ordered or compared use the "C"
 * collation, which orders by bytes as SQLite's BINARY does, whatever the database's locale.
 * `rowid` is an identity column on the tables whose insertion order the repositories rely on.
 * One table is PostgreSQL's alone: `leader_epochs` (v6), the advisory-lock lease's record, outside
 * schema.ts (SQLite's step 6 does nothing, so both lists keep the same numbers).
 *
 * Applied versions are rows of `schema_migrations`. Each step runs in its own transaction that
 * first takes a transaction-level advisory lock on a fixed key, so of two replicas starting at once
 * one applies the step and the other waits, then finds it done. Never edit a released step: add one.
 */

/** One PostgreSQL schema step; versions run 1, 2, 3... like the SQLite list's. */
export interface PgMigration {
  version: number;
  name: string;
  sql: string;
  /** Work SQL alone cannot do well (hashing rows in order), run after `sql` in the same transaction. */
  run?(client: PoolClient): Promise<void>;
}

/** The channel the operations trigger notifies with an operation's id after every insert or update. */
export const OPERATIONS_CHANNEL = 'patchbot_operations';

/** The advisory lock key every migration transaction takes (an arbitrary fixed number: "patchbot"). */
const MIGRATION_LOCK_KEY = 0x7061746368626f74n;

const v1: PgMigration = {
  version: 1,
  name: 'operations, approvals and audit log',
  sql: `
    CREATE TABLE operations (
      rowid        BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
      id           TEXT PRIMARY KEY,
      kind         TEXT NOT NULL,
      group_name   TEXT NOT NULL,
      status       TEXT NOT NULL,
      requested_by TEXT NOT NULL,
      channel      TEXT NOT NULL,
      message_ts   TEXT,
      params       TEXT NOT NULL CHECK (params::jsonb IS NOT NULL),
      plan         TEXT CHECK (plan IS NULL OR plan::jsonb IS NOT NULL),
      commands     TEXT NOT NULL CHECK (commands::jsonb IS NOT NULL),
      result       TEXT CHECK (result IS NULL OR result::jsonb IS NOT NULL),
      error        TEXT CHECK (error IS NULL OR error::jsonb IS NOT NULL),
      created_at   TEXT COLLATE "C" NOT NULL,
      updated_at   TEXT COLLATE "C" NOT NULL,
      expires_at   TEXT COLLATE "C",
      finished_at  TEXT COLLATE "C",
      version      INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX operations_status ON operations (status, expires_at);
    CREATE INDEX operations_created ON operations (created_at);
    CREATE INDEX operations_group_created ON operations (group_name, created_at);

    CREATE TABLE approvals (
      rowid        BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
      operation_id TEXT NOT NULL REFERENCES operations (id),
      user_id      TEXT NOT NULL,
      approved_at  TEXT COLLATE "C" NOT NULL,
      PRIMARY KEY (operation_id, user_id)
    );

    CREATE TABLE audit_log (
      id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at           TEXT COLLATE "C" NOT NULL,
      actor        TEXT NOT NULL,
      action       TEXT NOT NULL,
      operation_id TEXT,
      group_name   TEXT,
      detail       TEXT CHECK (detail IS NULL OR detail::jsonb IS NOT NULL)
    );
    CREATE INDEX audit_log_operation ON audit_log (operation_id, id);
    CREATE INDEX audit_log_group ON audit_log (group_name, id);
    -- Append-only is enforced by the database, for anything that connects to it.
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
    CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

    -- Every write to an operation is announced, so the leader picks up an approval at once.
    CREATE FUNCTION operations_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('${OPERATIONS_CHANNEL}', NEW.id); RETURN NULL; END $$;
    CREATE TRIGGER operations_notify AFTER INSERT OR UPDATE ON operations
      FOR EACH ROW EXECUTE FUNCTION operations_notify();
  `,
};

const v2: PgMigration = {
  version: 2,
  name: 'compliance snapshots',
  sql: `
    CREATE TABLE compliance_snapshots (
      group_name           TEXT COLLATE "C" NOT NULL,
      scope                TEXT COLLATE "C" NOT NULL,
      region               TEXT COLLATE "C" NOT NULL,
      instance_id          TEXT COLLATE "C" NOT NULL,
      name                 TEXT,
      ping_status          TEXT,
      operation            TEXT,
      operation_end_time   TEXT COLLATE "C",
      missing_count        INTEGER NOT NULL,
      failed_count         INTEGER NOT NULL,
      pending_reboot_count INTEGER NOT NULL,
      critical_count       INTEGER NOT NULL,
      security_count       INTEGER NOT NULL,
      other_count          INTEGER NOT NULL,
      missing_patches      TEXT NOT NULL CHECK (missing_patches::jsonb IS NOT NULL),
      updated_at           TEXT COLLATE "C" NOT NULL,
      PRIMARY KEY (group_name, scope, region, instance_id)
    );
  `,
};

const v3: PgMigration = {
  version: 3,
  name: 'poller state: compliance polls, window executions seen, digests',
  sql: `
    CREATE TABLE compliance_polls (
      group_name      TEXT COLLATE "C" NOT NULL,
      scope           TEXT COLLATE "C" NOT NULL,
      region          TEXT COLLATE "C" NOT NULL,
      first_polled_at TEXT COLLATE "C" NOT NULL,
      last_polled_at  TEXT COLLATE "C" NOT NULL,
      PRIMARY KEY (group_name, scope, region)
    );

    CREATE TABLE window_polls (
      scope           TEXT COLLATE "C" NOT NULL,
      region          TEXT COLLATE "C" NOT NULL,
      window_id       TEXT COLLATE "C" NOT NULL,
      first_polled_at TEXT COLLATE "C" NOT NULL,
      PRIMARY KEY (scope, region, window_id)
    );

    CREATE TABLE window_executions_seen (
      scope        TEXT COLLATE "C" NOT NULL,
      region       TEXT COLLATE "C" NOT NULL,
      window_id    TEXT COLLATE "C" NOT NULL,
      execution_id TEXT COLLATE "C" NOT NULL,
      seen_at      TEXT COLLATE "C" NOT NULL,
      window_name  TEXT,
      status       TEXT,
      start_time   TEXT COLLATE "C",
      end_time     TEXT COLLATE "C",
      groups       TEXT NOT NULL DEFAULT '[]' CHECK (groups::jsonb IS NOT NULL),
      baseline     INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (scope, region, window_id, execution_id)
    );
    CREATE INDEX window_executions_seen_end ON window_executions_seen (end_time);

    CREATE TABLE digests (
      id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      channel TEXT COLLATE "C" NOT NULL,
      sent_at TEXT COLLATE "C" NOT NULL,
      data    TEXT NOT NULL CHECK (data::jsonb IS NOT NULL)
    );
    CREATE INDEX digests_channel_sent ON digests (channel, sent_at);
  `,
};

const v4: PgMigration = {
  version: 4,
  name: 'leases: one process does the work',
  sql: `
    CREATE TABLE leases (
      name        TEXT PRIMARY KEY,
      holder      TEXT NOT NULL,
      acquired_at TEXT COLLATE "C" NOT NULL,
      renewed_at  TEXT COLLATE "C" NOT NULL,
      expires_at  TEXT COLLATE "C" NOT NULL,
      epoch       INTEGER NOT NULL DEFAULT 1
    );
  `,
};

const v5: PgMigration = {
  version: 5,
  name: 'seen requests: replays refused across restarts',
  sql: `
    CREATE TABLE seen_requests (
      key      TEXT PRIMARY KEY,
      until_ms BIGINT NOT NULL
    );
  `,
};

/**
 * Version 6: the PostgreSQL lease's own record (pg-lease.ts): who took the advisory lock last, under
 * which epoch, until when. Not in schema.ts: only the lease's session reads and writes it, and the
 * copy from SQLite leaves it alone (copy.ts). IF NOT EXISTS because builds before this step had the
 * lock's holder create the same table at run time, so databases they ran on already hold it.
 */
const v6: PgMigration = {
  version: 6,
  name: 'leader epochs: the PostgreSQL lease record',
  sql: `
    CREATE TABLE IF NOT EXISTS leader_epochs (
      name        TEXT PRIMARY KEY,
      holder      TEXT NOT NULL,
      epoch       INTEGER NOT NULL,
      acquired_at TIMESTAMPTZ NOT NULL,
      renewed_at  TIMESTAMPTZ NOT NULL,
      expires_at  TIMESTAMPTZ NOT NULL
    );
  `,
};

/**
 * Version 7: the daily compliance history, as SQLite's step 7 (integer days, a dictionary of
 * instance numbers). The per-instance part of a day is one packed row per group and day
 * (history-pack.ts), not a row per instance and day: each row costs PostgreSQL about 28 bytes of
 * tuple header and line pointer plus a primary-key index entry, more than the 13 bytes of data,
 * which took 10,000 instances x 400 days to 274 MB. A packed day (~130 kB at 10,000 instances) is
 * TOASTed. Every recorded day moves the last_day of each instance seen: fillfactor 50 leaves room
 * on the page for those updates to be HOT (last_day is in no index), so PostgreSQL prunes the old
 * versions in place instead of the table growing by a copy a day (192 MB after 400 days at 10,000).
 */
const v7: PgMigration = {
  version: 7,
  name: 'daily compliance history',
  sql: `
    CREATE TABLE history_group_days (
      group_name     TEXT COLLATE "C" NOT NULL,
      day            INTEGER NOT NULL,
      instances      INTEGER NOT NULL,
      compliant      INTEGER NOT NULL,
      critical       INTEGER NOT NULL,
      important      INTEGER NOT NULL,
      pending_reboot INTEGER NOT NULL,
      unreachable    INTEGER NOT NULL,
      oldest_scan_at TEXT COLLATE "C",
      recorded_at    TEXT COLLATE "C" NOT NULL,
      PRIMARY KEY (group_name, day)
    );
    CREATE INDEX history_group_days_day ON history_group_days (day);

    CREATE TABLE history_instances (
      id          INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      group_name  TEXT COLLATE "C" NOT NULL,
      scope       TEXT COLLATE "C" NOT NULL,
      region      TEXT COLLATE "C" NOT NULL,
      instance_id TEXT COLLATE "C" NOT NULL,
      name        TEXT,
      last_day    INTEGER NOT NULL,
      UNIQUE (group_name, scope, region, instance_id)
    ) WITH (fillfactor = 50);

    CREATE TABLE history_day_instances (
      group_name TEXT COLLATE "C" NOT NULL,
      day        INTEGER NOT NULL,
      packed     BYTEA NOT NULL,
      PRIMARY KEY (group_name, day)
    );
    CREATE INDEX history_day_instances_day ON history_day_instances (day);
  `,
};

/** Rows hashed per read while chaining the existing audit log. */
const CHAIN_PAGE = 1000;

/**
 * Version 8: the audit log's hash chain, as SQLite's step 8 (audit-chain.ts): existing entries are
 * chained in id order with the append-only trigger disabled inside this transaction only, then the
 * unique index on prev_hash, so two entries can never follow the same one.
 */
const v8: PgMigration = {
  version: 8,
  name: 'audit log hash chain',
  sql: `
    ALTER TABLE audit_log ADD COLUMN prev_hash TEXT, ADD COLUMN hash TEXT;
    ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change;
  `,
  async run(client) {
    let prev = AUDIT_GENESIS;
    let after = 0;
    for (;;) {
      const { rows } = await client.query<Omit<ChainedColumns, 'prev_hash'> & { id: string | number }>(
        'SELECT id, at, actor, action, operation_id, group_name, detail FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2',
        [after, CHAIN_PAGE],
      );
      if (rows.length === 0) break;
      for (const row of rows) {
        const hash = auditHash({ ...row, prev_hash: prev });
        await client.query('UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE id = $3', [prev, hash, row.id]);
        prev = hash;
      }
      after = Number(rows[rows.length - 1]!.id);
    }
    await client.query(`
      ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change;
      CREATE UNIQUE INDEX audit_log_prev_hash ON audit_log (prev_hash);
    `);
  },
};

/** Version 9: the post journal as a row per post, moved out of the operations' results (migrations.ts, v9). */
const v9: PgMigration = {
  version: 9,
  name: 'post journal: a row per post',
  sql: `
    CREATE TABLE operation_posts (
      operation_id TEXT NOT NULL REFERENCES operations (id),
      post_key     TEXT COLLATE "C" NOT NULL,
      state        TEXT NOT NULL CHECK (state IN ('posting', 'posted')),
      at           TEXT COLLATE "C" NOT NULL,
      settle_at    TEXT COLLATE "C",
      ts           TEXT COLLATE "C",
      PRIMARY KEY (operation_id, post_key),
      CHECK ((state = 'posting' AND settle_at IS NOT NULL AND ts IS NULL)
          OR (state = 'posted' AND ts IS NOT NULL AND settle_at IS NULL))
    );

    INSERT INTO operation_posts (operation_id, post_key, state, at, settle_at, ts)
      SELECT o.id, p.key, p.value ->> 'state', p.value ->> 'at',
             CASE p.value ->> 'state' WHEN 'posting' THEN p.value ->> 'settleAt' END,
             CASE p.value ->> 'state' WHEN 'posted' THEN p.value ->> 'ts' END
      FROM operations o
      CROSS JOIN LATERAL jsonb_each(
        CASE WHEN jsonb_typeof(o.result::jsonb -> 'posts') = 'object' THEN o.result::jsonb -> 'posts' END
      ) p
      WHERE jsonb_typeof(p.value) = 'object' AND jsonb_typeof(p.value -> 'at') = 'string'
        AND ((p.value ->> 'state' = 'posting' AND jsonb_typeof(p.value -> 'settleAt') = 'string')
          OR (p.value ->> 'state' = 'posted' AND jsonb_typeof(p.value -> 'ts') = 'string'));

    UPDATE operations SET result = (result::jsonb - 'posts')::text
      WHERE result IS NOT NULL AND result::jsonb ? 'posts';
  `,
};

/** The production PostgreSQL migrations, in order; as many as the SQLite list's. */
/**
 * Version 10: as SQLite's (migrations.ts), the fresh read each scope's snapshot rows were last made to
 * match, forgotten on any write to those rows. The triggers run once a statement over its changed rows
 * (transition tables), not once a row: a first poll writes tens of thousands of rows in a few statements.
 */
const v10: PgMigration = {
  version: 10,
  name: 'compliance snapshot reads',
  sql: `
    CREATE TABLE compliance_snapshot_reads (
      group_name TEXT COLLATE "C" NOT NULL,
      scope      TEXT COLLATE "C" NOT NULL,
      region     TEXT COLLATE "C" NOT NULL,
      read_hash  TEXT COLLATE "C" NOT NULL,
      PRIMARY KEY (group_name, scope, region)
    );

    CREATE FUNCTION compliance_snapshots_new_forget_read() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM compliance_snapshot_reads r USING (SELECT DISTINCT group_name, scope, region FROM new_rows) c
        WHERE r.group_name = c.group_name AND r.scope = c.scope AND r.region = c.region;
      RETURN NULL;
    END $$;
    CREATE FUNCTION compliance_snapshots_old_forget_read() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM compliance_snapshot_reads r USING (SELECT DISTINCT group_name, scope, region FROM old_rows) c
        WHERE r.group_name = c.group_name AND r.scope = c.scope AND r.region = c.region;
      RETURN NULL;
    END $$;
    CREATE TRIGGER compliance_snapshots_insert_forgets_read AFTER INSERT ON compliance_snapshots
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION compliance_snapshots_new_forget_read();
    CREATE TRIGGER compliance_snapshots_update_forgets_new_read AFTER UPDATE ON compliance_snapshots
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION compliance_snapshots_new_forget_read();
    CREATE TRIGGER compliance_snapshots_update_forgets_old_read AFTER UPDATE ON compliance_snapshots
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION compliance_snapshots_old_forget_read();
    CREATE TRIGGER compliance_snapshots_delete_forgets_read AFTER DELETE ON compliance_snapshots
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION compliance_snapshots_old_forget_read();
  `,
};

export const PG_MIGRATIONS: readonly PgMigration[] = [v1, v2, v3, v4, v5, v6, v7, v8, v9, v10];

/** What migratePostgres did: the version before and after, and the versions it applied. */
export interface PgMigrationOutcome {
  from: number;
  to: number;
  applied: number[];
}

/** Brings the database up to the newest step; refuses one written by a newer build or by another program. */
export async function migratePostgres(
  client: PoolClient,
  options: { path: string; logger: Logger; migrations?: readonly PgMigration[] },
): Promise<PgMigrationOutcome> {
  const migrations = options.migrations ?? PG_MIGRATIONS;
  let from: number | undefined;
  let to = 0;
  const applied: number[] = [];
  for (const migration of [...migrations, undefined]) {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
      // Under the lock, so two replicas cannot both create the table.
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
      );
      const current = await currentVersion(client);
      from ??= current;
      to = current;
      if (current > migrations.length) throw newerDatabase(options.path, current, migrations.length);
      if (migration && current < migration.version) {
        if (current === 0) await refuseForeignDatabase(client, options.path);
        await client.query(migration.sql);
        await migration.run?.(client);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
        to = migration.version;
        applied.push(migration.version);
        options.logger.info({ version: migration.version, migration: migration.name }, 'store: applied migration');
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }
  return { from: from ?? 0, to, applied };
}

async function currentVersion(client: PoolClient): Promise<number> {
  const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
  return rows[0]?.v ?? 0;
}

function newerDatabase(path: string, found: number, latest: number): StoreError {
  return new StoreError(
    `state database ${path} has schema version ${found}, but this patchbot knows only up to ${latest}: ` +
      'it was written by a newer patchbot. Run that newer version, or point PATCHBOT_DATABASE_URL at another database.',
    { file: path, problem: 'not-patchbot' },
  );
}

/** A database with tables but no patchbot version is some other program's: do not write into it. */
async function refuseForeignDatabase(client: PoolClient, path: string): Promise<void> {
  const { rows } = await client.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'",
  );
  if ((rows[0]?.n ?? 0) > 0) {
    throw new StoreError(
      `state database ${path} already holds tables but no patchbot schema version: it is not a patchbot database. ` +
        'Point PATCHBOT_DATABASE_URL at an empty database (patchbot creates its tables).',
      { file: path, problem: 'not-patchbot' },
    );
  }
}
