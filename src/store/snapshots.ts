import type Database from 'better-sqlite3';
import { z } from 'zod';
import { StoreError } from '../errors';
import { CorruptColumn, fromSqlJson, fromSqlTime, toSqlJson, toSqlTime } from './codec';
import type { StoreContext } from './context';
import { guarded } from './failure';

/**
 * Compliance snapshots: each instance's last known patch compliance per group, scope and region.
 * Scans compare against them for "newly missing", and the compliance poller for its diffs. Writes
 * never move an instance back in time: a row is replaced only by data whose OperationEndTime is at
 * least as new, so a slow writer holding older SSM data cannot undo a newer one.
 */

/** One patch an instance misses (or failed to install), as kept in the snapshot. */
export interface SnapshotPatch {
  title: string;
  kbId: string;
  severity: string;
  classification: string;
  state: 'Missing' | 'Failed';
}

/** What a caller writes for one instance. */
export interface NewSnapshotEntry {
  group: string;
  scope: string;
  region: string;
  instanceId: string;
  name: string | null;
  pingStatus: string | null;
  /** Null when SSM has no patch state for the instance (never scanned). */
  operation: 'Scan' | 'Install' | null;
  operationEndTime: Date | null;
  missing: number;
  failed: number;
  pendingReboot: number;
  critical: number;
  security: number;
  other: number;
  missingPatches: SnapshotPatch[];
}

/** A stored snapshot row; updatedAt is when patchbot last wrote it. */
export interface SnapshotEntry extends NewSnapshotEntry {
  updatedAt: Date;
}

/** Shape check for the missing_patches column. */
export const SnapshotPatchSchema = z.object({
  title: z.string(),
  kbId: z.string(),
  severity: z.string(),
  classification: z.string(),
  state: z.enum(['Missing', 'Failed']),
});
const PatchesSchema = z.array(SnapshotPatchSchema);

const RowSchema = z.object({
  group_name: z.string(),
  scope: z.string(),
  region: z.string(),
  instance_id: z.string(),
  name: z.string().nullable(),
  ping_status: z.string().nullable(),
  operation: z.enum(['Scan', 'Install']).nullable(),
  operation_end_time: z.string().nullable(),
  missing_count: z.number().int(),
  failed_count: z.number().int(),
  pending_reboot_count: z.number().int(),
  critical_count: z.number().int(),
  security_count: z.number().int(),
  other_count: z.number().int(),
  missing_patches: z.string(),
  updated_at: z.string(),
});

/** The compliance_snapshots table. */
export class ComplianceSnapshotRepository {
  private readonly db: Database.Database;
  private prepared: ReturnType<ComplianceSnapshotRepository['prepare']> | undefined;

  constructor(private readonly ctx: StoreContext) {
    this.db = ctx.db;
  }

  /**
   * Statements are prepared on first use, not in the constructor: a store opened with an older
   * migration list (the test seam) has no compliance_snapshots table and must still open.
   */
  private get stmts(): ReturnType<ComplianceSnapshotRepository['prepare']> {
    this.prepared ??= guarded(this.ctx.path, 'preparing the compliance snapshot statements', () => this.prepare());
    return this.prepared;
  }

  private prepare() {
    const db = this.db;
    return {
      group: db.prepare(`SELECT * FROM compliance_snapshots WHERE group_name = ? ORDER BY scope, region, instance_id`),
      scope: db.prepare(
        `SELECT * FROM compliance_snapshots WHERE group_name = ? AND scope = ? AND region = ? ORDER BY instance_id`,
      ),
      count: db.prepare(`SELECT count(*) AS n FROM compliance_snapshots WHERE group_name = ?`),
      // The WHERE on DO UPDATE is the no-going-back rule: older SSM data never replaces newer data, and
      // data without a patch state never replaces a row that has one (the last known state is kept).
      upsert: db.prepare(`
        INSERT INTO compliance_snapshots (group_name, scope, region, instance_id, name, ping_status, operation, operation_end_time,
          missing_count, failed_count, pending_reboot_count, critical_count, security_count, other_count, missing_patches, updated_at)
        VALUES (@group, @scope, @region, @instanceId, @name, @pingStatus, @operation, @operationEndTime,
          @missing, @failed, @pendingReboot, @critical, @security, @other, @missingPatches, @now)
        ON CONFLICT (group_name, scope, region, instance_id) DO UPDATE SET
          name = excluded.name, ping_status = excluded.ping_status, operation = excluded.operation,
          operation_end_time = excluded.operation_end_time, missing_count = excluded.missing_count,
          failed_count = excluded.failed_count, pending_reboot_count = excluded.pending_reboot_count,
          critical_count = excluded.critical_count, security_count = excluded.security_count,
          other_count = excluded.other_count, missing_patches = excluded.missing_patches, updated_at = excluded.updated_at
        WHERE compliance_snapshots.operation_end_time IS NULL
           OR excluded.operation_end_time >= compliance_snapshots.operation_end_time`),
      delete: db.prepare(
        `DELETE FROM compliance_snapshots WHERE group_name = ? AND scope = ? AND region = ? AND instance_id = ?`,
      ),
    };
  }

