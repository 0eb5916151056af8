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
import type { Store } from './ports';
import { readResult, resultJson, type PostRecord } from './records';

/** The journal of one operation's posts, as the publisher (src/slack/publisher.ts) uses it. */
export interface PostJournal {
  /** What is recorded for `key` now (read from the store, not from memory). */
  get(key: string): PostRecord | undefined;
  /**
   * Write-ahead: records `key` as under way until `settleAt`, unless the record is no longer
   * `expected` (what the caller read and reconciled), in which case someone else got there first
   * and nothing is written. Returns whether the caller may post.
   */
  begin(key: string, settleAt: Date, expected: PostRecord | undefined): boolean;
  /** Where the post landed (for `card`, also the operation's messageTs). */
  posted(key: string, ts: string): void;
  /** Slack answered, so no request of this post is still in flight: it may be looked up at once. */
  settle(key: string): void;
  /** Slack refused the post (nothing was posted): nothing to look up. */
  forget(key: string): void;
}

/** The key of the operation's card (its one message). */
export const CARD = 'card';

/** The journal of `operationId` in `store`. */
export function storeJournal(store: Store, operationId: string, clock: Clock): PostJournal {
  const read = () => {
    const op = store.operations.get(operationId);
    return { op, posts: op ? (readResult(op).posts ?? {}) : {} };
  };
  const write = (
    change: (posts: Record<string, PostRecord>) => Record<string, PostRecord> | undefined,
    messageTs?: string,
  ): boolean =>
    store.transaction(() => {
      const { op, posts } = read();
      if (!op) return false;
      const next = change({ ...posts });
      if (!next) return false;
      store.operations.update(operationId, {
        result: resultJson({ ...readResult(op), posts: next }),
        ...(messageTs && !op.messageTs ? { messageTs } : {}),
      });
      return true;
    });
  const get = (key: string): PostRecord | undefined => {
    const { op, posts } = read();
    if (key === CARD && op?.messageTs)
      return { state: 'posted', at: posts[key]?.at ?? op.updatedAt.toISOString(), ts: op.messageTs };
    return posts[key];
  };
  return {
    get,
    begin(key, settleAt, expected) {
      return write((posts) => {
        const now = get(key);
        if (JSON.stringify(now) !== JSON.stringify(expected)) return undefined;
        posts[key] = { state: 'posting', at: clock.now().toISOString(), settleAt: settleAt.toISOString() };
        return posts;
      });
    },
    posted(key, ts) {
      write(
        (posts) => {
          posts[key] = { state: 'posted', at: clock.now().toISOString(), ts };
          return posts;
        },
        key === CARD ? ts : undefined,
      );
    },
    settle(key) {
      write((posts) => {
        const r = posts[key];
        if (r?.state !== 'posting') return undefined;
        posts[key] = { ...r, settleAt: clock.now().toISOString() };
        return posts;
      });
    },
    forget(key) {
      write((posts) => {
        if (posts[key]?.state !== 'posting') return undefined;
        delete posts[key];
        return posts;
      });
    },
  };
}
