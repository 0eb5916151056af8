/**
 * Posts that happen exactly once: each goes through the operation's write-ahead post journal and
 * carries metadata naming the operation and the post, so one whose outcome is unknown is looked up
 * in Slack before it is posted again.
 */
import type { webApi } from '@slack/bolt';
import type { Clock } from '../clock';
import { SlackError } from '../errors';
import type { Logger } from '../logger';
import type { PostJournal } from '../patching/post-journal';
import type { PostRecord } from '../patching/post-journal';
import type { Operation } from '../store';
import { slackErrorCode } from './slack-errors';

type WebClient = webApi.WebClient;

/** The metadata event type on every message an operation posts; the payload names the operation and the post. */
export const POST_EVENT_TYPE = 'patchbot_post';

/**
 * Slack error codes after which a post may have happened all the same (Slack documents this for
 * `internal_error`; `fatal_error` and `request_timeout` are as uncertain). Any other answered error
 * means nothing was posted.
 */
const UNCERTAIN_ERRORS = new Set(['internal_error', 'fatal_error', 'request_timeout', 'service_unavailable']);

/** A post is under way or its outcome unknown for a while yet: the tracker retries on a later pass. */
export class PostPendingError extends SlackError {
  constructor(operationId: string, key: string, until: string) {
    super(
      'SLACK_UNAVAILABLE',
      `post ${key} of ${operationId} is under way or unsettled until ${until}; looking it up after that`,
      { method: 'chat.postMessage' },
    );
  }
}

/** Posts an operation's messages exactly once through its journal (see src/slack/publisher.ts). */
export class OncePoster {
  constructor(
    /** The app's client, for look-ups. */
    private readonly client: WebClient,
    /** The client posts go through: same token and URL, no retries of its own. */
    private readonly noRetry: WebClient,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** How long until a post whose answer never came can no longer land. */
    private readonly settleMs: number,
    /** Pages of 200 messages a look-up reads at most. */
    private readonly lookupPages: number,
  ) {}

  /**
   * Posts `key` exactly once: posted already → its ts; under way → looked up (once it settled) and
   * posted only when Slack does not have it (with `refreshFound`, a found post is updated to
   * `message`); otherwise recorded as under way, then posted, then its ts recorded.
   */
  async postOnce(
    op: Operation,
    journal: PostJournal,
    key: string,
    message: { text: string; blocks: unknown[]; thread_ts?: string },
    options: { refreshFound?: boolean } = {},
  ): Promise<string> {
    const record = await journal.get(key);
    if (record?.state === 'posted') return record.ts;
    if (record?.state === 'posting') {
      if (this.clock.now().getTime() < Date.parse(record.settleAt))
        throw new PostPendingError(op.id, key, record.settleAt);
      const found = await this.lookup(op, key, message.thread_ts);
      if (found) {
        this.log.info(
          { operationId: op.id, post: key, ts: found },
          'a post whose outcome was unknown is in Slack; not posting it again',
        );
        await journal.posted(key, found);
        // A post found in Slack shows what was posted then; one that changes over its life (the card) is brought up to date.
        if (options.refreshFound)
          await this.client.chat.update({
            channel: op.channel,
            ts: found,
            text: message.text,
            blocks: message.blocks as never,
            metadata: metadata(op.id, key),
          });
        return found;
      }
    }
    let expected = record;
    for (let attempt = 1; ; attempt++) {
      const settleAt = new Date(this.clock.now().getTime() + this.settleMs);
      if (!(await journal.begin(key, settleAt, expected)))
        throw new PostPendingError(op.id, key, 'another publish recorded it');
      try {
        const posted = await this.noRetry.chat.postMessage({
          channel: op.channel,
          text: message.text,
          blocks: message.blocks as never,
          ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
          metadata: metadata(op.id, key),
        });
        const ts = posted.ts ?? '';
        await journal.posted(key, ts);
        return ts;
      } catch (err) {
        const code = slackErrorCode(err);
        const wait = rateLimitedFor(err);
        if (wait !== undefined) {
          // A 429 posted nothing: wait as Slack asks (chat.postMessage allows about one a second per channel), then again.
          await journal.forget(key);
          if (attempt >= RATE_LIMITED_TRIES) throw err;
          await new Promise((resolve) => setTimeout(resolve, wait * 1000));
          expected = undefined;
          continue;
        }
        if (code && !UNCERTAIN_ERRORS.has(code)) await journal.forget(key);
        else if (code) await journal.settle(key);
        // Anything else (a timeout, a reset connection) may still land: the record stays until settleAt.
        throw err;
      }
    }
  }

  /** The ts of the message this operation posted as `key`, if Slack has it: the card in the channel's history, a part in the card's thread. */
  private async lookup(op: Operation, key: string, threadTs: string | undefined): Promise<string | undefined> {
    let cursor: string | undefined;
    for (let page = 0; page < this.lookupPages; page++) {
      const args = { channel: op.channel, include_all_metadata: true, limit: 200, ...(cursor ? { cursor } : {}) };
      const answer = threadTs
        ? await this.client.conversations.replies({ ...args, ts: threadTs })
        : await this.client.conversations.history(args);
      const hit = (answer.messages ?? []).find((m) => isPost(m.metadata, op.id, key));
      if (hit?.ts) return hit.ts;
      cursor = answer.has_more ? answer.response_metadata?.next_cursor : undefined;
      if (!cursor) return undefined;
    }
    this.log.warn(
      { operationId: op.id, post: key, pages: this.lookupPages },
      'looked for an unsettled post through the newest messages without finding it; posting it',
    );
    return undefined;
  }
}

/** The metadata an operation's post carries. */
export function metadata(
  operationId: string,
  key: string,
): { event_type: string; event_payload: Record<string, string> } {
  return { event_type: POST_EVENT_TYPE, event_payload: { operation_id: operationId, post: key } };
}

/** Whether a message's metadata says it is `key` of `operationId`. */
function isPost(meta: unknown, operationId: string, key: string): boolean {
  const m = meta as { event_type?: unknown; event_payload?: { operation_id?: unknown; post?: unknown } } | undefined;
  return (
    m?.event_type === POST_EVENT_TYPE && m.event_payload?.operation_id === operationId && m.event_payload.post === key
  );
}

/** How often a post answered 429 is tried before the publish fails (and the tracker retries later). */
const RATE_LIMITED_TRIES = 3;

/** The seconds Slack asked to wait, when `err` is a 429 (WebClient's rate-limited error). */
function rateLimitedFor(err: unknown): number | undefined {
  const e = err as { code?: string; retryAfter?: number } | undefined;
  return e?.code === 'slack_webapi_rate_limited_error' ? Math.min(Math.max(e.retryAfter ?? 1, 1), 30) : undefined;
}

/** A journal in memory, for callers without a store (tests of the view path); it does not survive a restart. */
export function memoryJournal(): PostJournal {
  const posts = new Map<string, PostRecord>();
  const now = () => new Date().toISOString();
  return {
    get: async (key) => posts.get(key),
    async begin(key, settleAt, expected) {
      if (JSON.stringify(posts.get(key)) !== JSON.stringify(expected)) return false;
      posts.set(key, { state: 'posting', at: now(), settleAt: settleAt.toISOString() });
      return true;
    },
    posted: async (key, ts) => void posts.set(key, { state: 'posted', at: now(), ts }),
    async settle(key) {
      const r = posts.get(key);
      if (r?.state === 'posting') posts.set(key, { ...r, settleAt: now() });
    },
    async forget(key) {
      if (posts.get(key)?.state === 'posting') posts.delete(key);
    },
  };
}
