import type { Insertable } from 'kysely';
import { z } from 'zod';
import { StoreError } from '../errors';
import { CorruptColumn, fromSqlJson, fromSqlTime, toSqlJson, toSqlTime } from './codec';
import type { StoreContext } from './context';
import { guarded } from './failure';
import type { WindowExecutionsSeenTable } from './schema';
import { repairTool } from './repair-tool';

/**
 * What the pollers remember across restarts (migration v3): where the compliance poller has taken
 * its first snapshot, which windows and window executions the window poller has seen, and the
 * digests sent per channel.
 */

/** A window execution marked seen (posted, or finished before the window's first poll). */
export interface SeenExecution {
  scope: string;
  region: string;
  windowId: string;
  executionId: string;
  seenAt: Date;
  windowName: string | null;
  status: string | null;
  startTime: Date | null;
  endTime: Date | null;
  groups: string[];
  /** True when it finished before the window's first poll and was never posted. */
  baseline: boolean;
}

/** What a caller writes to mark an execution seen. */
export type NewSeenExecution = Omit<SeenExecution, 'seenAt'>;

/** One digest sent to a channel. */
export interface DigestRecord {
  channel: string;
  sentAt: Date;
  /** The digest's data as JSON (dates as ISO strings). */
  data: unknown;
}

const SeenRow = z.object({
  scope: z.string(),
  region: z.string(),
  window_id: z.string(),
  execution_id: z.string(),
  seen_at: z.string(),
  window_name: z.string().nullable(),
  status: z.string().nullable(),
  start_time: z.string().nullable(),
  end_time: z.string().nullable(),
  groups: z.string(),
  baseline: z.number().int(),
});
const GroupsSchema = z.array(z.string());

/** The poller tables: compliance_polls, window_polls, window_executions_seen, digests. */
export class PollStateRepository {
  constructor(private readonly ctx: StoreContext) {}

  /** When the compliance poller first recorded the group's snapshot in this scope and region (undefined: never). */
  async compliancePolledAt(group: string, scope: string, region: string): Promise<Date | undefined> {
    const row = await guarded(this.ctx.path, `reading the compliance poll state of ${group}`, () =>
      this.ctx.db
        .selectFrom('compliance_polls')
        .select('first_polled_at')
        .where('group_name', '=', group)
        .where('scope', '=', scope)
        .where('region', '=', region)
        .executeTakeFirst(),
    );
    return row ? fromSqlTime(row.first_polled_at, 'first_polled_at') : undefined;
  }

  /** Records a compliance poll of the group in this scope and region. */
  async markCompliancePolled(group: string, scope: string, region: string): Promise<void> {
    const now = toSqlTime(this.ctx.clock.now());
    await guarded(this.ctx.path, `recording the compliance poll of ${group}`, () =>
      this.ctx.db
        .insertInto('compliance_polls')
        .values({ group_name: group, scope, region, first_polled_at: now, last_polled_at: now })
        .onConflict((oc) =>
          oc
            .columns(['group_name', 'scope', 'region'])
            .doUpdateSet((eb) => ({ last_polled_at: eb.ref('excluded.last_polled_at') })),
        )
        .execute(),
    );
  }

  /** When the window poller first saw this window (undefined: never). */
  async windowPolledAt(scope: string, region: string, windowId: string): Promise<Date | undefined> {
    const row = await guarded(this.ctx.path, `reading the poll state of window ${windowId}`, () =>
      this.ctx.db
        .selectFrom('window_polls')
        .select('first_polled_at')
        .where('scope', '=', scope)
        .where('region', '=', region)
        .where('window_id', '=', windowId)
        .executeTakeFirst(),
    );
    return row ? fromSqlTime(row.first_polled_at, 'first_polled_at') : undefined;
  }

  /** Records the window's first poll together with the executions that had already finished (marked seen, as baseline). */
  async markWindowPolled(
    scope: string,
    region: string,
    windowId: string,
    finished: readonly NewSeenExecution[],
  ): Promise<void> {
    const now = toSqlTime(this.ctx.clock.now());
    await guarded(this.ctx.path, `recording the first poll of window ${windowId}`, () =>
      this.ctx.atomic(async ({ db }) => {
        await db
          .insertInto('window_polls')
          .values({ scope, region, window_id: windowId, first_polled_at: now })
          .onConflict((oc) => oc.doNothing())
          .execute();
        for (const e of finished)
          await db
            .insertInto('window_executions_seen')
            .values(this.seenRow(e, now))
            .onConflict((oc) => oc.doNothing())
            .execute();
      }),
    );
  }

  /** Whether the execution was marked seen. */
  async isSeen(scope: string, region: string, windowId: string, executionId: string): Promise<boolean> {
    const row = await guarded(this.ctx.path, `reading window execution ${executionId}`, () =>
      this.ctx.db
        .selectFrom('window_executions_seen')
        .select('execution_id')
        .where('scope', '=', scope)
        .where('region', '=', region)
        .where('window_id', '=', windowId)
        .where('execution_id', '=', executionId)
        .executeTakeFirst(),
    );
    return row !== undefined;
  }

