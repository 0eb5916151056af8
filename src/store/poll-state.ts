import type Database from 'better-sqlite3';
import { z } from 'zod';
import { StoreError } from '../errors';
import { CorruptColumn, fromSqlJson, fromSqlTime, toSqlJson, toSqlTime } from './codec';
import type { StoreContext } from './context';
import { guarded } from './failure';

/**
 * What the pollers remember across restarts (migration v3): where the compliance poller has taken
 * its first snapshot, which windows and window executions the window poller has seen, and the
 * digests sent per channel. Statements are prepared on first use, like the snapshot repository, so
 * a store opened with an older migration list still opens.
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
  private readonly db: Database.Database;
  private prepared: ReturnType<PollStateRepository['prepare']> | undefined;

  constructor(private readonly ctx: StoreContext) {
    this.db = ctx.db;
  }

  private get stmts(): ReturnType<PollStateRepository['prepare']> {
    this.prepared ??= guarded(this.ctx.path, 'preparing the poller statements', () => this.prepare());
    return this.prepared;
  }

  private prepare() {
    const db = this.db;
    return {
      compliancePolled: db.prepare(
        `SELECT first_polled_at FROM compliance_polls WHERE group_name = ? AND scope = ? AND region = ?`,
      ),
      markCompliancePolled: db.prepare(`
        INSERT INTO compliance_polls (group_name, scope, region, first_polled_at, last_polled_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (group_name, scope, region) DO UPDATE SET last_polled_at = excluded.last_polled_at`),
      windowPolled: db.prepare(
        `SELECT first_polled_at FROM window_polls WHERE scope = ? AND region = ? AND window_id = ?`,
      ),
      markWindowPolled: db.prepare(
        `INSERT OR IGNORE INTO window_polls (scope, region, window_id, first_polled_at) VALUES (?, ?, ?, ?)`,
      ),
      isSeen: db.prepare(
        `SELECT 1 FROM window_executions_seen WHERE scope = ? AND region = ? AND window_id = ? AND execution_id = ?`,
      ),
      markSeen: db.prepare(`
        INSERT OR IGNORE INTO window_executions_seen
          (scope, region, window_id, execution_id, seen_at, window_name, status, start_time, end_time, groups, baseline)
        VALUES (@scope, @region, @windowId, @executionId, @seenAt, @windowName, @status, @startTime, @endTime, @groups, @baseline)`),
      newestSeenStart: db.prepare(
        `SELECT max(start_time) AS t FROM window_executions_seen WHERE scope = ? AND region = ? AND window_id = ?`,
      ),
      seenEndedAfter: db.prepare(
        `SELECT * FROM window_executions_seen WHERE end_time > ? ORDER BY end_time, execution_id`,
      ),
      lastDigest: db.prepare(
        `SELECT channel, sent_at, data FROM digests WHERE channel = ? ORDER BY sent_at DESC, id DESC LIMIT 1`,
      ),
      insertDigest: db.prepare(`INSERT INTO digests (channel, sent_at, data) VALUES (?, ?, ?)`),
    };
  }

  /** When the compliance poller first recorded the group's snapshot in this scope and region (undefined: never). */
  compliancePolledAt(group: string, scope: string, region: string): Date | undefined {
    const row = guarded(this.ctx.path, `reading the compliance poll state of ${group}`, () =>
      this.stmts.compliancePolled.get(group, scope, region),
    ) as { first_polled_at: string } | undefined;
    return row ? fromSqlTime(row.first_polled_at, 'first_polled_at') : undefined;
  }

  /** Records a compliance poll of the group in this scope and region. */
  markCompliancePolled(group: string, scope: string, region: string): void {
    const now = toSqlTime(this.ctx.clock.now());
    guarded(this.ctx.path, `recording the compliance poll of ${group}`, () =>
      this.stmts.markCompliancePolled.run(group, scope, region, now, now),
    );
  }

  /** When the window poller first saw this window (undefined: never). */
  windowPolledAt(scope: string, region: string, windowId: string): Date | undefined {
    const row = guarded(this.ctx.path, `reading the poll state of window ${windowId}`, () =>
      this.stmts.windowPolled.get(scope, region, windowId),
    ) as { first_polled_at: string } | undefined;
    return row ? fromSqlTime(row.first_polled_at, 'first_polled_at') : undefined;
  }

  /** Records the window's first poll together with the executions that had already finished (marked seen, as baseline). */
  markWindowPolled(scope: string, region: string, windowId: string, finished: readonly NewSeenExecution[]): void {
    const now = toSqlTime(this.ctx.clock.now());
    const { markWindowPolled, markSeen } = this.stmts;
    guarded(this.ctx.path, `recording the first poll of window ${windowId}`, () =>
      this.db
        .transaction(() => {
          markWindowPolled.run(scope, region, windowId, now);
          for (const e of finished) markSeen.run(this.seenParams(e, now));
        })
        .immediate(),
    );
  }

  /** Whether the execution was marked seen. */
  isSeen(scope: string, region: string, windowId: string, executionId: string): boolean {
    return (
      guarded(this.ctx.path, `reading window execution ${executionId}`, () =>
        this.stmts.isSeen.get(scope, region, windowId, executionId),
      ) !== undefined
    );
  }

  /** Marks an execution seen; returns false if it already was (another process posted it). */
  markSeen(execution: NewSeenExecution): boolean {
    const now = toSqlTime(this.ctx.clock.now());
    return (
      guarded(
        this.ctx.path,
        `marking window execution ${execution.executionId} seen`,
        () => this.stmts.markSeen.run(this.seenParams(execution, now)).changes,
      ) === 1
    );
  }

  /** The start time of the newest execution seen of a window (to bound the next listing). */
  newestSeenStart(scope: string, region: string, windowId: string): Date | undefined {
    const row = guarded(this.ctx.path, `reading window ${windowId}`, () =>
      this.stmts.newestSeenStart.get(scope, region, windowId),
    ) as { t: string | null };
    return row.t === null ? undefined : fromSqlTime(row.t, 'start_time');
  }

  /** Executions seen (posted or baseline) that ended after `since`, oldest end first. */
  executionsEndedAfter(since: Date): SeenExecution[] {
    const rows = guarded(this.ctx.path, 'reading window executions seen', () =>
      this.stmts.seenEndedAfter.all(toSqlTime(since)),
    );
    return rows.map((r) => this.decodeSeen(r));
  }

  /** The last digest sent to the channel. */
  lastDigest(channel: string): DigestRecord | undefined {
    const row = guarded(this.ctx.path, `reading the last digest of ${channel}`, () =>
      this.stmts.lastDigest.get(channel),
    ) as { channel: string; sent_at: string; data: string } | undefined;
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
          'Delete the row from the digests table with the sqlite3 shell: the next digest starts over.',
        { cause: err },
      );
    }
  }

  /** Records a digest sent to the channel. */
  recordDigest(channel: string, data: unknown, sentAt: Date = this.ctx.clock.now()): void {
    const json = toSqlJson(data, 'digest data');
    guarded(this.ctx.path, `recording the digest of ${channel}`, () =>
      this.stmts.insertDigest.run(channel, toSqlTime(sentAt), json),
    );
  }

  private seenParams(e: NewSeenExecution, now: string): Record<string, unknown> {
    return {
      scope: e.scope,
      region: e.region,
      windowId: e.windowId,
      executionId: e.executionId,
      seenAt: now,
      windowName: e.windowName,
      status: e.status,
      startTime: e.startTime ? toSqlTime(e.startTime) : null,
      endTime: e.endTime ? toSqlTime(e.endTime) : null,
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
          'Delete it with the sqlite3 shell; at worst that execution is posted once more.',
        { cause: err },
      );
    }
  }
}
