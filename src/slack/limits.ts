/**
 * Slack's message limits and the helpers that keep views inside them for any fleet size. Views
 * cap their own lists (`listWithMore`, `chunkLines`); `fitMessage` is the last line of defense that
 * trims a message that is still too big, because a trimmed answer beats Slack's `invalid_blocks`.
 */
import type { KnownBlock } from '@slack/types';
import { PatchbotError } from '../errors';
import { formatCount, truncate } from './mrkdwn';
import type { SlackMessage } from './views/message';

/** Slack's documented Block Kit limits for messages. */
export const SLACK_LIMITS = {
  messageBlocks: 50,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  actionsElements: 25,
  contextElements: 10,
  contextElementText: 3000,
  /** A message's top-level `text` (the notification fallback when blocks are present). */
  messageText: 40000,
} as const;

/**
 * Our ceiling for a message's total block text. Slack refuses some messages with
 * `msg_blocks_too_long` from about 13,000 characters, below every documented per-block limit.
 */
export const MESSAGE_TEXT_BUDGET = 10_000;

/** A notification fallback is read in a banner: keep it to a sentence or two. */
export const FALLBACK_TEXT_MAX = 500;

/** A text chunk for thread detail: a section's limit minus room for our own wrapping. */
export const SECTION_CHUNK_CHARS = 2_900;

/** What `listWithMore` shows and how many lines it left out. */
export interface ListWithMore {
  text: string;
  shown: number;
  hidden: number;
}

/** Options for `listWithMore`; `more` words the last line (default "…and N more"). */
export interface ListOptions {
  maxChars: number;
  maxLines: number;
  more?: (hidden: number) => string;
}

/** The default last line of a capped list. */
export function andMore(hidden: number): string {
  return `…and ${formatCount(hidden)} more`;
}

/**
 * Joins as many lines as fit in `maxChars` and `maxLines`, ending with "…and N more" when some are
 * left out, so a 10,000-line list renders as its first lines plus one honest count.
 */
export function listWithMore(lines: readonly string[], options: ListOptions): ListWithMore {
  const more = options.more ?? andMore;
  const all = lines.join('\n');
  if (lines.length <= options.maxLines && all.length <= options.maxChars)
    return { text: all, shown: lines.length, hidden: 0 };
  // Reserve room for the longest "more" line this list could need.
  const budget = options.maxChars - more(lines.length).length - 1;
  const shown: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (shown.length >= options.maxLines) break;
    const fitted = truncate(line, Math.max(0, budget));
    const cost = fitted.length + (shown.length > 0 ? 1 : 0);
    if (fitted === '' || used + cost > budget) break;
    shown.push(fitted);
    used += cost;
  }
  const hidden = lines.length - shown.length;
  const text = hidden === 0 ? shown.join('\n') : [...shown, more(hidden)].join('\n');
  return { text: truncate(text, options.maxChars), shown: shown.length, hidden };
}

/** Packs items into groups whose joined text (one item a line) is at most `maxChars`; an oversized item is truncated. */
export function chunkItems(items: readonly string[], maxChars: number): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let used = 0;
  for (const raw of items) {
    const item = truncate(raw, maxChars);
    if (current.length > 0 && used + 1 + item.length > maxChars) {
      chunks.push(current);
      current = [];
      used = 0;
    }
    used += (current.length > 0 ? 1 : 0) + item.length;
    current.push(item);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Packs lines into texts of at most `maxChars` (a line longer than that is truncated), in order, for thread detail. */
export function chunkLines(lines: readonly string[], maxChars: number): string[] {
  return chunkItems(lines, maxChars).map((c) => c.join('\n'));
}

/** Total characters of every `text` string in the blocks: the measure behind `msg_blocks_too_long`. */
export function blocksTextLength(blocks: readonly unknown[]): number {
  let total = 0;
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) {
      for (const [k, child] of Object.entries(v)) {
        if (k === 'text' && typeof child === 'string') total += child.length;
        else walk(child);
      }
    }
  };
  walk(blocks);
  return total;
}

