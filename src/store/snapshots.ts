import { type Insertable, type SelectQueryBuilder, sql } from 'kysely';
import { z } from 'zod';
import { StoreError } from '../errors';
import { chunk } from '../shared/concurrency';
import { CorruptColumn, fromSqlJson, fromSqlTime, toSqlJson, toSqlTime } from './codec';
import type { StoreContext } from './context';
import { guarded } from './failure';
import type { ComplianceSnapshotsTable, PatchbotDatabase } from './schema';
import { repairTool } from './repair-tool';

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
  /** The CVE ids SSM lists for it; absent in rows written before patchbot kept them (see refreshMissing). */
  cveIds?: string[] | undefined;
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

/** A stored row without its patch list: what whole-group readers need (at 100,000 instances the lists are most of the bytes). */
export type SnapshotSummary = Omit<SnapshotEntry, 'missingPatches'>;

/**
 * A stored row as the compliance poll compares it: the summary, and whether its patch list was written
 * before patchbot kept CVE ids (such a row's patches are fetched once more); the list itself is read
 * only for the instances that changed (patchLists).
 */
export interface ScopeSummary extends Omit<SnapshotSummary, 'updatedAt'> {
  patchesLackCveIds: boolean;
}

/** One scope and region a group's snapshot has rows in. */
export interface SnapshotScope {
  scope: string;
  region: string;
}

