/**
 * conversations.info, conversations.list, conversations.history and conversations.replies, as the bot sees a channel.
 * list pages channels with `limit` (default 100, at most 1000) and an opaque `cursor`, of the
 * `types` asked (default public_channel; private channels only where the bot is a member) and,
 * with `exclude_archived`, without archived ones.
 * history lists the channel's top-level messages newest first (thread replies only when broadcast);
 * replies lists a thread, parent first, oldest first. Both page with `limit` and an opaque `cursor`
 * (`response_metadata.next_cursor`, `has_more`), filter by `oldest`/`latest` (`inclusive`), and
 * return message metadata only with `include_all_metadata`, as Slack documents.
 */
import type { StandInContext } from '../context';
import { compareTs } from '../ids';
import type { ChannelSeed } from '../seed';
import type { Json, SlackMessage } from '../types';
import { channelJson, messageJson } from '../wire';
import { fail, ok, type ApiArgs, type ApiMethod, type ApiResult } from './method';

/** conversations.info */
export const conversationsInfo: ApiMethod = {
  tier: 3,
  handle(ctx, args) {
    const ref = args.string('channel');
    const channel = ref ? ctx.workspace.channel(ref) : undefined;
    if (!channel || channel.id !== ref) return fail('channel_not_found');
    // A private channel is invisible to a bot that is not in it, as in Slack.
    if (channel.isPrivate && !ctx.workspace.isMember(channel.id, ctx.workspace.bot.userId))
      return fail('channel_not_found');
    return ok({ channel: channelJson(channel, ctx.workspace) });
  },
};

/** conversations.list's `limit`: Slack's default 100, at most 1000 (it recommends no more than 200). */
const LIST_LIMIT = { default: 100, max: 1000 };
const CONVERSATION_TYPES = new Set(['public_channel', 'private_channel', 'mpim', 'im']);

/** conversations.list: the workspace's channels the bot can see, in a stable order, paged by cursor. */
export const conversationsList: ApiMethod = {
  tier: 2,
  handle(ctx, args) {
    const types = (args.string('types') ?? 'public_channel')
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '');
    if (types.some((t) => !CONVERSATION_TYPES.has(t))) return fail('invalid_types');
    const ws = ctx.workspace;
    const visible = ws
      .listChannels()
      .filter((c) =>
        c.isPrivate
          ? types.includes('private_channel') && ws.isMember(c.id, ws.bot.userId)
          : types.includes('public_channel'),
      )
      .filter((c) => !(args.bool('exclude_archived') && c.isArchived));
    const asked = Number(args.string('limit') ?? LIST_LIMIT.default);
    const limit =
      Number.isFinite(asked) && asked >= 1 ? Math.min(Math.floor(asked), LIST_LIMIT.max) : LIST_LIMIT.default;
    const cursor = args.string('cursor');
    let start = 0;
    if (cursor !== undefined) {
      const match = /^id:(\w+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
      const after = match ? visible.findIndex((c) => c.id === match[1]) : -1;
      if (after < 0) return fail('invalid_cursor');
      start = after + 1;
    }
    const shown = visible.slice(start, start + limit);
    const last = shown[shown.length - 1];
    const more = start + shown.length < visible.length && last !== undefined;
    return ok({
      channels: shown.map((c) => channelJson(c, ws)),
      response_metadata: { next_cursor: more ? Buffer.from(`id:${last.id}`).toString('base64') : '' },
    });
  },
};

/** Slack's defaults and caps for `limit`. */
const HISTORY_LIMIT = { default: 100, max: 999 };
const REPLIES_LIMIT = { default: 1000, max: 1000 };

const TS = /^\d+(\.\d+)?$/;

/** The channel (by id, as these methods take it) the bot may read, or the error to answer. */
function readableChannel(ctx: StandInContext, args: ApiArgs): ChannelSeed | ApiResult {
  const ref = args.string('channel');
  const channel = ref ? ctx.workspace.channel(ref) : undefined;
  if (!channel || channel.id !== ref) return fail('channel_not_found');
  if (!ctx.workspace.isMember(channel.id, ctx.workspace.bot.userId)) return fail('not_in_channel');
  return channel;
}

