/** chat.postMessage, chat.update, chat.postEphemeral, chat.delete and chat.getPermalink. */
import type { StandInContext } from '../context';
import { checkContent } from '../content';
import type { ChannelSeed } from '../seed';
import { isJsonObject, type MessageMetadata } from '../types';
import { messageJson } from '../wire';
import { fail, ok, type ApiArgs, type ApiMethod, type ApiResult } from './method';

/** Slack caps a message's metadata (event_type and payload, as JSON) at 8 KB. */
const METADATA_MAX_BYTES = 8 * 1024;

/**
 * The `metadata` argument: a JSON object (or its URL-encoded JSON text) with a string `event_type`
 * and an object `event_payload`; undefined when absent, an error answer when malformed.
 */
function readMetadata(args: ApiArgs): MessageMetadata | undefined | ApiResult {
  if (!args.has('metadata')) return undefined;
  let value = args.value('metadata');
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return fail('invalid_metadata_format');
    }
  }
  if (!isJsonObject(value)) return fail('invalid_metadata_format');
  const { event_type: type, event_payload: payload } = value;
  if (typeof type !== 'string' || type === '' || !isJsonObject(payload)) return fail('invalid_metadata_schema');
  if (Buffer.byteLength(JSON.stringify(value)) > METADATA_MAX_BYTES) return fail('metadata_too_large');
  return { event_type: type, event_payload: payload };
}

/** The channel named by the `channel` argument, or the error to answer. */
function resolveChannel(ctx: StandInContext, args: ApiArgs): ChannelSeed | ApiResult {
  const ref = args.string('channel');
  const channel = ref ? ctx.workspace.channel(ref) : undefined;
  return channel ?? fail('channel_not_found');
}

/** The channel the `channel` argument names by id (chat.update and chat.delete take no names, as Slack documents). */
function channelById(ctx: StandInContext, args: ApiArgs): ChannelSeed | ApiResult {
  const ref = args.string('channel');
  const channel = ref ? ctx.workspace.channel(ref) : undefined;
  return channel && channel.id === ref ? channel : fail('channel_not_found');
}

function isResult<T extends object>(v: T | ApiResult): v is ApiResult {
  return 'ok' in v;
}

/** chat.postMessage: channel by id or name, text and/or blocks, optionally in a thread. */
export const chatPostMessage: ApiMethod = {
  tier: 'postMessage',
  handle(ctx, args) {
    const dm = directMessage(ctx, args);
    if (dm) return dm;
    const channel = resolveChannel(ctx, args);
    if (isResult(channel)) return channel;
    const ws = ctx.workspace;
    if (channel.isArchived) return fail('is_archived');
    if (!ws.isMember(channel.id, ws.bot.userId)) return fail('not_in_channel');
    const content = checkContent(args.value('text'), args.value('blocks'), {
      blocksTextLimit: ctx.knobs.blocksTextLimit,
    });
    if (!content.ok) return fail(content.error, content.detail);
    const metadata = readMetadata(args);
    if (metadata && 'ok' in metadata) return metadata;
    let threadTs = args.string('thread_ts');
    if (threadTs) {
      const parent = ctx.messages.get(channel.id, threadTs);
      if (!parent) return fail('thread_not_found');
      threadTs = parent.thread_ts ?? parent.ts;
    }
    const message = ctx.messages.post({
      channel: channel.id,
      user: ws.bot.userId,
      botId: ws.bot.botId,
      appId: ws.bot.appId,
      text: content.text,
      blocks: content.blocks,
      ...(threadTs ? { threadTs, replyBroadcast: args.bool('reply_broadcast') } : {}),
      ...(metadata ? { metadata } : {}),
      via: 'chat.postMessage',
    });
    return ok({ channel: channel.id, ts: message.ts, message: messageJson(message, ws) });
  },
};

/** The bot's direct-message conversation with a user (Slack gives it a D… id). */
export function dmChannelId(userId: string): string {
  return `D${userId.slice(1)}`;
}

/** The person whose direct-message conversation with the bot `ref` (a D… id) is, if it is one. */
export function dmUser(ctx: StandInContext, ref: string): string | undefined {
  if (!ref.startsWith('D')) return undefined;
  return ctx.workspace.user(`U${ref.slice(1)}`)?.id;
}

/**
 * chat.postMessage with a user id as `channel`: Slack posts in the bot's direct messages with that
 * person (the app's Messages tab). Undefined when `channel` is not a user id.
 */