/** Shape check for the missing_patches column. */
export const SnapshotPatchSchema = z.object({
  title: z.string(),
  kbId: z.string(),
  severity: z.string(),
  classification: z.string(),
  state: z.enum(['Missing', 'Failed']),
  cveIds: z.array(z.string()).optional(),
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
const SummaryRowSchema = RowSchema.omit({ missing_patches: true });
/**
 * A scope summary row: the poll reads one per instance of the fleet on every run, so it selects only
 * what it compares. The group, scope and region are the query's own (one string each, not one per row),
 * and updated_at is left out (a Date per row that nothing there reads).
 */
const ScopeSummaryRowSchema = SummaryRowSchema.omit({
  group_name: true,
  scope: true,
  region: true,
  updated_at: true,
}).extend({
  // SQLite answers a comparison with 0 or 1, PostgreSQL with a boolean.
  patches_lack_cve_ids: z.union([z.boolean(), z.number()]).transform(Boolean),
});

/**
 * Whether a row's patch list predates CVE ids, without reading it: a list with patches and no
 * "cveIds" key anywhere (JSON escapes the quotes of a title, so a title cannot fake the key).
 */
const PATCHES_LACK_CVE_IDS = sql<boolean>`(missing_patches <> '[]' and missing_patches not like '%"cveIds"%')`;
/** Every column but missing_patches. */
const SUMMARY_COLUMNS = Object.keys(SummaryRowSchema.shape) as Array<keyof z.infer<typeof SummaryRowSchema>>;
const ReadHashRowSchema = z.object({ read_hash: z.string() });
/** The columns a scope summary row selects from the table. */
const SCOPE_SUMMARY_COLUMNS = SUMMARY_COLUMNS.filter((c) => c in ScopeSummaryRowSchema.shape);

/** The compliance_snapshots table. */
export class ComplianceSnapshotRepository {
  constructor(private readonly ctx: StoreContext) {}

  /** Every instance of the group, in every scope and region. */
  async forGroup(group: string): Promise<SnapshotEntry[]> {
    const rows = await guarded(this.ctx.path, `reading the compliance snapshot of ${group}`, () =>
      this.ctx.db
        .selectFrom('compliance_snapshots')
        .selectAll()
        .where('group_name', '=', group)
        .orderBy('scope')
        .orderBy('region')
        .orderBy('instance_id')
        .execute(),
    );
    return rows.map((r) => this.decode(r));
  }

  /** Every instance of the group without its patch list, in the same order as forGroup. */
  async summaries(group: string): Promise<SnapshotSummary[]> {
    const rows = await guarded(this.ctx.path, `reading the compliance snapshot of ${group}`, () =>
      this.ctx.db
        .selectFrom('compliance_snapshots')
        .select(SUMMARY_COLUMNS)
        .where('group_name', '=', group)
        .orderBy('scope')
        .orderBy('region')
        .orderBy('instance_id')
        .execute(),
    );
    return rows.map((r) => this.decodeSummary(r));
  }

  /** The scopes and regions the group's snapshot has rows in, in forGroup's order: read them one by one with forScope. */
  async scopesOf(group: string): Promise<SnapshotScope[]> {
    return guarded(this.ctx.path, `reading the compliance snapshot of ${group}`, () =>
      this.ctx.db
        .selectFrom('compliance_snapshots')
        .select(['scope', 'region'])
        .distinct()
        .where('group_name', '=', group)
        .orderBy('scope')
        .orderBy('region')
        .execute(),
    );
  }

  /**
   * The group's instances in one scope and region, in instance id order. Read FOR_SCOPE_PAGE rows a
   * query, the event loop turning between them: SQLite answers synchronously, and a scope of 5,000
   * rows with their patch lists read and decoded at once held the loop for hundreds of milliseconds.
   */
  async forScope(group: string, scope: string, region: string): Promise<SnapshotEntry[]> {
    const out: SnapshotEntry[] = [];
    await this.eachScopePage(
      readingScope(group, scope, region),
      (after) => pageAfter(this.scopeRows(this.ctx, group, scope, region).selectAll(), after).execute(),
      (r) => out.push(this.decode(r)),
    );
    return out;
  }

  /** The group's instances in one scope and region without their patch lists, as forScope pages them. */
  async scopeSummaries(group: string, scope: string, region: string): Promise<ScopeSummary[]> {
    const out: ScopeSummary[] = [];
    await this.eachScopePage(
      readingScope(group, scope, region),
      (after) =>
        pageAfter(
          this.scopeRows(this.ctx, group, scope, region)
            .select(SCOPE_SUMMARY_COLUMNS)
            .select(PATCHES_LACK_CVE_IDS.as('patches_lack_cve_ids')),
          after,
        ).execute(),
      (r) => out.push(this.decodeScopeSummary(r, group, scope, region)),
    );
    return out;
  }

  /**
   * Hands each page of rows `page` reads (after the last id of the one before) to `take`, each page
   * in a background turn of the event loop (the store's TurnBudget), so Slack's requests go first.
   */
  private async eachScopePage<R extends { instance_id: string }>(
    what: string,
    page: (after: string | undefined) => Promise<R[]>,
    take: (row: R) => void,
  ): Promise<void> {
    let after: string | undefined;
    for (;;) {
      await this.ctx.turns.turn();
      const rows = await guarded(this.ctx.path, what, () => page(after));
      for (const r of rows) take(r);
      if (rows.length < FOR_SCOPE_PAGE) return;
      after = rows[rows.length - 1]?.instance_id;
    }
  }

  /** The stored patch lists of some of a scope's instances, by instance id; ids with no row are left out. */
  async patchLists(
    group: string,
    scope: string,
    region: string,
    instanceIds: readonly string[],
  ): Promise<Map<string, SnapshotPatch[]>> {
    const out = new Map<string, SnapshotPatch[]>();
    for (const ids of chunk([...new Set(instanceIds)], FOR_SCOPE_PAGE)) {
      const rows = await guarded(this.ctx.path, readingScope(group, scope, region), () =>
        this.scopeRows(this.ctx, group, scope, region)
          .select(['instance_id', 'missing_patches'])
          .where('instance_id', 'in', ids)
          .execute(),
      );
      for (const r of rows)
        out.set(
          r.instance_id,
          this.guardedDecode(r, () => fromSqlJson(r.missing_patches, PatchesSchema, 'missing_patches')),
        );
    }
    return out;
  }

  /** How many instances the group's snapshot holds (0: no snapshot yet). */
  async count(group: string): Promise<number> {
    const row = await guarded(this.ctx.path, `counting the compliance snapshot of ${group}`, () =>
      this.ctx.db
        .selectFrom('compliance_snapshots')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('group_name', '=', group)
        .executeTakeFirstOrThrow(),
    );
    // PostgreSQL counts as bigint, which its driver hands back as text.
    return Number(row.n);
  }

  /** Writes entries in one transaction; returns how many rows changed (older data is skipped, see the class comment). */
  upsert(entries: readonly NewSnapshotEntry[]): Promise<number> {
    if (entries.length === 0) return Promise.resolve(0);
    const now = toSqlTime(this.ctx.clock.now());
    const rows = entries.map((e) => this.row(e, now));
    return guarded(this.ctx.path, 'writing the compliance snapshot', () =>
      this.ctx.atomic(async (tx) => {
        let changed = 0;
        for (const batch of upsertBatches(rows)) changed += await this.upsertBatch(tx, batch);
        return changed;
      }),
    );
  }

  /** Makes one scope's rows exactly `entries`: upserts them and deletes the group's instances there that are not among them. */
  async replaceScope(
    group: string,
    scope: string,
    region: string,
    entries: readonly NewSnapshotEntry[],
  ): Promise<void> {
    const foreign = entries.find((e) => e.group !== group || e.scope !== scope || e.region !== region);
    if (foreign)
      throw new StoreError(
        `store: replaceScope(${group}, ${scope}, ${region}) got an entry of ${foreign.group} in ${foreign.scope}/${foreign.region}`,
      );
    const now = toSqlTime(this.ctx.clock.now());
    const rows = entries.map((e) => this.row(e, now));
    const keep = new Set(entries.map((e) => e.instanceId));
    await guarded(this.ctx.path, `replacing the compliance snapshot of ${group} in ${scope}/${region}`, () =>
      this.ctx.atomic(async (tx) => {
        const existing = await this.scopeRows(tx, group, scope, region).select('instance_id').execute();
        for (const row of existing)
          if (!keep.has(row.instance_id)) await this.deleteRow(tx, group, scope, region, row.instance_id);
        for (const batch of upsertBatches(rows)) await this.upsertBatch(tx, batch);
      }),
    );
  }

  /** Forgets instances (e.g. ones that left the group). */
  async remove(group: string, scope: string, region: string, instanceIds: readonly string[]): Promise<void> {
    await guarded(this.ctx.path, `removing instances from the compliance snapshot of ${group}`, () =>
      this.ctx.atomic(async (tx) => {
        for (const id of instanceIds) await this.deleteRow(tx, group, scope, region, id);
      }),
    );
  }

  /**
   * The hash of the fresh read the scope's rows were last made to match (markRead), or undefined: never
   * marked, or written since. The database's triggers (migration v10) forget it on any write to the
   * scope's rows, so an equal hash means the rows still say what that read said.
   */
  async readHash(group: string, scope: string, region: string): Promise<string | undefined> {
    const row = await guarded(this.ctx.path, readingScope(group, scope, region), () =>
      this.ctx.db
        .selectFrom('compliance_snapshot_reads')
        .select('read_hash')
        .where('group_name', '=', group)
        .where('scope', '=', scope)
        .where('region', '=', region)
        .executeTakeFirst(),
    );
    if (row === undefined) return undefined;
    return this.guardedDecode(row, () => parseRow(ReadHashRowSchema, row).read_hash);
  }

  /** Records that the scope's rows now say what the fresh read hashed to `hash` says (see readHash). */
  async markRead(group: string, scope: string, region: string, hash: string): Promise<void> {
    await guarded(this.ctx.path, `recording the compliance read of ${group} in ${scope}/${region}`, () =>
      this.ctx.db
        .insertInto('compliance_snapshot_reads')
        .values({ group_name: group, scope, region, read_hash: hash })
        .onConflict((oc) =>
          oc
            .columns(['group_name', 'scope', 'region'])
            .doUpdateSet((eb) => ({ read_hash: eb.ref('excluded.read_hash') })),
        )
        .execute(),
    );
  }

  private scopeRows(ctx: StoreContext, group: string, scope: string, region: string) {
    return ctx.db
      .selectFrom('compliance_snapshots')
      .where('group_name', '=', group)
      .where('scope', '=', scope)
      .where('region', '=', region);
  }

  private deleteRow(ctx: StoreContext, group: string, scope: string, region: string, instanceId: string) {
    return ctx.db
      .deleteFrom('compliance_snapshots')
      .where('group_name', '=', group)
      .where('scope', '=', scope)
      .where('region', '=', region)
      .where('instance_id', '=', instanceId)
      .execute();
  }

  /**
   * One multi-row upsert; how many rows it wrote. The WHERE on DO UPDATE is the no-going-back rule:
   * older SSM data never replaces newer data, and data without a patch state never replaces a row
   * that has one. A poll of 100,000 instances wrote them one statement each, most of its CPU.
   */
  private async upsertBatch(ctx: StoreContext, rows: readonly SnapshotRow[]): Promise<number> {
    const written = await ctx.db
      .insertInto('compliance_snapshots')
      .values([...rows])
      .onConflict((oc) =>
        oc
          .columns(['group_name', 'scope', 'region', 'instance_id'])
          .doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            ping_status: eb.ref('excluded.ping_status'),
            operation: eb.ref('excluded.operation'),
            operation_end_time: eb.ref('excluded.operation_end_time'),
            missing_count: eb.ref('excluded.missing_count'),
            failed_count: eb.ref('excluded.failed_count'),
            pending_reboot_count: eb.ref('excluded.pending_reboot_count'),
            critical_count: eb.ref('excluded.critical_count'),
            security_count: eb.ref('excluded.security_count'),
            other_count: eb.ref('excluded.other_count'),
            missing_patches: eb.ref('excluded.missing_patches'),
            updated_at: eb.ref('excluded.updated_at'),
          }))
          .where((eb) =>
            eb.or([
              eb('compliance_snapshots.operation_end_time', 'is', null),
              eb('excluded.operation_end_time', '>=', eb.ref('compliance_snapshots.operation_end_time')),
            ]),
          ),
      )
      .returning('instance_id')
      .execute();
    return written.length;
  }

  private row(e: NewSnapshotEntry, now: string): SnapshotRow {
    return {
      group_name: e.group,
      scope: e.scope,
      region: e.region,
      instance_id: e.instanceId,
      name: e.name,
      ping_status: e.pingStatus,
      operation: e.operation,
      operation_end_time: e.operationEndTime ? toSqlTime(e.operationEndTime) : null,
      missing_count: e.missing,
      failed_count: e.failed,
      pending_reboot_count: e.pendingReboot,
      critical_count: e.critical,
      security_count: e.security,
      other_count: e.other,
      missing_patches: toSqlJson(e.missingPatches, 'missing patches'),
      updated_at: now,
    };
  }

  private decode(raw: unknown): SnapshotEntry {
    return this.guardedDecode(raw, () => {
      const row = parseRow(RowSchema, raw);
      return {
        ...this.summaryOf(row),
        missingPatches: fromSqlJson(row.missing_patches, PatchesSchema, 'missing_patches'),
      };
    });
  }

  private decodeSummary(raw: unknown): SnapshotSummary {
    return this.guardedDecode(raw, () => this.summaryOf(parseRow(SummaryRowSchema, raw)));
  }

  private decodeScopeSummary(raw: unknown, group: string, scope: string, region: string): ScopeSummary {
    return this.guardedDecode(raw, () => {
      const r = parseRow(ScopeSummaryRowSchema, raw);
      return { group, scope, region, ...instanceFields(r), patchesLackCveIds: r.patches_lack_cve_ids };
    });
  }

  private summaryOf(r: z.infer<typeof SummaryRowSchema>): SnapshotSummary {
    return {
      group: r.group_name,
      scope: r.scope,
      region: r.region,
      ...instanceFields(r),
      updatedAt: fromSqlTime(r.updated_at, 'updated_at'),
    };
  }

  /** Runs a row decoder, turning a corrupt column into the StoreError that names the row and the repair. */
  private guardedDecode<T>(raw: unknown, decode: () => T): T {
    try {
      return decode();
    } catch (err) {
      if (!(err instanceof CorruptColumn)) throw err;
      const id =
        typeof raw === 'object' && raw !== null && 'instance_id' in raw
          ? String((raw as { instance_id: unknown }).instance_id)
          : '(unknown)';
      throw new StoreError(
        `state database ${this.ctx.path}: the compliance snapshot of instance ${id} is corrupt (${err.message}). ` +
          `Delete the row with ${repairTool(this.ctx.backend)}: the next scan or poll writes it again.`,
        { cause: err },
      );
    }
  }
}

