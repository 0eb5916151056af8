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
import { repairTool } from './repair-tool';
import type { PatchbotDatabase } from './schema';

/**
 * The daily compliance history (migration v7): `history_group_days` (one row per group and day),
 * `history_instances` (instance numbers) and `history_instance_days` (one row of small integers per
 * instance and day). A day is written whole, in one transaction: recording a day again (a later
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

const InstanceDayRow = z.object({
  day: z.number().int(),
  scope: z.string(),
  region: z.string(),
  instance_id: z.string(),
  name: z.string().nullable(),
  critical_since: z.number().int().nullable(),
  important_since: z.number().int().nullable(),
  pending_reboot: z.number().int(),
  unreachable: z.number().int(),
});

const key = (i: { scope: string; region: string; instanceId: string }) =>
  `${i.scope}\u0000${i.region}\u0000${i.instanceId}`;

/** The history tables: written by the compliance poll, read by charts, App Home and the SLA check. */
export class ComplianceHistoryRepository implements ComplianceHistoryReader, InstanceHistoryReader {
  constructor(private readonly ctx: StoreContext) {}

  /** Writes one group's day (summary and instance rows) in one transaction, replacing that day if it was recorded before. */
  async recordDay(record: NewHistoryDay): Promise<void> {
    const day = dayNumber(record.day);
    const now = toSqlTime(this.ctx.clock.now());
    const instances = [...new Map(record.rows.map((i) => [key(i), i])).values()];
    await guarded(this.ctx.path, `recording the compliance history of ${record.group} on ${record.day}`, () =>
      this.ctx.atomic(async ({ db }) => {
        const ids = await this.numbers(db, record.group, instances, day);
        const before = await this.previousSince(db, record.group, day);
        await db
          .deleteFrom('history_instance_days')
          .where('day', '=', day)
          .where('instance', 'in', this.groupIds(db, record.group))
          .execute();
        const rows = instances.map((i) => {
          const id = ids.get(key(i)) as number;
          const was = before.get(id);
          return {
            day,
            instance: id,
            critical_since: i.critical ? (was?.critical_since ?? day) : null,
            important_since: i.important ? (was?.important_since ?? day) : null,
            pending_reboot: i.pendingReboot ? 1 : 0,
            unreachable: i.unreachable ? 1 : 0,
          };
        });
        for (let at = 0; at < rows.length; at += BATCH)
          await db
            .insertInto('history_instance_days')
            .values(rows.slice(at, at + BATCH))
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
        await db
          .updateTable('history_instances')
          .set({ last_day: day })
          .where('group_name', '=', record.group)
          .where('last_day', '<', day)
          .where('id', 'in', (eb) => eb.selectFrom('history_instance_days').select('instance').where('day', '=', day))
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
    const latest = await this.latestGroupDays(groups);
    const out: InstanceDay[] = [];
    for (const g of latest) {
      const rows = await guarded(this.ctx.path, `reading the compliance history of ${g.group}`, () =>
        this.ctx.db
          .selectFrom('history_instance_days as d')
          .innerJoin('history_instances as i', 'i.id', 'd.instance')
          .select([
            'd.day',
            'i.scope',
            'i.region',
            'i.instance_id',
            'i.name',
            'd.critical_since',
            'd.important_since',
            'd.pending_reboot',
            'd.unreachable',
          ])
          .where('d.day', '=', dayNumber(g.day))
          .where('i.group_name', '=', g.group)
          .orderBy('i.scope')
          .orderBy('i.region')
          .orderBy('i.instance_id')
          .execute(),
      );
      for (const r of rows) out.push(this.decodeInstanceDay(g.group, r));
    }
    return out;
  }

  /** Forgets days before `keepFromDay` (`YYYY-MM-DD`), and instance numbers no kept day uses. */
  async prune(keepFromDay: string): Promise<HistoryPruned> {
    const day = dayNumber(keepFromDay);
    return guarded(this.ctx.path, `pruning the compliance history before ${keepFromDay}`, () =>
      this.ctx.atomic(async ({ db }) => {
        const instanceDays = await db.deleteFrom('history_instance_days').where('day', '<', day).executeTakeFirst();
        const groupDays = await db.deleteFrom('history_group_days').where('day', '<', day).executeTakeFirst();
        const instances = await db.deleteFrom('history_instances').where('last_day', '<', day).executeTakeFirst();
        return {
          groupDays: Number(groupDays.numDeletedRows),
          instanceDays: Number(instanceDays.numDeletedRows),
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

  /** The "since" days of the group's instances on its latest recorded day before `day`. */
  private async previousSince(
    db: Kysely<PatchbotDatabase>,
    group: string,
    day: number,
  ): Promise<Map<number, { critical_since: number | null; important_since: number | null }>> {
    const prev = await db
      .selectFrom('history_group_days')
      .select((eb) => eb.fn.max('day').as('d'))
      .where('group_name', '=', group)
      .where('day', '<', day)
      .executeTakeFirst();
    const prevDay = prev?.d ?? null;
    if (prevDay === null) return new Map();
    const rows = await db
      .selectFrom('history_instance_days')
      .select(['instance', 'critical_since', 'important_since'])
      .where('day', '=', Number(prevDay))
      .where('instance', 'in', this.groupIds(db, group))
      .execute();
    return new Map(rows.map((r) => [r.instance, r]));
  }

  private groupIds(db: Kysely<PatchbotDatabase>, group: string) {
    return db.selectFrom('history_instances').select('id').where('group_name', '=', group);
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

  private decodeInstanceDay(group: string, raw: unknown): InstanceDay {
    const r = this.parse(InstanceDayRow, raw, 'an instance day');
    return {
      group,
      day: dayText(r.day),
      scope: r.scope,
      region: r.region,
      instanceId: r.instance_id,
      name: r.name,
      criticalSince: r.critical_since === null ? null : dayText(r.critical_since),
      importantSince: r.important_since === null ? null : dayText(r.important_since),
      pendingReboot: r.pending_reboot !== 0,
      unreachable: r.unreachable !== 0,
    };
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