type TextObject = { type: string; text: string };
type AnyBlock = Record<string, unknown> & { type: string };

const isText = (v: unknown): v is TextObject =>
  typeof v === 'object' && v !== null && typeof (v as TextObject).text === 'string';

/** Every limit the blocks break, one sentence each; empty when Slack would accept them. */
export function limitProblems(blocks: readonly KnownBlock[]): string[] {
  const problems: string[] = [];
  const L = SLACK_LIMITS;
  if (blocks.length > L.messageBlocks) problems.push(`${blocks.length} blocks (at most ${L.messageBlocks})`);
  const over = (where: string, t: unknown, max: number): void => {
    if (isText(t) && t.text.length > max) problems.push(`${where}: ${t.text.length} characters (at most ${max})`);
    if (isText(t) && t.text.length === 0) problems.push(`${where}: empty text`);
  };
  (blocks as unknown as AnyBlock[]).forEach((b, i) => {
    const at = `block ${i} (${b.type})`;
    if (b.type === 'header') over(at, b.text, L.headerText);
    if (b.type === 'section') {
      over(at, b.text, L.sectionText);
      const fields = Array.isArray(b.fields) ? (b.fields as unknown[]) : [];
      if (fields.length > L.sectionFields) problems.push(`${at}: ${fields.length} fields (at most ${L.sectionFields})`);
      fields.forEach((f, j) => {
        over(`${at} field ${j}`, f, L.fieldText);
      });
    }
    if (b.type === 'context') {
      const elements = Array.isArray(b.elements) ? (b.elements as unknown[]) : [];
      if (elements.length > L.contextElements)
        problems.push(`${at}: ${elements.length} elements (at most ${L.contextElements})`);
      elements.forEach((e, j) => {
        over(`${at} element ${j}`, e, L.contextElementText);
      });
    }
    if (b.type === 'actions') {
      const elements = Array.isArray(b.elements) ? (b.elements as Array<Record<string, unknown>>) : [];
      if (elements.length > L.actionsElements)
        problems.push(`${at}: ${elements.length} elements (at most ${L.actionsElements})`);
      elements.forEach((e, j) => {
        over(`${at} element ${j}`, e.text, L.buttonText);
        if (typeof e.value === 'string' && e.value.length > L.buttonValue)
          problems.push(`${at} element ${j}: value of ${e.value.length} characters (at most ${L.buttonValue})`);
      });
    }
  });
  const total = blocksTextLength(blocks);
  if (total > MESSAGE_TEXT_BUDGET)
    problems.push(`${formatCount(total)} characters of block text (budget ${formatCount(MESSAGE_TEXT_BUDGET)})`);
  return problems;
}

/** Throws when the blocks break a Slack limit or our text budget; for tests and development checks. */
export function assertWithinLimits(blocks: readonly KnownBlock[]): void {
  const problems = limitProblems(blocks);
  if (problems.length > 0) throw new PatchbotError('INTERNAL', `Slack message over its limits: ${problems.join('; ')}`);
}

/** Marks text that `fitMessage` had to cut, so a reader knows the message is incomplete. */
export const TRIMMED = '…(trimmed)';