type SnapshotRow = Insertable<ComplianceSnapshotsTable>;

/** What a failed read of one scope's rows was doing, for the store's error. */
function readingScope(group: string, scope: string, region: string): string {
  return `reading the compliance snapshot of ${group} in ${scope}/${region}`;
}

/** A row checked against `schema`; a column of the wrong type is a CorruptColumn (see guardedDecode). */
/** One instance's fields of a row, as every row shape selects them (not its group, scope, region or write time). */
function instanceFields(r: Omit<z.infer<typeof ScopeSummaryRowSchema>, 'patches_lack_cve_ids'>) {
  return {
    instanceId: r.instance_id,
    name: r.name,
    pingStatus: r.ping_status,
    operation: r.operation,
    operationEndTime: r.operation_end_time === null ? null : fromSqlTime(r.operation_end_time, 'operation_end_time'),
    missing: r.missing_count,
    failed: r.failed_count,
    pendingReboot: r.pending_reboot_count,
    critical: r.critical_count,
    security: r.security_count,
    other: r.other_count,
  };
}

function parseRow<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new CorruptColumn(String(parsed.error.issues[0]?.path[0] ?? 'row'), 'unexpected type');
  return parsed.data;
}

/** Rows forScope reads a query (see there). */
export const FOR_SCOPE_PAGE = 500;

