/** The model's objects in Slack's JSON shapes, as Web API answers and payloads carry them. */
import type { ChannelSeed, UserSeed } from './seed';
import type { Json, JsonObject, SlackEphemeral, SlackMessage } from './types';
import type { Workspace } from './workspace';

/**
 * A message as chat.postMessage answers it and block_actions payloads carry it; with
 * `includeMetadata` (conversations.history/replies' `include_all_metadata`) its metadata too.
 */
export function messageJson(m: SlackMessage, ws: Workspace, options: { includeMetadata?: boolean } = {}): JsonObject {
  const out: JsonObject = {
    type: 'message',
    text: m.text,
    user: m.user,
    ts: m.ts,
    team: ws.team.id,
    blocks: m.blocks as Json[],
  };
  if (m.bot_id) {
    out.bot_id = m.bot_id;
    out.app_id = m.app_id ?? ws.bot.appId;
    out.bot_profile = { id: m.bot_id, app_id: ws.bot.appId, name: ws.bot.name, deleted: false, team_id: ws.team.id };
  }
  if (m.thread_ts) out.thread_ts = m.thread_ts;
  if (m.thread_ts === m.ts) out.reply_count = m.reply_count;
  if (m.edited) out.edited = { ...m.edited };
  if (m.files) {
    out.files = structuredClone(m.files);
    out.upload = true;
  }
  if (options.includeMetadata && m.metadata) out.metadata = structuredClone(m.metadata) as unknown as JsonObject;
  return out;
}

/** An ephemeral as the UI shows it. */
export function ephemeralJson(e: SlackEphemeral): JsonObject {
  return {
    type: 'message',
    subtype: 'ephemeral',
    text: e.text,
    user: e.from,
    ts: e.ts,
    blocks: e.blocks as Json[],
    ...(e.thread_ts ? { thread_ts: e.thread_ts } : {}),
  };
}

/** A user as users.info answers it. */
export function userJson(u: UserSeed, ws: Workspace): JsonObject {
  return {
    id: u.id,
    team_id: ws.team.id,
    name: u.name,
    deleted: false,
    real_name: u.realName,
    tz: u.tz,
    tz_label: u.tz,
    tz_offset: tzOffsetSeconds(u.tz),
    is_bot: false,
    is_admin: false,
    profile: {
      real_name: u.realName,
      display_name: u.displayName,
      real_name_normalized: u.realName,
      display_name_normalized: u.displayName,
    },
  };
}

/** The bot user, for users.info on the bot's own id. */
export function botUserJson(ws: Workspace): JsonObject {
  return {
    id: ws.bot.userId,
    team_id: ws.team.id,
    name: ws.bot.name,
    deleted: false,
    real_name: ws.bot.name,
    is_bot: true,
    tz: 'America/Los_Angeles',
    profile: { real_name: ws.bot.name, display_name: '', bot_id: ws.bot.botId, api_app_id: ws.bot.appId },
  };
}

/** A channel as conversations.info answers it, seen by the bot. */
export function channelJson(c: ChannelSeed, ws: Workspace): JsonObject {
  return {
    id: c.id,
    name: c.name,
    name_normalized: c.name,
    is_channel: !c.isPrivate,
    is_group: Boolean(c.isPrivate),
    is_im: false,
    is_private: Boolean(c.isPrivate),
    is_archived: Boolean(c.isArchived),
    is_general: false,
    is_member: c.members.includes(ws.bot.userId),
    num_members: c.members.length,
    topic: { value: c.topic ?? '', creator: '', last_set: 0 },
    purpose: { value: '', creator: '', last_set: 0 },
    created: 1700000000,
  };
}

/** The offset of an IANA zone from UTC now, in seconds (0 when the zone is unknown). */
function tzOffsetSeconds(tz: string): number {
  try {
    const now = new Date();
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(now);
    const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
    const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return Math.round((asUtc - Math.floor(now.getTime() / 1000) * 1000) / 1000);
  } catch {
    return 0;
  }
}
