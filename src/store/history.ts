import type { Kysely } from 'kysely';
import { z } from 'zod';
import { StoreError } from '../errors';
import { dayNumber, dayText } from '../shared/utc-day';
import { CorruptColumn, fromSqlTime, toSqlTime } from './codec';
import type {
  ComplianceHistoryReader,
  GroupDay,
  HistoryPruned,
  InstanceDay,
  InstanceHistoryReader,
  NewHistoryDay,
  NewInstanceDay,
} from './compliance-history';
import type { StoreContext } from './context';
import { guarded } from './failure';
import { type PackedInstance, packDay, packedCount, unpackDay } from './history-pack';
import { repairTool } from './repair-tool';
import type { PatchbotDatabase } from './schema';

/**
 * The daily compliance history (migration v7): `history_group_days` (one row per group and day),
 * `history_instances` (instance numbers) and `history_day_instances` (per group and day, one row
 * packing every instance's entry: history-pack.ts). A day is written whole, in one transaction: recording a day again (a later
 * poll the same day) replaces it. "Since" days carry over from the group's latest earlier recorded
 * day, so a day the bot did not run does not restart an instance's count.
 */

/** Rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits. */
const BATCH = 1000;

const GroupDayRow = z.object({
  group_name: z.string(),
  day: z.number().int(),
  instances: z.number().int(),
  compliant: z.number().int(),
  critical: z.number().int(),
  important: z.number().int(),
  pending_reboot: z.number().int(),
  unreachable: z.number().int(),
  oldest_scan_at: z.string().nullable(),
  recorded_at: z.string(),
});

/** Instance numbers asked by id in one query (well under SQLite's and PostgreSQL's parameter limits). */
const NAMES_PER_QUERY = 1000;

const InstanceRow = z.object({
  id: z.number().int(),
  scope: z.string(),
  region: z.string(),
  instance_id: z.string(),
  name: z.string().nullable(),
});

const key = (i: { scope: string; region: string; instanceId: string }) =>
  `${i.scope}\u0000${i.region}\u0000${i.instanceId}`;

/** The history tables: written by the compliance poll, read by charts, App Home and the SLA check. */
export class ComplianceHistoryRepository implements ComplianceHistoryReader, InstanceHistoryReader {
  constructor(private readonly ctx: StoreContext) {}

  /** Writes one group's day (summary and packed instance entries) in one transaction, replacing that day if it was recorded before. */
  async recordDay(record: NewHistoryDay): Promise<void> {
    const day = dayNumber(record.day);
    const now = toSqlTime(this.ctx.clock.now());
    const instances = [...new Map(record.rows.map((i) => [key(i), i])).values()];
    await guarded(this.ctx.path, `recording the compliance history of ${record.group} on ${record.day}`, () =>
      this.ctx.atomic(async ({ db }) => {
        const ids = await this.numbers(db, record.group, instances, day);
        const before = await this.previousSince(db, record.group, day);
        const entries: PackedInstance[] = instances.map((i) => {
          const id = ids.get(key(i)) as number;
          const was = before.get(id);
          return {
            instance: id,
            criticalSince: i.critical ? (was?.criticalSince ?? day) : null,
            importantSince: i.important ? (was?.importantSince ?? day) : null,
            pendingReboot: i.pendingReboot,
            unreachable: i.unreachable,
          };
        });
        const packed = packDay(entries);
        await db
          .insertInto('history_day_instances')
          .values({ group_name: record.group, day, packed })
          .onConflict((oc) => oc.columns(['group_name', 'day']).doUpdateSet({ packed }))
          .execute();
        const summary = {
          group_name: record.group,
          day,
          instances: record.instances,
          compliant: record.compliant,
          critical: record.critical,
          important: record.important,
          pending_reboot: record.pendingReboot,
          unreachable: record.unreachable,
          oldest_scan_at: record.oldestScanAt ? toSqlTime(record.oldestScanAt) : null,
          recorded_at: now,
        };
        const { group_name: _g, day: _d, ...update } = summary;
        await db
          .insertInto('history_group_days')
          .values(summary)
          .onConflict((oc) => oc.columns(['group_name', 'day']).doUpdateSet(update))
          .execute();
        // Numbers that appear on this day are kept at least as long as it (see prune).
        const seen = entries.map((e) => e.instance);
        for (let at = 0; at < seen.length; at += BATCH)
          await db
            .updateTable('history_instances')
            .set({ last_day: day })
            .where('last_day', '<', day)
            .where('id', 'in', seen.slice(at, at + BATCH))
            .execute();
      }),
    );
  }

  /** Each group's days from `fromDay` to `toDay` (inclusive), by group, oldest first. */
  async groupDays(groups: readonly string[], fromDay: string, toDay: string): Promise<GroupDay[]> {
    if (groups.length === 0) return [];
    const rows = await guarded(this.ctx.path, 'reading the compliance history', () =>
      this.ctx.db
        .selectFrom('history_group_days')
        .selectAll()
        .where('group_name', 'in', [...groups])
        .where('day', '>=', dayNumber(fromDay))
        .where('day', '<=', dayNumber(toDay))
        .orderBy('group_name')
        .orderBy('day')
        .execute(),
    );
    return rows.map((r) => this.decodeGroupDay(r));
  }

