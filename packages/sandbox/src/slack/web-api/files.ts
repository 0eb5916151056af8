/**
 * files.getUploadURLExternal and files.completeUploadExternal: Slack's external upload flow. The
 * first hands out an upload URL (on the stand-in's upload host) and a file id; after the bytes
 * are POSTed there, the second completes the files (once) and shares them in `channel_id` as one
 * message carrying `files: [{id, name, title, mimetype, ...}]`, with the same channel rules as
 * chat.postMessage. Without a channel the files stay private.
 */
import { fileJson } from '../files';
import { isJsonObject } from '../types';
import { dmChannelId, dmUser } from './chat';
import { fail, ok, type ApiMethod } from './method';

/** Slack refuses a longer alt text (`alt_txt_too_large`). */
const ALT_TEXT_MAX = 1000;

/** files.getUploadURLExternal: `filename`, `length` (bytes, > 0), optional `alt_txt` (the Node SDK sends `alt_text`). */
export const filesGetUploadURLExternal: ApiMethod = {
  tier: 4,
  handle(ctx, args) {
    const name = args.string('filename');
    const lengthText = args.string('length');
    const length = lengthText !== undefined && /^\d+$/.test(lengthText) ? Number(lengthText) : undefined;
    if (!name || length === undefined || length === 0) return fail('missing_argument');
    const altText = args.string('alt_txt') ?? args.string('alt_text');
    if (altText && altText.length > ALT_TEXT_MAX) return fail('alt_txt_too_large');
    if (!ctx.uploadUrl) return fail('internal_error');
    const file = ctx.files.create({
      name,
      length,
      user: ctx.workspace.bot.userId,
      ...(altText ? { altText } : {}),
    });
    return ok({ upload_url: `${ctx.uploadUrl}/upload/v1/${file.uploadKey}`, file_id: file.id });
  },
};

/** The `files` argument: a JSON array (or its text) of `{id, title?}`; undefined when malformed. */
function readFiles(value: unknown): { id: string; title?: string }[] | undefined {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v) as unknown;
    } catch {
      return undefined;
    }
  }
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const out: { id: string; title?: string }[] = [];
  for (const item of v) {
    if (!isJsonObject(item) || typeof item.id !== 'string') return undefined;
    out.push(typeof item.title === 'string' ? { id: item.id, title: item.title } : { id: item.id });
  }
  return out;
}

/** files.completeUploadExternal: completes uploaded files and shares them in `channel_id` (optionally in `thread_ts`). */
export const filesCompleteUploadExternal: ApiMethod = {
  tier: 4,
  handle(ctx, args) {
    const files = readFiles(args.value('files'));
    if (!files) return fail('invalid_arguments');
    // Every file must exist and have its bytes before any is completed: an unknown, incomplete or
    // already completed id fails the whole call.
    for (const f of files) if (ctx.files.get(f.id)?.state !== 'uploaded') return fail('file_not_found');
    const ws = ctx.workspace;
    const ref = args.string('channel_id');
    let channelId: string | undefined;
    if (ref) {
      const person = ws.user(dmUser(ctx, ref) ?? ref);
      if (person) channelId = dmChannelId(person.id);
      else {
        const channel = ws.channel(ref);
        if (!channel || channel.id !== ref) return fail('channel_not_found');
        if (channel.isArchived) return fail('is_archived');
        if (!ws.isMember(channel.id, ws.bot.userId)) return fail('not_in_channel');
        channelId = channel.id;
      }
    }
    let threadTs = args.string('thread_ts');
    if (threadTs && channelId) {
      const parent = ctx.messages.get(channelId, threadTs);
      if (!parent) return fail('thread_not_found');
      threadTs = parent.thread_ts ?? parent.ts;
    }
    const done = files.flatMap((f) => ctx.files.complete(f.id, f.title) ?? []);
    const json = done.map((f) => fileJson(f, ctx.baseUrl, ws.team.id));
    if (!channelId) return ok({ files: json });
    const message = ctx.messages.post({
      channel: channelId,
      user: ws.bot.userId,
      botId: ws.bot.botId,
      appId: ws.bot.appId,
      text: args.string('initial_comment') ?? '',
      blocks: [],
      files: json,
      ...(threadTs ? { threadTs } : {}),
      via: 'files.completeUploadExternal',
    });
    ctx.logger.debug({ channel: channelId, ts: message.ts, files: done.map((f) => f.id) }, 'files shared');
    return ok({ files: json });
  },
};
