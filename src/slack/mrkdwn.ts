/**
 * Safe mrkdwn. Every string that comes from AWS (tag values, patch titles, status details) or from
 * a user (command text, error messages that echo it) passes through `escapeText` or one of the
 * helpers below before it reaches Slack, so a Name tag of `<!channel>` shows as text instead of
 * paging a channel, and a patch title cannot inject a link or close one of our code spans.
 *
 * Rule of thumb: helpers here take *raw* text and return mrkdwn; never pass their output back in.
 */
import type { Name, Sentence } from '../sentence';

/** A look-alike for the backtick (MODIFIER LETTER GRAVE ACCENT): reads the same, never opens or closes a code span. */
const BACKTICK_STAND_IN = '\u02CB';
/** A look-alike for the asterisk (ASTERISK OPERATOR), used only inside our own bold spans. */
const ASTERISK_STAND_IN = '\u2217';

/** Slack user ids that may be mentioned; anything else is shown as text. */
const USER_ID_RE = /^[UW][A-Z0-9]+$/;
/** Slack user group ids (approvers and operators may be groups). */
const USERGROUP_ID_RE = /^S[A-Z0-9]+$/;
/** Slack conversation ids (public, private, direct). */
const CHANNEL_ID_RE = /^[CGD][A-Z0-9]+$/;

/**
 * Escapes raw text for mrkdwn and plain_text: Slack's rule (`&`, `<`, `>` as entities) neutralizes
 * `<!channel>`, `<@U…>` and `<https://…|…>`; backticks become a look-alike because on a line where
 * we put an instance id in a code span, a stray backtick from a tag would pair with ours.
 */
export function escapeText(s: string): string {
  // Most text has nothing to escape: one scan instead of four replacements.
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/`/g, BACKTICK_STAND_IN);
}

/** A character escapeText changes. */
const NEEDS_ESCAPE = /[&<>`]/;

/** Collapses newlines and runs of whitespace: list items must stay one line each. */
export function oneLine(s: string): string {
  // Single spaces between words are already one line; only other whitespace, doubled spaces or spaces at the ends change.
  if (!NEEDS_ONE_LINE.test(s)) return s;
  return s.replace(/\s+/g, ' ').trim();
}

/** Whitespace other than a single space between words: what oneLine changes. */
const NEEDS_ONE_LINE = /[^\S ]| {2}|^ | $/;

/** Inline code with escaped content; backticks and newlines cannot end the span early. */
export function code(s: string): string {
  const inner = escapeText(oneLine(s));
  // Slack renders an empty span as two literal backticks; show something a reader recognises instead.
  return inner === '' ? '`""`' : `\`${inner}\``;
}

/** Bold raw text; its own asterisks become a look-alike so they cannot end the bold early. */
export function bold(s: string): string {
  const inner = escapeText(oneLine(s)).replace(/\*/g, ASTERISK_STAND_IN);
  return inner === '' ? '' : `*${inner}*`;
}

/** Mentions a Slack user when `userId` is a real user id; anything else is shown as escaped text. */
export function mention(userId: string): string {
  return USER_ID_RE.test(userId) ? `<@${userId}>` : escapeText(userId);
}

/**
 * User group handles by id (`S0LEADS001` → `patch-leads`), as the Slack layer resolved them with
 * usergroups.list (src/slack/directory.ts). Views take them as data, so they stay pure.
 */
export type Handles = ReadonlyMap<string, string>;

/** No handles known: user groups read as "a user group". */
export const NO_HANDLES: Handles = new Map();

/**
 * A configured principal: a user id as a mention; a user group as its handle in plain text
 * ("@patch-leads"), never `<!subteam^…>`, which would notify every member of the group wherever
 * the message is posted; "a user group" when the handle is unknown, rather than the raw id.
 */
export function principal(id: string, handles: Handles = NO_HANDLES): string {
  if (USERGROUP_ID_RE.test(id)) {
    const handle = handles.get(id);
    return handle ? escapeText(`@${handle}`) : 'a user group';
  }
  return mention(id);
}