  /** Each group's most recent day, if any, by group. */
  async latestGroupDays(groups: readonly string[]): Promise<GroupDay[]> {
    if (groups.length === 0) return [];
    const rows = await guarded(this.ctx.path, 'reading the latest compliance history', () =>
      this.ctx.db
        .selectFrom('history_group_days as g')
        .selectAll()
        .where('g.group_name', 'in', [...groups])
        .where('g.day', '=', (eb) =>
          eb
            .selectFrom('history_group_days as l')
            .select((e) => e.fn.max('l.day').as('d'))
            .whereRef('l.group_name', '=', 'g.group_name'),
        )
        .orderBy('g.group_name')
        .execute(),
    );
    return rows.map((r) => this.decodeGroupDay(r));
  }

  /** Every instance row of each group's most recent day, by group, scope, region and instance id. */
  async latestInstanceDays(groups: readonly string[]): Promise<InstanceDay[]> {
    return this.latestRows(groups, false);
  }

  /**
   * As latestInstanceDays, only the instances missing a Critical or Important patch since some day:
   * what the SLA check reads. Only their names are read and decoded; reading and checking every
   * instance's row for the digest's SLA line took 0.7 s of CPU at 100,000 instances.
   */
  async latestMissingSince(groups: readonly string[]): Promise<InstanceDay[]> {
    return this.latestRows(groups, true);
  }

  private async latestRows(groups: readonly string[], onlyMissing: boolean): Promise<InstanceDay[]> {
    const latest = await this.latestGroupDays(groups);
    const out: InstanceDay[] = [];
    for (const g of latest) {
      const day = dayNumber(g.day);
      const pack = await guarded(this.ctx.path, `reading the compliance history of ${g.group}`, () =>
        this.ctx.db
          .selectFrom('history_day_instances')
          .select('packed')
          .where('group_name', '=', g.group)
          .where('day', '=', day)
          .executeTakeFirst(),
      );
      if (!pack) continue;
      const unpacked = this.unpack(pack.packed, g.group, day);
      const kept = onlyMissing
        ? unpacked.filter((e) => e.criticalSince !== null || e.importantSince !== null)
        : unpacked;
      if (kept.length === 0) continue;
      const entries = new Map(kept.map((e) => [e.instance, e]));
      for (const raw of await this.instanceNames(g.group, onlyMissing ? [...entries.keys()] : undefined)) {
        const n = this.parse(InstanceRow, raw, 'an instance number');
        const e = entries.get(n.id);
        if (!e) continue;
        out.push({
          group: g.group,
          day: g.day,
          scope: n.scope,
          region: n.region,
          instanceId: n.instance_id,
          name: n.name,
          criticalSince: e.criticalSince === null ? null : dayText(e.criticalSince),
          importantSince: e.importantSince === null ? null : dayText(e.importantSince),
          pendingReboot: e.pendingReboot,
          unreachable: e.unreachable,
        });
      }
    }
    return out;
  }

  /**
   * The group's instance numbers with their names (all, or those of `ids`), by scope, region and
   * instance id: the database's byte order, as the SLA list is sorted; `ids` are asked 1,000 a query
   * and the pages merged in the same order (code unit order, which is byte order for the ASCII of
   * scope names, regions and instance ids).
   */
  private async instanceNames(group: string, ids: readonly number[] | undefined) {
    const query = () =>
      this.ctx.db
        .selectFrom('history_instances')
        .select(['id', 'scope', 'region', 'instance_id', 'name'])
        .where('group_name', '=', group)
        .orderBy('scope')
        .orderBy('region')
        .orderBy('instance_id');
    const what = `reading the compliance history of ${group}`;
    if (ids === undefined) return guarded(this.ctx.path, what, () => query().execute());
    const rows = [];
    for (let at = 0; at < ids.length; at += NAMES_PER_QUERY) {
      const some = ids.slice(at, at + NAMES_PER_QUERY);
      rows.push(...(await guarded(this.ctx.path, what, () => query().where('id', 'in', some).execute())));
    }
    if (ids.length <= NAMES_PER_QUERY) return rows;
    const order = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
    return rows.sort(
      (a, b) => order(a.scope, b.scope) || order(a.region, b.region) || order(a.instance_id, b.instance_id),
    );
  }

