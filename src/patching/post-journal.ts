/**
 * The write-ahead journal of an operation's Slack posts (its card and each thread part), kept in
 * the store a row per post beside the operation (`store.posts`), so that a post whose outcome is
 * unknown (a crash mid-call, a timeout, Slack's `internal_error`) is looked up before it is ever
 * posted again:
 *
 *   (none) ──begin──▶ posting {at, settleAt} ──posted(ts)──▶ posted {ts}
 *                        │  └─ forget: Slack answered with a refusal, nothing was posted
 *                        └─ settle(now): Slack answered, so nothing is still in flight
 *
 * `begin` is a compare-and-set on the post's row inside one transaction, so of two processes (or
 * two passes) about to post the same thing, one gets to. The card's ts is the operation's
 * `messageTs` as well. No write reads or rewrites the operation's result: at the end of a large
 * change that is megabytes, and a thread is tens of posts.
 */
import type { Clock } from '../clock';
import type { OperationPost, Store, StoreTx } from './ports';

/** One journalled post: under way until `settleAt`, or posted at `ts`. */
export type PostRecord = OperationPost;

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
  /** The operation's message, and what is recorded for `key`: the stored row, or for the card its messageTs. */
  const read = async (from: StoreTx, key: string) => {
    const message = await from.operations.messageOf(operationId);
    const stored = message ? await from.posts.get(operationId, key) : undefined;
    const view: PostRecord | undefined =
      key === CARD && message?.messageTs
        ? { state: 'posted', at: stored?.at ?? message.updatedAt.toISOString(), ts: message.messageTs }
        : stored;
    return { exists: message !== undefined, messageTs: message?.messageTs ?? null, stored, view };
  };
  return {
    get: async (key) => (await read(store, key)).view,
    begin(key, settleAt, expected) {
      return store.transaction(async (tx) => {
        const now = await read(tx, key);
        if (!now.exists || JSON.stringify(now.view) !== JSON.stringify(expected)) return false;
        const posting = { state: 'posting', at: clock.now().toISOString(), settleAt: settleAt.toISOString() } as const;
        return tx.posts.swap(operationId, key, now.stored, posting);
      });
    },
    async posted(key, ts) {
      await store.transaction(async (tx) => {
        const now = await read(tx, key);
        if (!now.exists) return;
        await tx.posts.put(operationId, key, { state: 'posted', at: clock.now().toISOString(), ts });
        if (key === CARD && !now.messageTs) await tx.operations.update(operationId, { messageTs: ts });
      });
    },
    async settle(key) {
      await store.transaction(async (tx) => {
        const { stored } = await read(tx, key);
        if (stored?.state !== 'posting') return;
        await tx.posts.swap(operationId, key, stored, { ...stored, settleAt: clock.now().toISOString() });
      });
    },
    async forget(key) {
      await store.transaction(async (tx) => {
        const { stored } = await read(tx, key);
        if (stored?.state === 'posting') await tx.posts.swap(operationId, key, stored, undefined);
      });
    },
  };
}