/** One page of a scope's rows: those after `after` in instance id order. */
function pageAfter<O>(
  query: SelectQueryBuilder<PatchbotDatabase, 'compliance_snapshots', O>,
  after: string | undefined,
) {
  return (after === undefined ? query : query.where('instance_id', '>', after))
    .orderBy('instance_id')
    .limit(FOR_SCOPE_PAGE);
}

/**
 * Rows per upsert statement: 15 columns each keeps a statement under SQLite's 32,766 bound
 * parameters and PostgreSQL's 65,535 with room to spare.
 */
export const UPSERT_BATCH_ROWS = 500;

/**
 * `rows` in statements of UPSERT_BATCH_ROWS, one row per instance: PostgreSQL refuses an upsert
 * that touches a row twice, so of two rows for one instance the one a row-by-row write would have
 * kept stays (the later, unless it is older by the no-going-back rule).
 */
function upsertBatches(rows: readonly SnapshotRow[]): SnapshotRow[][] {
  const byKey = new Map<string, SnapshotRow>();
  for (const row of rows) {
    const key = `${row.group_name}\u0000${row.scope}\u0000${row.region}\u0000${row.instance_id}`;
    const kept = byKey.get(key);
    if (
      !kept ||
      kept.operation_end_time == null ||
      (row.operation_end_time != null && row.operation_end_time >= kept.operation_end_time)
    )
      byKey.set(key, row);
  }
  return chunk([...byKey.values()], UPSERT_BATCH_ROWS);
}
