/** The demo page's view of the workspace: one channel as one user sees it. */
import type { StandInContext } from '../context';
import { compareTs } from '../ids';
import type { JsonObject } from '../types';
import type { UiBlock, UiFile, UiHome, UiMessage, UiState } from './state-types';

/** The JSON the page polls: directory (people with a role hint, the bot and user-group handles by id), the channel's messages with threads, the user's ephemerals and open modal. */
export function uiState(ctx: StandInContext, channelId: string | undefined, userId: string | undefined): UiState {
  const ws = ctx.workspace;
  const users = ws.listUsers();
  const channels = ws.listChannels();
  const channel = (channelId && ws.channel(channelId)) || channels[0];
  const user = (userId && ws.user(userId)) || users[0];
  const names: Record<string, string> = Object.fromEntries(users.map((u) => [u.id, u.displayName || u.name]));
  names[ws.bot.userId] = ws.bot.name;
  names.USLACKBOT = 'Slackbot';
  for (const g of ws.listUserGroups()) names[g.id] = g.handle;
  for (const c of channels) names[c.id] = c.name;
  const groupsOf = (id: string): string[] =>
    ws
      .listUserGroups()
      .filter((g) => g.users.includes(id))
      .map((g) => `@${g.handle}`);
  const all = channel ? ctx.messages.messages(channel.id) : [];
  const toJson = (m: (typeof all)[number]): UiMessage => ({
    ts: m.ts,
    user: m.user,
    isBot: Boolean(m.bot_id),
    text: m.text,
    blocks: m.blocks,
    edited: Boolean(m.edited),
    versions: m.history.length,
    ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
    ...(m.files?.length ? { files: m.files.map(uiFile) } : {}),
  });
  const top = all.filter((m) => !m.thread_ts || m.thread_ts === m.ts || m.reply_broadcast);
  const ephemerals = channel && user ? ctx.messages.ephemerals(channel.id, user.id) : [];
  const modal = user
    ? ctx.modals
        .list()
        .filter((m) => m.user === user.id && m.state === 'open')
        .pop()
    : undefined;
  return {
    team: { id: ws.team.id, name: ws.team.name },
    bot: { userId: ws.bot.userId, name: ws.bot.name },
    users: users.map((u) => ({
      id: u.id,
      name: u.name,
      displayName: u.displayName,
      title: userTitle(u.realName, groupsOf(u.id)),
    })),
    channels: channels.map((c) => ({ id: c.id, name: c.name, botIsMember: c.members.includes(ws.bot.userId) })),
    names,
    channel: channel ? { id: channel.id, name: channel.name, topic: channel.topic ?? '' } : null,
    user: user ? { id: user.id, name: user.name } : null,
    messages: top
      .sort((a, b) => compareTs(a.ts, b.ts))
      .map((m) => ({ ...toJson(m), replies: all.filter((r) => r.thread_ts === m.ts && r.ts !== m.ts).map(toJson) })),
    ephemerals: ephemerals.map((e) => ({
      ts: e.ts,
      user: e.from,
      text: e.text,
      blocks: e.blocks,
      ...(e.thread_ts ? { thread_ts: e.thread_ts } : {}),
    })),
    modal: modal ? { id: modal.id, view: modal.view, errors: modal.errors ?? {} } : null,
    home: homeOf(ctx, user?.id),
  };
}

/** The user's published Home tab, if any. */
function homeOf(ctx: StandInContext, userId: string | undefined): UiHome | null {
  const h = userId ? ctx.homes.get(userId) : undefined;
  if (!h) return null;
  const blocks = Array.isArray(h.view.blocks) ? (h.view.blocks as unknown as UiBlock[]) : [];
  return { id: h.id, blocks, publishedAt: h.publishedAt.toISOString(), publishes: h.publishes };
}

/** A shared file as the page draws it, linked by the stand-in's own path (same origin as the page). */
function uiFile(f: JsonObject): UiFile {
  const text = (k: string) => (typeof f[k] === 'string' ? (f[k] as string) : '');
  const num = (k: string) => (typeof f[k] === 'number' ? (f[k] as number) : undefined);
  const url = text('url_private');
  const width = num('original_w');
  const height = num('original_h');
  return {
    id: text('id'),
    name: text('name'),
    title: text('title') || text('name'),
    mimetype: text('mimetype'),
    url: url.startsWith('http') ? new URL(url).pathname : url,
    size: num('size') ?? 0,
    ...(text('alt_txt') ? { alt: text('alt_txt') } : {}),
    ...(width !== undefined && height !== undefined ? { width, height } : {}),
  };
}

/** A person's hint for the user menu, from the workspace only: real name and user groups ("Carol Lead · @patch-leads"). */
function userTitle(realName: string, groups: string[]): string {
  return [realName, ...groups].filter((x) => x !== '').join(' · ');
}

/** JSON with `<`, `>` and `&` escaped, so it is inert even if something renders it as HTML. */
export function inertJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}
