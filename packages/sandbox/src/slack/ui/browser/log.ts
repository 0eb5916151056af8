/**
 * The channel log: the channel's intro, day dividers and one node per top-level message (with its
 * thread). A node is reused while its item is unchanged, so polling does not rebuild the log.
 */
import type { UiState } from '../state-types';
import { $, el } from './dom';
import { type Item, renderItem } from './messages';
import { nameOf } from './names';
import { session } from './session';
import { dayOf, tsCmp, when } from './time';

/** A drawn node and the signature of what it shows. */
interface Cached {
  sig: string;
  node: HTMLElement;
}

let cacheKey = '';
let cache: Record<string, Cached> = {};

/** The channel's intro, above its first message. */
function renderIntro(c: NonNullable<UiState['channel']>, state: UiState): HTMLDivElement {
  const d = el('div', 'intro');
  d.appendChild(el('h2', '', `# ${c.name}`));
  d.appendChild(
    el(
      'p',
      '',
      `This is the very beginning of the #${c.name} channel. ${
        c.topic ? `Topic: ${c.topic}` : `Type /patch help below to talk to ${nameOf(state.bot.userId)}.`
      }`,
    ),
  );
  return d;
}

/** A "Today" / "Yesterday" / date line between days. */
function dayDivider(label: string): HTMLDivElement {
  const d = el('div', 'day');
  d.setAttribute('role', 'separator');
  d.setAttribute('aria-label', label);
  d.appendChild(el('span', '', label));
  return d;
}

/** The log's items in time order: messages, and ephemerals not sent into a thread. */
function items(state: UiState): Item[] {
  const parents: Record<string, Item> = {};
  const list: Item[] = [];
  for (const m of state.messages) {
    const item: Item = { key: `m${m.ts}`, ts: m.ts, m, eph: false, threadEph: [] };
    parents[m.ts] = item;
    list.push(item);
  }
  for (const e of state.ephemerals) {
    const p = e.thread_ts ? parents[e.thread_ts] : undefined;
    if (p) p.threadEph.push({ m: e, eph: true });
    else list.push({ key: `e${e.ts}`, ts: e.ts, m: e, eph: true, threadEph: [] });
  }
  list.sort((a, b) => tsCmp(a.ts, b.ts));
  return list;
}

/** Brings the log up to date, keeping the scroll position unless the view is new or was at the bottom. */
export function renderLog(state: UiState): void {
  const log = $('log');
  const key = `${session.channelId}|${session.userId}|${JSON.stringify(state.names)}`;
  const fresh = key !== cacheKey;
  if (fresh) {
    cache = {};
    cacheKey = key;
  }
  const prevTop = log.scrollTop;
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  const want: HTMLElement[] = [];
  const next: Record<string, Cached> = {};
  const reuse = (k: string, sig: string, draw: () => HTMLElement): void => {
    const c = cache[k];
    const entry = c && c.sig === sig ? c : { sig, node: draw() };
    next[k] = entry;
    want.push(entry.node);
  };
  const channel = state.channel;
  if (channel) reuse('intro', JSON.stringify(channel), () => renderIntro(channel, state));
  let day = '';
  for (const it of items(state)) {
    const label = dayOf(it.ts);
    if (label !== day) {
      day = label;
      reuse(`day${when(it.ts).toDateString()}`, label, () => dayDivider(label));
    }
    reuse(it.key, JSON.stringify(it), () => renderItem(it));
  }
  cache = next;
  want.forEach((node, i) => {
    if (log.children[i] !== node) log.insertBefore(node, log.children[i] || null);
  });
  while (log.children.length > want.length) log.removeChild(log.children[log.children.length - 1]!);
  log.scrollTop = fresh || atBottom ? log.scrollHeight : prevTop;
}
