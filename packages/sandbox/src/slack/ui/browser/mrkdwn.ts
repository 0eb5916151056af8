/**
 * Slack's mrkdwn as DOM nodes, built with createElement and text nodes only, so nothing from a
 * message is ever parsed as HTML. Also text objects, and links and mentions (which rich text uses).
 */
import type { UiText } from '../state-types';
import { el } from './dom';
import { nameOf } from './names';

/** Slack escapes these three in message text. */
function decode(s: string): string {
  return String(s).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

// Inline mrkdwn: *bold* _italic_ ~strike~ `code` <url|label> <@U..> <#C..|name> <!here>.
// Markers count only at word edges, as in Slack (snake_case_names stay as they are).
const INLINE =
  /(`[^`\n]+`)|((?<![\w*])\*(?=[^\s*])[^*\n]*\*(?![\w*]))|((?<![\w_])_(?=[^\s_])[^_\n]*_(?![\w_]))|((?<![\w~])~(?=[^\s~])[^~\n]*~(?![\w~]))|(<[^<>\n]+>)/g;
const QUOTE = /^(&gt;|>)/;
const BULLET = /^\s*[•◦▪‣-]\s/;

/** `<!here>`, `<!channel>`, `<!subteam^S..>` as loud mentions; `<!date^...|label>` as its label. */
function special(parent: HTMLElement, target: string, label: string): void {
  const kind = target.slice(1).split('^')[0] ?? '';
  if (kind === 'date') {
    parent.appendChild(document.createTextNode(label || target));
    return;
  }
  const group = target.split('^')[1];
  const text = kind === 'subteam' ? `@${(label || nameOf(group) || 'group').replace(/^@/, '')}` : `@${kind}`;
  parent.appendChild(el('span', 'mention loud', text));
}

/** A `<target|label>`: a mention, a channel, a special mention, a web link, or the text as typed. */
export function link(parent: HTMLElement, target: string, label: string): void {
  if (target.charAt(0) === '@') parent.appendChild(el('span', 'mention', `@${nameOf(target.slice(1))}`));
  // A bare `<#C…>` shows the channel's name, as Slack's clients do.
  else if (target.charAt(0) === '#') parent.appendChild(el('span', 'mention', `#${label || nameOf(target.slice(1))}`));
  else if (target.charAt(0) === '!') special(parent, target, label);
  else if (/^(https?:|mailto:)/i.test(target)) {
    const a = el('a', '', label || target);
    a.href = target;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    parent.appendChild(a);
  } else parent.appendChild(document.createTextNode(`<${target}${label ? `|${label}` : ''}>`));
}

/** One line's inline formatting, appended to `parent`. */
function inline(parent: HTMLElement, text: string): void {
  const re = new RegExp(INLINE.source, 'g');
  let last = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m.index > last) parent.appendChild(document.createTextNode(decode(text.slice(last, m.index))));
    const inner = m[0].slice(1, -1);
    if (m[1]) parent.appendChild(el('code', '', decode(inner)));
    else if (m[2] || m[3] || m[4]) {
      const box = el(m[2] ? 'b' : m[3] ? 'i' : 's');
      inline(box, inner);
      parent.appendChild(box);
    } else {
      const bar = inner.indexOf('|');
      link(parent, decode(bar < 0 ? inner : inner.slice(0, bar)), bar < 0 ? '' : decode(inner.slice(bar + 1)));
    }
    last = re.lastIndex;
  }
  if (last < text.length) parent.appendChild(document.createTextNode(decode(text.slice(last))));
}

/** A mrkdwn text: code fences, quotes, bullet lines and inline formatting. */
export function mrkdwn(text: string, tag: 'div' | 'span' = 'div'): HTMLElement {
  const box = el(tag, 'mrkdwn');
  String(text)
    .split('```')
    .forEach((chunk, idx) => {
      if (idx % 2 === 1) {
        box.appendChild(el('pre', '', decode(chunk.replace(/^\n/, ''))));
        return;
      }
      const lines = chunk.split('\n');
      let quote: HTMLQuoteElement | null = null;
      lines.forEach((line, n) => {
        if (QUOTE.test(line)) {
          if (!quote) {
            quote = el('blockquote');
            box.appendChild(quote);
          } else quote.appendChild(el('br'));
          inline(quote, line.replace(/^(&gt;|>)\s?/, ''));
          return;
        }
        quote = null;
        // A bullet line is its own block, so a long item wraps under its text, not under the bullet.
        if (BULLET.test(line)) {
          const item = el('div', 'li');
          inline(item, line);
          box.appendChild(item);
          return;
        }
        inline(box, line);
        const next = lines[n + 1];
        if (next !== undefined && !(line === '' && n === 0 && idx > 0) && !BULLET.test(next) && !QUOTE.test(next)) {
          box.appendChild(el('br'));
        }
      });
    });
  return box;
}

/** A text object: mrkdwn or plain text. */
export function textObj(t: UiText | undefined, tag: 'div' | 'span' = 'div'): HTMLElement {
  if (!t) return el(tag);
  return t.type === 'mrkdwn' ? mrkdwn(t.text || '', tag) : el(tag, 'plain', t.text || '');
}

/** A text object's text, or '' when there is none. */
export function plain(t: UiText | undefined): string {
  return t?.text || '';
}