  /** Every instance of the group, in every scope and region. */
  forGroup(group: string): SnapshotEntry[] {
    const rows = guarded(this.ctx.path, `reading the compliance snapshot of ${group}`, () =>
      this.stmts.group.all(group),
    );
    return rows.map((r) => this.decode(r));
  }

  /** The group's instances in one scope and region. */
  forScope(group: string, scope: string, region: string): SnapshotEntry[] {
    const rows = guarded(this.ctx.path, `reading the compliance snapshot of ${group} in ${scope}/${region}`, () =>
      this.stmts.scope.all(group, scope, region),
    );
    return rows.map((r) => this.decode(r));
  }

  /** How many instances the group's snapshot holds (0: no snapshot yet). */
  count(group: string): number {
    return guarded(
      this.ctx.path,
      `counting the compliance snapshot of ${group}`,
      () => (this.stmts.count.get(group) as { n: number }).n,
    );
  }

  /** Writes entries in one transaction; returns how many rows changed (older data is skipped, see the class comment). */
  upsert(entries: readonly NewSnapshotEntry[]): number {
    if (entries.length === 0) return 0;
    const now = toSqlTime(this.ctx.clock.now());
    const params = entries.map((e) => this.params(e, now));
    const { upsert } = this.stmts;
    return guarded(this.ctx.path, 'writing the compliance snapshot', () =>
      this.db.transaction(() => params.reduce((n, p) => n + upsert.run(p).changes, 0)).immediate(),
    );
  }

  /** Makes one scope's rows exactly `entries`: upserts them and deletes the group's instances there that are not among them. */
  replaceScope(group: string, scope: string, region: string, entries: readonly NewSnapshotEntry[]): void {
    const foreign = entries.find((e) => e.group !== group || e.scope !== scope || e.region !== region);
    if (foreign)
      throw new StoreError(
        `store: replaceScope(${group}, ${scope}, ${region}) got an entry of ${foreign.group} in ${foreign.scope}/${foreign.region}`,
      );
    const now = toSqlTime(this.ctx.clock.now());
    const params = entries.map((e) => this.params(e, now));
    const keep = new Set(entries.map((e) => e.instanceId));
    const stmts = this.stmts;
    guarded(this.ctx.path, `replacing the compliance snapshot of ${group} in ${scope}/${region}`, () =>
      this.db
        .transaction(() => {
          const existing = stmts.scope.all(group, scope, region) as { instance_id: string }[];
          for (const row of existing)
            if (!keep.has(row.instance_id)) stmts.delete.run(group, scope, region, row.instance_id);
          for (const p of params) stmts.upsert.run(p);
        })
        .immediate(),
    );
  }

  /** Forgets instances (e.g. ones that left the group). */
  remove(group: string, scope: string, region: string, instanceIds: readonly string[]): void {
    const { delete: del } = this.stmts;
    guarded(this.ctx.path, `removing instances from the compliance snapshot of ${group}`, () =>
      this.db
        .transaction(() => {
          for (const id of instanceIds) del.run(group, scope, region, id);
        })
        .immediate(),
    );
  }

  private params(e: NewSnapshotEntry, now: string): Record<string, unknown> {
    return {
      group: e.group,
      scope: e.scope,
      region: e.region,
      instanceId: e.instanceId,
      name: e.name,
      pingStatus: e.pingStatus,
      operation: e.operation,
      operationEndTime: e.operationEndTime ? toSqlTime(e.operationEndTime) : null,
      missing: e.missing,
      failed: e.failed,
      pendingReboot: e.pendingReboot,
      critical: e.critical,
      security: e.security,
      other: e.other,
      missingPatches: toSqlJson(e.missingPatches, 'missing patches'),
      now,
    };
  }

  private decode(raw: unknown): SnapshotEntry {
    try {
      const parsed = RowSchema.safeParse(raw);
      if (!parsed.success) throw new CorruptColumn(String(parsed.error.issues[0]?.path[0] ?? 'row'), 'unexpected type');
      const r = parsed.data;
      return {
        group: r.group_name,
        scope: r.scope,
        region: r.region,
        instanceId: r.instance_id,
        name: r.name,
        pingStatus: r.ping_status,
        operation: r.operation,
        operationEndTime:
          r.operation_end_time === null ? null : fromSqlTime(r.operation_end_time, 'operation_end_time'),
        missing: r.missing_count,
        failed: r.failed_count,
        pendingReboot: r.pending_reboot_count,
        critical: r.critical_count,
        security: r.security_count,
        other: r.other_count,
        missingPatches: fromSqlJson(r.missing_patches, PatchesSchema, 'missing_patches'),
        updatedAt: fromSqlTime(r.updated_at, 'updated_at'),
      };
    } catch (err) {
      if (!(err instanceof CorruptColumn)) throw err;
      const id =
        typeof raw === 'object' && raw !== null && 'instance_id' in raw
          ? String((raw as { instance_id: unknown }).instance_id)
          : '(unknown)';
      throw new StoreError(
        `state database ${this.ctx.path}: the compliance snapshot of instance ${id} is corrupt (${err.message}). ` +
          'Delete the row with the sqlite3 shell: the next scan or poll writes it again.',
        { cause: err },
      );
    }
  }
}
