import type { ExpressionBuilder } from 'kysely';
import { z } from 'zod';
import { StoreError } from '../errors';
import type { StoreContext } from './context';
import { guarded } from './failure';
import { repairTool } from './repair-tool';
import type { OperationPostsTable, PatchbotDatabase } from './schema';

/**
 * The write-ahead journal of an operation's Slack posts (migration v9), one row per post, beside the
 * operation rather than inside its result: a finished change's result holds every instance's line
 * (megabytes at 10,000 instances), and each post's two journal writes used to read and rewrite it.
 */

/**
 * A post under way until `settleAt` (ISO text): written before chat.postMessage is called, so a
 * restart or another process looks it up before posting again, and not before `settleAt`, when a
 * request still in flight can no longer land. Or posted, at `ts`.
 */
export const OperationPostSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('posting'), at: z.string(), settleAt: z.string() }),
  z.object({ state: z.literal('posted'), at: z.string(), ts: z.string() }),
]);

/** One journalled post. */
export type OperationPost = z.infer<typeof OperationPostSchema>;

type Row = Pick<OperationPostsTable, 'state' | 'at' | 'settle_at' | 'ts'>;

function toRow(post: OperationPost): Row {
  return post.state === 'posting'
    ? { state: 'posting', at: post.at, settle_at: post.settleAt, ts: null }
    : { state: 'posted', at: post.at, settle_at: null, ts: post.ts };
}

/** The conditions that hold while `key`'s row is still `was`. */
function sameRecord(
  eb: ExpressionBuilder<PatchbotDatabase, 'operation_posts'>,
  operationId: string,
  key: string,
  was: Row,
) {
  return [
    eb('operation_id', '=', operationId),
    eb('post_key', '=', key),
    eb('state', '=', was.state),
    eb('at', '=', was.at),
    was.settle_at === null ? eb('settle_at', 'is', null) : eb('settle_at', '=', was.settle_at),
    was.ts === null ? eb('ts', 'is', null) : eb('ts', '=', was.ts),
  ];
}

/** The journal rows of every operation. */
export class OperationPostRepository {
  constructor(private readonly ctx: StoreContext) {}

  /** What is recorded for `key` of `operationId`. */
  get(operationId: string, key: string): Promise<OperationPost | undefined> {
    return guarded(this.ctx.path, `reading post ${key} of ${operationId}`, async () => {
      const row = await this.ctx.db
        .selectFrom('operation_posts')
        .select(['state', 'at', 'settle_at', 'ts'])
        .where('operation_id', '=', operationId)
        .where('post_key', '=', key)
        .executeTakeFirst();
      return row === undefined ? undefined : this.decode(operationId, key, row);
    });
  }

  /**
   * Compare-and-set: writes `next` for `key` (undefined deletes it) only if the stored record is
   * still `expected` (undefined: none). One conditional statement, so of two writers that read the
   * same record, on either backend, exactly one gets true.
   */
  swap(
    operationId: string,
    key: string,
    expected: OperationPost | undefined,
    next: OperationPost | undefined,
  ): Promise<boolean> {
    return guarded(this.ctx.path, `recording post ${key} of ${operationId}`, async () => {
      const { db } = this.ctx;
      if (expected === undefined) {
        if (next === undefined) return (await this.get(operationId, key)) === undefined;
        const inserted = await db
          .insertInto('operation_posts')
          .values({ operation_id: operationId, post_key: key, ...toRow(next) })
          .onConflict((oc) => oc.columns(['operation_id', 'post_key']).doNothing())
          .returning('post_key')
          .executeTakeFirst();
        return inserted !== undefined;
      }
      const was = toRow(expected);
      const written =
        next === undefined
          ? await db
              .deleteFrom('operation_posts')
              .where((eb) => eb.and(sameRecord(eb, operationId, key, was)))
              .returning('post_key')
              .executeTakeFirst()
          : await db
              .updateTable('operation_posts')
              .set(toRow(next))
              .where((eb) => eb.and(sameRecord(eb, operationId, key, was)))
              .returning('post_key')
              .executeTakeFirst();
      return written !== undefined;
    });
  }

  /** Records `post` for `key` whatever was there. */
  put(operationId: string, key: string, post: OperationPost): Promise<void> {
    return guarded(this.ctx.path, `recording post ${key} of ${operationId}`, async () => {
      const row = toRow(post);
      await this.ctx.db
        .insertInto('operation_posts')
        .values({ operation_id: operationId, post_key: key, ...row })
        .onConflict((oc) => oc.columns(['operation_id', 'post_key']).doUpdateSet(row))
        .execute();
    });
  }

  private decode(operationId: string, key: string, row: Row): OperationPost {
    const parsed = OperationPostSchema.safeParse(
      row.state === 'posting'
        ? { state: row.state, at: row.at, settleAt: row.settle_at }
        : { state: row.state, at: row.at, ts: row.ts },
    );
    if (parsed.success) return parsed.data;
    throw new StoreError(
      `state database ${this.ctx.path}: post ${key} of operation ${operationId} is corrupt (table operation_posts); ` +
        `something other than patchbot wrote it. Fix the row with ${repairTool(this.ctx.backend)}, or delete it: ` +
        'patchbot then posts that message again, so it may appear twice in Slack.',
    );
  }
}