function directMessage(ctx: StandInContext, args: ApiArgs): ApiResult | undefined {
  const ref = args.string('channel');
  const dm = ref ? dmUser(ctx, ref) : undefined;
  const person = ref ? ctx.workspace.user(dm ?? ref) : undefined;
  if (!person) return undefined;
  const content = checkContent(args.value('text'), args.value('blocks'), {
    blocksTextLimit: ctx.knobs.blocksTextLimit,
  });
  if (!content.ok) return fail(content.error, content.detail);
  const ws = ctx.workspace;
  const message = ctx.messages.post({
    channel: dmChannelId(person.id),
    user: ws.bot.userId,
    botId: ws.bot.botId,
    appId: ws.bot.appId,
    text: content.text,
    blocks: content.blocks,
    via: 'chat.postMessage',
  });
  return ok({ channel: message.channel, ts: message.ts, message: messageJson(message, ws) });
}

/** The message `ts` names in the channel, if the bot posted it; else the error Slack answers. */
function ownMessage(ctx: StandInContext, args: ApiArgs, notOwn: string) {
  const channel = channelById(ctx, args);
  if (isResult(channel)) return channel;
  if (channel.isArchived) return fail('is_archived');
  const ts = args.string('ts');
  const current = ts ? ctx.messages.get(channel.id, ts) : undefined;
  if (!ts || !current) return fail('message_not_found');
  if (current.user !== ctx.workspace.bot.userId) return fail(notOwn);
  return { channel, ts, current };
}

/** chat.update: only the bot's own messages; absent blocks (or metadata) keep the old ones, like Slack. */
export const chatUpdate: ApiMethod = {
  tier: 3,
  handle(ctx, args) {
    const found = ownMessage(ctx, args, 'cant_update_message');
    if (isResult(found)) return found;
    const { channel, ts, current } = found;
    const ws = ctx.workspace;
    if (!args.has('text') && !args.has('blocks')) return fail('no_text');
    const content = checkContent(
      args.has('text') ? args.value('text') : current.text,
      args.has('blocks') ? args.value('blocks') : current.blocks,
      { blocksTextLimit: ctx.knobs.blocksTextLimit },
    );
    if (!content.ok) return fail(content.error, content.detail);
    const metadata = readMetadata(args);
    if (metadata && 'ok' in metadata) return metadata;
    const updated = ctx.messages.revise(channel.id, ts, {
      text: content.text,
      blocks: content.blocks,
      via: 'chat.update',
      editor: ws.bot.userId,
      ...(metadata ? { metadata } : {}),
    });
    if (!updated) return fail('message_not_found');
    return ok({ channel: channel.id, ts, text: updated.text, message: messageJson(updated, ws) });
  },
};

/** chat.delete: only the bot's own messages. */
export const chatDelete: ApiMethod = {
  tier: 3,
  handle(ctx, args) {
    const found = ownMessage(ctx, args, 'cant_delete_message');
    if (isResult(found)) return found;
    const { channel, ts } = found;
    ctx.messages.remove(channel.id, ts);
    return ok({ channel: channel.id, ts });
  },
};

/** chat.postEphemeral: to one user who is in the channel, from a bot that is in it too. */
export const chatPostEphemeral: ApiMethod = {
  tier: 4,
  handle(ctx, args) {
    const channel = resolveChannel(ctx, args);
    if (isResult(channel)) return channel;
    const ws = ctx.workspace;
    const userId = args.string('user');
    if (!userId || !ws.user(userId)) return fail('user_not_found');
    if (!ws.isMember(channel.id, ws.bot.userId)) return fail('not_in_channel');
    if (!ws.isMember(channel.id, userId)) return fail('user_not_in_channel');
    const content = checkContent(args.value('text'), args.value('blocks'), {
      blocksTextLimit: ctx.knobs.blocksTextLimit,
    });
    if (!content.ok) return fail(content.error, content.detail);
    const threadTs = args.string('thread_ts');
    const e = ctx.messages.postEphemeral({
      channel: channel.id,
      user: userId,
      from: ws.bot.userId,
      text: content.text,
      blocks: content.blocks,
      ...(threadTs ? { threadTs } : {}),
      via: 'chat.postEphemeral',
    });
    return ok({ message_ts: e.ts });
  },
};

/** chat.getPermalink: a link to a message, Slack's `/archives/<C>/p<ts digits>` shape. */
export const chatGetPermalink: ApiMethod = {
  tier: 'none',
  handle(ctx, args) {
    const channel = resolveChannel(ctx, args);
    if (isResult(channel)) return channel;
    const ts = args.string('message_ts');
    const message = ts ? ctx.messages.get(channel.id, ts) : undefined;
    if (!ts || !message) return fail('message_not_found');
    const base = `https://${ctx.workspace.team.domain}.slack.com/archives/${channel.id}/p${ts.replace('.', '')}`;
    const permalink =
      message.thread_ts && message.thread_ts !== ts ? `${base}?thread_ts=${message.thread_ts}&cid=${channel.id}` : base;
    return ok({ channel: channel.id, permalink });
  },
};