/** Cuts mrkdwn at a line boundary when it can (our lines are self-contained) and closes an open code block. */
function trimMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = max - TRIMMED.length - 5;
  let head = text.slice(0, Math.max(0, room));
  const nl = head.lastIndexOf('\n');
  if (nl > room / 2) head = head.slice(0, nl);
  else head = truncate(head, Math.max(0, room)).replace(/…$/, '');
  const fence = (head.match(/```/g) ?? []).length % 2 === 1 ? '\n```' : '';
  return `${head}${fence}\n${TRIMMED}`;
}

/** A copy of the text object cut to `max` characters. */
function fitText<T>(t: T, max: number): T {
  if (!isText(t) || t.text.length <= max) return t;
  return { ...t, text: t.type === 'plain_text' ? truncate(t.text, max) : trimMrkdwn(t.text, max) };
}

function fitBlock(block: AnyBlock): AnyBlock {
  const L = SLACK_LIMITS;
  const b: AnyBlock = { ...block };
  if (b.type === 'header') b.text = fitText(b.text, L.headerText);
  if (b.type === 'section') {
    if (b.text !== undefined) b.text = fitText(b.text, L.sectionText);
    if (Array.isArray(b.fields))
      b.fields = (b.fields as unknown[]).slice(0, L.sectionFields).map((f) => fitText(f, L.fieldText));
  }
  if (b.type === 'context' && Array.isArray(b.elements)) {
    b.elements = (b.elements as unknown[]).slice(0, L.contextElements).map((e) => fitText(e, L.contextElementText));
  }
  if (b.type === 'actions' && Array.isArray(b.elements)) {
    b.elements = (b.elements as Array<Record<string, unknown>>).slice(0, L.actionsElements).map((e) => ({
      ...e,
      ...(e.text !== undefined ? { text: fitText(e.text, L.buttonText) } : {}),
      ...(typeof e.value === 'string' ? { value: e.value.slice(0, L.buttonValue) } : {}),
    }));
  }
  return b;
}

/** The text objects whose length can give way when the whole message is over budget: section texts and fields. */
function shrinkable(blocks: AnyBlock[]): Array<{ get: () => TextObject; set: (t: TextObject) => void }> {
  const out: Array<{ get: () => TextObject; set: (t: TextObject) => void }> = [];
  blocks.forEach((b) => {
    if (b.type !== 'section') return;
    if (isText(b.text)) out.push({ get: () => b.text as TextObject, set: (t) => (b.text = t) });
    if (Array.isArray(b.fields)) {
      const fields = b.fields as TextObject[];
      fields.forEach((_, i) => {
        out.push({
          get: () => fields[i] as TextObject,
          set: (t) => {
            fields[i] = t;
          },
        });
      });
    }
  });
  return out;
}

/**
 * Returns the message trimmed to Slack's limits and our text budget (thread replies too). Views
 * should never need it; when it does trim, `onTrim` hears what, so the view can be fixed.
 */
export function fitMessage(message: SlackMessage, onTrim?: (problems: string[]) => void): SlackMessage {
  const problems = limitProblems(message.blocks);
  let blocks = message.blocks;
  if (problems.length > 0) {
    onTrim?.(problems);
    let fitted = (message.blocks as unknown as AnyBlock[]).map(fitBlock);
    if (fitted.length > SLACK_LIMITS.messageBlocks) {
      const dropped = fitted.length - (SLACK_LIMITS.messageBlocks - 1);
      fitted = [
        ...fitted.slice(0, SLACK_LIMITS.messageBlocks - 1),
        {
          type: 'context',
          elements: [{ type: 'mrkdwn', text: `${TRIMMED} ${formatCount(dropped)} more blocks not shown` }],
        },
      ];
    }
    // Shrink the longest text first until the whole message fits the budget.
    for (let guard = 0; blocksTextLength(fitted) > MESSAGE_TEXT_BUDGET && guard < 100; guard++) {
      const excess = blocksTextLength(fitted) - MESSAGE_TEXT_BUDGET;
      const longest = shrinkable(fitted).sort((a, b) => b.get().text.length - a.get().text.length)[0];
      if (!longest || longest.get().text.length <= 200) break;
      const t = longest.get();
      longest.set({ ...t, text: trimMrkdwn(t.text, Math.max(200, t.text.length - excess)) });
    }
    blocks = fitted as unknown as KnownBlock[];
  }
  // With blocks, `text` is only the notification fallback; without, it is the message itself.
  const text = truncate(message.text, blocks.length > 0 ? FALLBACK_TEXT_MAX : SLACK_LIMITS.messageText);
  const thread = message.thread?.map((m) => fitMessage(m, onTrim));
  return { text, blocks, ...(thread ? { thread } : {}) };
}
