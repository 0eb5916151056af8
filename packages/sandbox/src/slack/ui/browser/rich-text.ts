/** Slack's rich_text blocks as DOM nodes: sections, lists, quotes and preformatted parts. */
import type { UiKnownBlocks, UiRichNode } from '../state-types';
import { el } from './dom';
import { link } from './mrkdwn';
import { nameOf } from './names';

/** One leaf (styled text, link, mention, emoji, broadcast), appended to `parent`. */
function leaf(parent: HTMLElement, e: UiRichNode): void {
  if (e.type === 'text') {
    const n = el(e.style?.code ? 'code' : 'span', '', e.text);
    if (e.style?.bold) n.style.fontWeight = '700';
    if (e.style?.italic) n.style.fontStyle = 'italic';
    if (e.style?.strike) n.style.textDecoration = 'line-through';
    parent.appendChild(n);
  } else if (e.type === 'link') link(parent, e.url || '', e.text || '');
  else if (e.type === 'user') parent.appendChild(el('span', 'mention', `@${nameOf(e.user_id)}`));
  else if (e.type === 'channel') parent.appendChild(el('span', 'mention', `#${e.channel_id}`));
  else if (e.type === 'emoji') {
    const text = e.unicode
      ? String.fromCodePoint(...e.unicode.split('-').map((h) => Number.parseInt(h, 16)))
      : `:${e.name}:`;
    parent.appendChild(document.createTextNode(text));
  } else if (e.type === 'broadcast') parent.appendChild(el('span', 'mention loud', `@${e.range}`));
}

/** The element a rich text part becomes. */
function partTag(type: string): 'pre' | 'blockquote' | 'ul' | 'div' {
  if (type === 'rich_text_preformatted') return 'pre';
  if (type === 'rich_text_quote') return 'blockquote';
  return type === 'rich_text_list' ? 'ul' : 'div';
}

/** A rich_text block. */
export function richText(b: UiKnownBlocks['rich_text']): HTMLElement {
  const box = el('div', 'block rich');
  for (const part of b.elements || []) {
    const p = el(partTag(part.type));
    for (const e of part.elements || []) {
      if (part.type === 'rich_text_list') {
        const li = el('li');
        for (const x of e.elements || []) leaf(li, x);
        p.appendChild(li);
      } else leaf(p, e);
    }
    box.appendChild(p);
  }
  return box;
}