  /** Marks an execution seen; returns false if it already was (another process posted it). */
  async markSeen(execution: NewSeenExecution): Promise<boolean> {
    const now = toSqlTime(this.ctx.clock.now());
    const row = await guarded(this.ctx.path, `marking window execution ${execution.executionId} seen`, () =>
      this.ctx.db
        .insertInto('window_executions_seen')
        .values(this.seenRow(execution, now))
        .onConflict((oc) => oc.doNothing())
        .returning('execution_id')
        .executeTakeFirst(),
    );
    return row !== undefined;
  }

  /** The start time of the newest execution seen of a window (to bound the next listing). */
  async newestSeenStart(scope: string, region: string, windowId: string): Promise<Date | undefined> {
    const row = await guarded(this.ctx.path, `reading window ${windowId}`, () =>
      this.ctx.db
        .selectFrom('window_executions_seen')
        .select((eb) => eb.fn.max('start_time').as('t'))
        .where('scope', '=', scope)
        .where('region', '=', region)
        .where('window_id', '=', windowId)
        .executeTakeFirstOrThrow(),
    );
    return row.t === null ? undefined : fromSqlTime(row.t, 'start_time');
  }

  /** Executions seen (posted or baseline) that ended after `since`, oldest end first. */
  async executionsEndedAfter(since: Date): Promise<SeenExecution[]> {
    const rows = await guarded(this.ctx.path, 'reading window executions seen', () =>
      this.ctx.db
        .selectFrom('window_executions_seen')
        .selectAll()
        .where('end_time', '>', toSqlTime(since))
        .orderBy('end_time')
        .orderBy('execution_id')
        .execute(),
    );
    return rows.map((r) => this.decodeSeen(r));
  }

  /** The last digest sent to the channel. */
  async lastDigest(channel: string): Promise<DigestRecord | undefined> {
    const row = await guarded(this.ctx.path, `reading the last digest of ${channel}`, () =>
      this.ctx.db
        .selectFrom('digests')
        .select(['channel', 'sent_at', 'data'])
        .where('channel', '=', channel)
        .orderBy('sent_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst(),
    );
    if (!row) return undefined;
    try {
      return {
        channel: row.channel,
        sentAt: fromSqlTime(row.sent_at, 'sent_at'),
        data: fromSqlJson(row.data, z.unknown(), 'data'),
      };
    } catch (err) {
      if (!(err instanceof CorruptColumn)) throw err;
      throw new StoreError(
        `state database ${this.ctx.path}: the last digest of channel ${channel} is corrupt (${err.message}). ` +
          `Delete the row from the digests table with ${repairTool(this.ctx.backend)}: the next digest starts over.`,
        { cause: err },
      );
    }
  }

  /** Records a digest sent to the channel. */
  async recordDigest(channel: string, data: unknown, sentAt: Date = this.ctx.clock.now()): Promise<void> {
    const json = toSqlJson(data, 'digest data');
    await guarded(this.ctx.path, `recording the digest of ${channel}`, () =>
      this.ctx.db
        .insertInto('digests')
        .values({ channel, sent_at: toSqlTime(sentAt), data: json })
        .execute(),
    );
  }

  private seenRow(e: NewSeenExecution, now: string): Insertable<WindowExecutionsSeenTable> {
    return {
      scope: e.scope,
      region: e.region,
      window_id: e.windowId,
      execution_id: e.executionId,
      seen_at: now,
      window_name: e.windowName,
      status: e.status,
      start_time: e.startTime ? toSqlTime(e.startTime) : null,
      end_time: e.endTime ? toSqlTime(e.endTime) : null,
      groups: toSqlJson(e.groups, 'window groups'),
      baseline: e.baseline ? 1 : 0,
    };
  }

  private decodeSeen(raw: unknown): SeenExecution {
    try {
      const parsed = SeenRow.safeParse(raw);
      if (!parsed.success) throw new CorruptColumn(String(parsed.error.issues[0]?.path[0] ?? 'row'), 'unexpected type');
      const r = parsed.data;
      return {
        scope: r.scope,
        region: r.region,
        windowId: r.window_id,
        executionId: r.execution_id,
        seenAt: fromSqlTime(r.seen_at, 'seen_at'),
        windowName: r.window_name,
        status: r.status,
        startTime: r.start_time === null ? null : fromSqlTime(r.start_time, 'start_time'),
        endTime: r.end_time === null ? null : fromSqlTime(r.end_time, 'end_time'),
        groups: fromSqlJson(r.groups, GroupsSchema, 'groups'),
        baseline: r.baseline === 1,
      };
    } catch (err) {
      if (!(err instanceof CorruptColumn)) throw err;
      throw new StoreError(
        `state database ${this.ctx.path}: a row of window_executions_seen is corrupt (${err.message}). ` +
          `Delete it with ${repairTool(this.ctx.backend)}; at worst that execution is posted once more.`,
        { cause: err },
      );
    }
  }
}