  /** Forgets days before `keepFromDay` (`YYYY-MM-DD`), and instance numbers no kept day uses. */
  async prune(keepFromDay: string): Promise<HistoryPruned> {
    const day = dayNumber(keepFromDay);
    return guarded(this.ctx.path, `pruning the compliance history before ${keepFromDay}`, () =>
      this.ctx.atomic(async ({ db }) => {
        // Counted from the packed days' lengths: no need to read 130 kB a day back to count them.
        const packs = await db
          .selectFrom('history_day_instances')
          .select((eb) => eb.fn<number>('length', ['packed']).as('bytes'))
          .where('day', '<', day)
          .execute();
        await db.deleteFrom('history_day_instances').where('day', '<', day).execute();
        const groupDays = await db.deleteFrom('history_group_days').where('day', '<', day).executeTakeFirst();
        const instances = await db.deleteFrom('history_instances').where('last_day', '<', day).executeTakeFirst();
        return {
          groupDays: Number(groupDays.numDeletedRows),
          instanceDays: packs.reduce((n, p) => n + packedCount(Number(p.bytes)), 0),
          instances: Number(instances.numDeletedRows),
        };
      }),
    );
  }

  /** The numbers of `instances` in the group's dictionary, adding the new ones and keeping names current. */
  private async numbers(
    db: Kysely<PatchbotDatabase>,
    group: string,
    instances: readonly NewInstanceDay[],
    day: number,
  ): Promise<Map<string, number>> {
    const known = await db
      .selectFrom('history_instances')
      .select(['id', 'scope', 'region', 'instance_id', 'name'])
      .where('group_name', '=', group)
      .execute();
    const ids = new Map<string, number>();
    const names = new Map<number, string | null>();
    for (const r of known) {
      ids.set(key({ scope: r.scope, region: r.region, instanceId: r.instance_id }), r.id);
      names.set(r.id, r.name);
    }
    const added = instances.filter((i) => !ids.has(key(i)));
    for (let at = 0; at < added.length; at += BATCH) {
      const inserted = await db
        .insertInto('history_instances')
        .values(
          added.slice(at, at + BATCH).map((i) => ({
            group_name: group,
            scope: i.scope,
            region: i.region,
            instance_id: i.instanceId,
            name: i.name,
            last_day: day,
          })),
        )
        .returning(['id', 'scope', 'region', 'instance_id'])
        .execute();
      for (const r of inserted) ids.set(key({ scope: r.scope, region: r.region, instanceId: r.instance_id }), r.id);
    }
    for (const i of instances) {
      const id = ids.get(key(i)) as number;
      if (names.has(id) && names.get(id) !== i.name)
        await db.updateTable('history_instances').set({ name: i.name }).where('id', '=', id).execute();
    }
    return ids;
  }

  /** The "since" days of the group's instances on its latest recorded day before `day`, by instance number. */
  private async previousSince(
    db: Kysely<PatchbotDatabase>,
    group: string,
    day: number,
  ): Promise<Map<number, PackedInstance>> {
    // The latest earlier group day, so a day whose packed row was deleted (see decoding) restarts the runs.
    const prev = await db
      .selectFrom('history_group_days')
      .select((eb) => eb.fn.max('day').as('d'))
      .where('group_name', '=', group)
      .where('day', '<', day)
      .executeTakeFirst();
    const prevDay = prev?.d ?? null;
    if (prevDay === null) return new Map();
    const pack = await db
      .selectFrom('history_day_instances')
      .select('packed')
      .where('group_name', '=', group)
      .where('day', '=', Number(prevDay))
      .executeTakeFirst();
    if (!pack) return new Map();
    const entries = this.unpack(pack.packed, group, Number(prevDay));
    return new Map(entries.map((e) => [e.instance, e]));
  }

  private decodeGroupDay(raw: unknown): GroupDay {
    const r = this.parse(GroupDayRow, raw, 'a group day');
    return this.decoding('a group day', () => ({
      group: r.group_name,
      day: dayText(r.day),
      instances: r.instances,
      compliant: r.compliant,
      critical: r.critical,
      important: r.important,
      pendingReboot: r.pending_reboot,
      unreachable: r.unreachable,
      oldestScanAt: r.oldest_scan_at === null ? null : fromSqlTime(r.oldest_scan_at, 'oldest_scan_at'),
      recordedAt: fromSqlTime(r.recorded_at, 'recorded_at'),
    }));
  }

  private unpack(packed: unknown, group: string, day: number): PackedInstance[] {
    return this.decoding(`the history_day_instances row (${group}, ${day}: ${dayText(day)})`, () =>
      unpackDay(packed, 'packed'),
    );
  }

  private parse<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
    return this.decoding(what, () => {
      const parsed = schema.safeParse(raw);
      if (!parsed.success) throw new CorruptColumn(String(parsed.error.issues[0]?.path[0] ?? 'row'), 'unexpected type');
      return parsed.data;
    });
  }

  private decoding<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof CorruptColumn)) throw err;
      throw new StoreError(
        `state database ${this.ctx.path}: ${what} of the compliance history is corrupt (${err.message}). ` +
          `Delete the row with ${repairTool(this.ctx.backend)}: the next compliance poll writes today's again.`,
        { cause: err },
      );
    }
  }
}
