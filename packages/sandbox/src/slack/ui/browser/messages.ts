/** One message as the log shows it: avatar, name, time, text or blocks; a top-level one with its thread. */
import type { UiFile, UiMessage, UiPost } from '../state-types';
import { renderBlocks } from './blocks';
import { el } from './dom';
import { mrkdwn } from './mrkdwn';
import { avatar, isBot, nameOf } from './names';
import { session } from './session';
import { clock, tsCmp, when } from './time';

/** A post in a thread: a reply, or an ephemeral sent into the thread. */
export interface ThreadEntry {
  m: UiPost;
  eph: boolean;
}

/** One entry of the log: a top-level message or ephemeral, with the ephemerals sent into its thread. */
export interface Item {
  key: string;
  ts: string;
  m: UiPost & { replies?: UiMessage[] };
  eph: boolean;
  threadEph: ThreadEntry[];
}

/** A message (or ephemeral, or reply); `extra` goes under its text (the thread's reply line). */
function renderMessage(m: UiPost, eph: boolean, reply: boolean, extra?: HTMLElement | null): HTMLDivElement {
  const d = el('div', `msg${eph ? ' eph' : ''}${reply ? ' reply' : ''}`);
  d.setAttribute('data-ts', m.ts);
  d.appendChild(avatar(m.user));
  const body = el('div', 'body');
  if (eph) body.appendChild(el('div', 'eph-note', '👁 Only visible to you'));
  const top = el('div', 'top');
  top.appendChild(el('span', 'who', nameOf(m.user)));
  if (isBot(m)) top.appendChild(el('span', 'badge', 'APP'));
  const time = el('span', 'time', clock(m.ts));
  time.title = when(m.ts).toLocaleString();
  top.appendChild(time);
  if (m.edited) top.appendChild(el('span', 'edited', '(edited)'));
  body.appendChild(top);
  if (m.blocks?.length) body.appendChild(renderBlocks(m.blocks, { ts: m.ts }));
  else if (m.text || !m.files?.length) body.appendChild(mrkdwn(m.text || ''));
  for (const f of m.files ?? []) body.appendChild(renderFile(f));
  if (extra) body.appendChild(extra);
  d.appendChild(body);
  return d;
}

/** A shared file: an image inline (its title above, a click opens it full size), anything else as a link to download. */
function renderFile(f: UiFile): HTMLElement {
  const box = el('div', 'file');
  box.setAttribute('data-file', f.id);
  const link = el('a', 'file-title', f.title);
  link.href = f.url;
  link.target = '_blank';
  link.rel = 'noopener';
  box.appendChild(link);
  if (f.mimetype.startsWith('image/')) {
    const img = el('img', 'file-image');
    img.src = f.url;
    img.alt = f.alt || f.title;
    if (f.width && f.height) {
      img.width = Math.min(f.width, 720);
      img.height = Math.round((img.width / f.width) * f.height);
    }
    const open = el('a');
    open.href = f.url;
    open.target = '_blank';
    open.rel = 'noopener';
    open.appendChild(img);
    box.appendChild(open);
  } else {
    box.appendChild(
      el('span', 'file-meta', `${f.name} · ${f.mimetype} · ${Math.max(1, Math.round(f.size / 1024))} KB`),
    );
  }
  return box;
}

/** The thread's reply line: up to three repliers, the count and the last reply's time; a click folds the thread. */
function threadLine(ts: string, replies: UiMessage[], thread: HTMLElement): HTMLButtonElement {
  const line = el('button', 'thread-line');
  line.type = 'button';
  const seen: Record<string, boolean> = {};
  for (const r of replies) {
    if (seen[r.user] || Object.keys(seen).length >= 3) continue;
    seen[r.user] = true;
    line.appendChild(avatar(r.user, 'mini'));
  }
  line.appendChild(el('span', 'count', `${replies.length}${replies.length === 1 ? ' reply' : ' replies'}`));
  line.appendChild(el('span', 'last', `Last reply ${clock(replies[replies.length - 1]!.ts)}`));
  line.setAttribute('aria-expanded', session.collapsed[ts] ? 'false' : 'true');
  line.addEventListener('click', () => {
    session.collapsed[ts] = !session.collapsed[ts];
    thread.className = `thread${session.collapsed[ts] ? ' collapsed' : ''}`;
    line.setAttribute('aria-expanded', session.collapsed[ts] ? 'false' : 'true');
  });
  return line;
}

/** A log item: the message, and its thread (folded if the person folded it). */
export function renderItem(it: Item): HTMLDivElement {
  const wrap = el('div', 'item');
  const replies = it.m.replies || [];
  let line: HTMLButtonElement | null = null;
  let thread: HTMLDivElement | null = null;
  if (replies.length || it.threadEph.length) {
    const box = el('div', `thread${session.collapsed[it.m.ts] ? ' collapsed' : ''}`);
    box.setAttribute('aria-label', 'Thread');
    if (replies.length) line = threadLine(it.m.ts, replies, box);
    replies
      .map((r): ThreadEntry => ({ m: r, eph: false }))
      .concat(it.threadEph)
      .sort((a, b) => tsCmp(a.m.ts, b.m.ts))
      .forEach((x) => {
        box.appendChild(renderMessage(x.m, x.eph, true));
      });
    thread = box;
  }
  wrap.appendChild(renderMessage(it.m, it.eph, false, line));
  if (thread) wrap.appendChild(thread);
  return wrap;
}