function isResult(v: object): v is ApiResult {
  return 'ok' in v;
}

/** The cursor for "after the message with this ts", and back. */
function cursorFor(ts: string): string {
  return Buffer.from(`ts:${ts}`).toString('base64');
}
function cursorTs(cursor: string): string | undefined {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  const match = /^ts:(\d+\.\d+)$/.exec(text);
  return match?.[1];
}

/** The time window and page size of a call, or the error to answer. */
function window(
  args: ApiArgs,
  limits: { default: number; max: number },
): { keep: (m: SlackMessage) => boolean; limit: number; after?: string } | ApiResult {
  const oldest = args.string('oldest');
  const latest = args.string('latest');
  if (oldest !== undefined && !TS.test(oldest)) return fail('invalid_ts_oldest');
  if (latest !== undefined && !TS.test(latest)) return fail('invalid_ts_latest');
  const inclusive = args.bool('inclusive');
  const num = (ts: string) => Number(ts);
  const keep = (m: SlackMessage) =>
    (oldest === undefined || (inclusive ? num(m.ts) >= num(oldest) : num(m.ts) > num(oldest))) &&
    (latest === undefined || (inclusive ? num(m.ts) <= num(latest) : num(m.ts) < num(latest)));
  const asked = Number(args.string('limit') ?? limits.default);
  const limit = Number.isFinite(asked) && asked >= 1 ? Math.min(Math.floor(asked), limits.max) : limits.default;
  const cursor = args.string('cursor');
  if (cursor === undefined) return { keep, limit };
  const after = cursorTs(cursor);
  return after ? { keep, limit, after } : fail('invalid_cursor');
}

/** One page of `list` (already in answer order) after the cursor's message. */
function page(
  ctx: StandInContext,
  list: SlackMessage[],
  w: { limit: number; after?: string },
  args: ApiArgs,
  descending: boolean,
): ApiResult {
  const start =
    w.after === undefined
      ? 0
      : list.findIndex((m) =>
          descending ? compareTs(m.ts, w.after as string) < 0 : compareTs(m.ts, w.after as string) > 0,
        );
  const rest = start < 0 ? [] : list.slice(start);
  const shown = rest.slice(0, w.limit);
  const hasMore = rest.length > shown.length;
  const last = shown[shown.length - 1];
  const includeMetadata = args.bool('include_all_metadata');
  return ok({
    messages: shown.map((m) => messageJson(m, ctx.workspace, { includeMetadata })) as Json[],
    has_more: hasMore,
    ...(hasMore && last
      ? { response_metadata: { next_cursor: cursorFor(last.ts) } }
      : { response_metadata: { next_cursor: '' } }),
  });
}

/** conversations.history: top-level messages (and broadcast replies), newest first. */
export const conversationsHistory: ApiMethod = {
  tier: 3,
  handle(ctx, args) {
    const channel = readableChannel(ctx, args);
    if (isResult(channel)) return channel;
    const w = window(args, HISTORY_LIMIT);
    if (isResult(w)) return w;
    const list = ctx.messages
      .messages(channel.id)
      .filter((m) => !m.thread_ts || m.thread_ts === m.ts || m.reply_broadcast)
      .filter(w.keep)
      .reverse();
    return page(ctx, list, w, args, true);
  },
};

/** conversations.replies: a thread's parent, then its replies, oldest first. */
export const conversationsReplies: ApiMethod = {
  tier: 3,
  handle(ctx, args) {
    const channel = readableChannel(ctx, args);
    if (isResult(channel)) return channel;
    const ts = args.string('ts');
    if (!ts) return fail('invalid_arguments');
    const message = ctx.messages.get(channel.id, ts);
    if (!message) return fail('thread_not_found');
    const parentTs = message.thread_ts ?? message.ts;
    const w = window(args, REPLIES_LIMIT);
    if (isResult(w)) return w;
    const list = ctx.messages.thread(channel.id, parentTs).filter(w.keep);
    return page(ctx, list, w, args, false);
  },
};
