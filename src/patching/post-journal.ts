/**
 * The write-ahead journal of an operation's Slack posts (its card and each thread part), kept in
 * the store on the operation (`result.posts`), so that a post whose outcome is unknown (a crash
 * mid-call, a timeout, Slack's `internal_error`) is looked up before it is ever posted again:
 *
 *   (none) ──begin──▶ posting {at, settleAt} ──posted(ts)──▶ posted {ts}
 *                        │  └─ forget: Slack answered with a refusal, nothing was posted
 *                        └─ settle(now): Slack answered, so nothing is still in flight
 *
 * Every write reads the operation afresh inside one IMMEDIATE transaction, so `begin` is a
 * compare-and-set: of two processes (or two passes) about to post the same thing, one gets to.
 * The card's ts is the operation's `messageTs` as well.
 */
import type { Clock } from '../clock';
import type { Store, StoreTx } from './ports';
import { readResult, resultJson, type PostRecord } from './records';

/** The journal of one operation's posts, as the publisher (src/slack/publisher.ts) uses it. */
export interface PostJournal {
  /** What is recorded for `key` now (read from the store, not from memory). */
  get(key: string): Promise<PostRecord | undefined>;
  /**
   * Write-ahead: records `key` as under way until `settleAt`, unless the record is no longer
   * `expected` (what the caller read and reconciled), in which case someone else got there first
   * and nothing is written. Returns whether the caller may post.
   */
  begin(key: string, settleAt: Date, expected: PostRecord | undefined): Promise<boolean>;
  /** Where the post landed (for `card`, also the operation's messageTs). */
  posted(key: string, ts: string): Promise<void>;
  /** Slack answered, so no request of this post is still in flight: it may be looked up at once. */
  settle(key: string): Promise<void>;
  /** Slack refused the post (nothing was posted): nothing to look up. */
  forget(key: string): Promise<void>;
}

/** The key of the operation's card (its one message). */
export const CARD = 'card';

/** The journal of `operationId` in `store`. */
export function storeJournal(store: Store, operationId: string, clock: Clock): PostJournal {
  const read = async (from: StoreTx) => {
    const op = await from.operations.get(operationId);
    return { op, posts: op ? (readResult(op).posts ?? {}) : {} };
  };
  const recorded = async (from: StoreTx, key: string): Promise<PostRecord | undefined> => {
    const { op, posts } = await read(from);
    if (key === CARD && op?.messageTs)
      return { state: 'posted', at: posts[key]?.at ?? op.updatedAt.toISOString(), ts: op.messageTs };
    return posts[key];
  };
  const write = (
    change: (posts: Record<string, PostRecord>, tx: StoreTx) => Promise<Record<string, PostRecord> | undefined>,
    messageTs?: string,
  ): Promise<boolean> =>
    store.transaction(async (tx) => {
      const { op, posts } = await read(tx);
      if (!op) return false;
      const next = await change({ ...posts }, tx);
      if (!next) return false;
      await tx.operations.update(operationId, {
        result: resultJson({ ...readResult(op), posts: next }),
        ...(messageTs && !op.messageTs ? { messageTs } : {}),
      });
      return true;
    });
  return {
    get: (key) => recorded(store, key),
    begin(key, settleAt, expected) {
      return write(async (posts, tx) => {
        const now = await recorded(tx, key);
        if (JSON.stringify(now) !== JSON.stringify(expected)) return undefined;
        posts[key] = { state: 'posting', at: clock.now().toISOString(), settleAt: settleAt.toISOString() };
        return posts;
      });
    },
    async posted(key, ts) {
      await write(
        async (posts) => {
          posts[key] = { state: 'posted', at: clock.now().toISOString(), ts };
          return posts;
        },
        key === CARD ? ts : undefined,
      );
    },
    async settle(key) {
      await write(async (posts) => {
        const r = posts[key];
        if (r?.state !== 'posting') return undefined;
        posts[key] = { ...r, settleAt: clock.now().toISOString() };
        return posts;
      });
    },
    async forget(key) {
      await write(async (posts) => {
        if (posts[key]?.state !== 'posting') return undefined;
        delete posts[key];
        return posts;
      });
    },
  };
}