/** Links a channel id (`<#C…>`); a configured `#name` or anything else is shown as escaped text. */
export function channelLink(id: string): string {
  return CHANNEL_ID_RE.test(id) ? `<#${id}>` : escapeText(id);
}

/** A name from a sentence (src/sentence.ts) as mrkdwn. */
export function nameText(n: Name, handles: Handles = NO_HANDLES): string {
  if (n.kind === 'channel') return channelLink(n.id);
  if (n.kind === 'principal') return principal(n.id, handles);
  return mention(n.id);
}

/** A user-facing sentence (or plain text) as mrkdwn: text escaped, names as mentions, handles and channel links. */
export function renderSentence(s: Sentence | string, handles: Handles = NO_HANDLES): string {
  if (typeof s === 'string') return escapeText(s);
  return s.map((p) => (typeof p === 'string' ? escapeText(p) : nameText(p, handles))).join('');
}

const UNITS: Array<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/** A duration as its two largest units: "3h 12m", "4m 5s", "2d 1h"; under a second is "0s". */
export function formatDuration(ms: number): string {
  let rest = Math.floor(Math.abs(ms));
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    if (parts.length === 2) break;
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || parts.length > 0) parts.push(`${n}${unit}`);
  }
  // "3h 0m" reads worse than "3h".
  const trimmed = parts.length === 2 && parts[1]?.startsWith('0') ? [parts[0] as string] : parts;
  return trimmed.length === 0 ? '0s' : trimmed.join(' ');
}

/** How long ago (`ms` = now − then): "3h 12m ago", "just now"; negative ages are the future: "in 5h". */
export function formatAge(ms: number): string {
  if (Math.abs(ms) < 60_000) return ms >= 0 ? 'just now' : 'in under a minute';
  // Minutes are the finest unit worth reading for ages.
  const rounded = Math.floor(Math.abs(ms) / 60_000) * 60_000;
  return ms >= 0 ? `${formatDuration(rounded)} ago` : `in ${formatDuration(rounded)}`;
}

/**
 * A moment as "2026-01-01 14:03 UTC". Always UTC and never Slack's `<!date^…>` token: the same text
 * in every client, the notification fallback and the logs, and nothing a reader must convert twice.
 */
export function formatTime(date: Date): string {
  if (Number.isNaN(date.getTime())) return 'unknown time';
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** One formatter for every count: `toLocaleString` builds a new one per call, which at tens of thousands of lines is most of a status view's time. */
const COUNT_FORMAT = new Intl.NumberFormat('en-US');

/** A count with thousands separators: 10000 → "10,000". */
export function formatCount(n: number): string {
  return COUNT_FORMAT.format(n);
}

/** "1 instance", "10,000 instances"; pass `pluralWord` for irregular plurals ("1 patch", "2 patches"). */
export function plural(n: number, word: string, pluralWord?: string): string {
  return `${formatCount(n)} ${n === 1 ? word : (pluralWord ?? `${word}s`)}`;
}

/**
 * Shortens to at most `max` characters, ending with "…". Works on raw text and on mrkdwn: it never
 * cuts inside an entity (`&amp;`), a Slack token (`<@U…>`) or a surrogate pair, so a cut cannot
 * leave half a mention or a garbled character.
 */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 0) return '';
  if (max === 1) return '…';
  let cut = max - 1;
  const head = s.slice(0, cut);
  const amp = head.lastIndexOf('&');
  if (amp >= 0 && !head.slice(amp).includes(';') && /^&(?:amp|lt|gt);/.test(s.slice(amp))) cut = amp;
  const lt = s.slice(0, cut).lastIndexOf('<');
  if (lt >= 0 && !s.slice(lt, cut).includes('>')) cut = lt;
  const code = s.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${s.slice(0, cut).trimEnd()}…`;
}
