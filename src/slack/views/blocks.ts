/**
 * The pieces every view is built from: escaped headers, capped sections, field grids, the footer
 * context, scope failures, instance labels, and thread detail chunked under Slack's limits. Views
 * compose these so that limits and escaping are handled once, here.
 */
import type { KnownBlock } from '@slack/types';
import { BlockCollection, Blocks, type BlockBuilder } from 'slack-block-builder';
import type { Verdict } from '../../patching/verdict';
import type { InstanceLine, ScopeFailure, SeverityCounts } from '../../patching/record-schemas';
import { SECTION_CHUNK_CHARS, SLACK_LIMITS, chunkItems, fitMessage, listWithMore, type ListOptions } from '../limits';
import { bold, code, escapeText, formatCount, oneLine, plural, truncate } from '../mrkdwn';
import type { SlackMessage } from './message';

/** A block, nothing (a conditional part), or a list of them. */
export type Part = BlockBuilder | undefined | Part[];

/** Caps for a list inside a main message: a glance, not an inventory (the thread has the rest). */
export const GLANCE: ListOptions = { maxChars: 1_800, maxLines: 15 };

/** Caps for a short secondary list (unreachable, stale, failures). */
export const SHORT: ListOptions = { maxChars: 1_200, maxLines: 8 };

/** Thread replies per detail list: enough for any fleet a person reads line by line. */
export const DETAIL_MAX_MESSAGES = 6;

/** Section chunks per thread reply: three of ~2,900 stay well under the ~13,000 Slack refuses. */
const CHUNKS_PER_MESSAGE = 3;

/** Builds the parts (skipping the absent ones) into Block Kit JSON. */
export function blocks(...parts: Part[]): KnownBlock[] {
  const flat = (parts as unknown[]).flat(Infinity).filter((p): p is BlockBuilder => p !== undefined);
  // The builder's DTOs are Block Kit JSON; its types are its own, so they are cast once, here.
  return BlockCollection(...flat) as unknown as KnownBlock[];
}

/** Finishes a view: the last line of defense trims anything still over a limit. */
export function message(text: string, blockList: KnownBlock[], thread?: SlackMessage[]): SlackMessage {
  return fitMessage({ text, blocks: blockList, ...(thread && thread.length > 0 ? { thread } : {}) });
}

/** A header from raw text: escaped, one line, within 150 characters. */
export function header(raw: string): BlockBuilder {
  return Blocks.Header({ text: truncate(escapeText(oneLine(raw)), SLACK_LIMITS.headerText) });
}

/** A divider between blocks that belong to different things. */
export function divider(): BlockBuilder {
  return Blocks.Divider();
}

/** The emoji of each verdict (patching/verdict.ts), the same on the card, in history and in the digest. */
export const VERDICT_EMOJI: Record<Verdict, string> = {
  pending: '⏳',
  running: '🔄',
  succeeded: '✅',
  problems: '⚠️',
  failed: '❌',
  notSent: '🛑',
  cancelled: '⏹️',
  rejected: '🚫',
  expired: '⌛',
  missed: '⏰',
  frozen: '🧊',
};

/** A mrkdwn section, or nothing when the text is empty. */
export function section(mrkdwn: string): BlockBuilder | undefined {
  return mrkdwn.trim() === '' ? undefined : Blocks.Section({ text: truncate(mrkdwn, SLACK_LIMITS.sectionText) });
}

/** Label-and-value fields, ten to a section as Slack allows. */
export function fieldSections(fields: Array<[label: string, value: string]>): BlockBuilder[] {
  const texts = fields.map(([label, value]) => truncate(`*${label}*\n${value}`, SLACK_LIMITS.fieldText));
  const out: BlockBuilder[] = [];
  for (let i = 0; i < texts.length; i += SLACK_LIMITS.sectionFields)
    out.push(Blocks.Section().fields(...texts.slice(i, i + SLACK_LIMITS.sectionFields)));
  return out;
}

/** The quiet footer line: parts joined with " · " in one context element. */
export function footer(...parts: Array<string | undefined>): BlockBuilder {
  const text = parts.filter((p): p is string => p !== undefined && p !== '').join(' · ');
  return Blocks.Context().elements(truncate(text, SLACK_LIMITS.contextElementText));
}

/** A titled list capped for the main message; the title is mrkdwn. */
export function listSection(
  title: string,
  lines: string[],
  options: ListOptions = GLANCE,
  more?: (hidden: number) => string,
): BlockBuilder | undefined {
  if (lines.length === 0) return undefined;
  const list = listWithMore(lines, { ...options, ...(more ? { more } : {}) });
  return section(`${title}\n${list.text}`);
}

/** "…and N more" pointing to the thread, for lists whose full version is posted there. */
export function moreInThread(hidden: number): string {
  return `…and ${formatCount(hidden)} more (see the thread)`;
}

/** "prod-eu · eu-west-1", escaped. */
export function scopeLabel(scope: string, region: string): string {
  return escapeText(`${scope} · ${region}`);
}

/** An instance as people know it: bold name, then id in code; the scope when the group spans several. */
export function instanceLabel(i: InstanceLine, withScope = false): string {
  const name = i.name && oneLine(i.name) !== '' ? `${bold(truncate(oneLine(i.name), 80))} ` : '';
  return `${name}${code(i.instanceId)}${withScope ? ` · ${scopeLabel(i.scope, i.region)}` : ''}`;
}

/** Whether instances come from more than one scope or region (then lines say which). */
export function spansScopes(items: readonly InstanceLine[]): boolean {
  const first = items[0];
  return first !== undefined && items.some((i) => i.scope !== first.scope || i.region !== first.region);
}

/** "Critical 2 · Security 3 · Other 1", or "none". */
export function severityText(counts: SeverityCounts): string {
  if (counts.critical + counts.security + counts.other === 0) return 'none';
  return `Critical ${formatCount(counts.critical)} · Security ${formatCount(counts.security)} · Other ${formatCount(counts.other)}`;
}

/**
 * Scopes that could not be read: what failed, where (with the group, when a view covers several),
 * and the error's own advice. The figures around it leave those scopes out, and the section says
 * so, so nobody mistakes a gap for "all clear". `heading` (mrkdwn) replaces that title where nothing is above.
 */
export function failuresSection(
  failures: ReadonlyArray<ScopeFailure & { group?: string | undefined }>,
  heading?: string,
): BlockBuilder | undefined {
  if (failures.length === 0) return undefined;
  const lines = failures.map(
    (f) =>
      `• ${f.group ? `${bold(f.group)} in ` : ''}${bold(`${f.scope} · ${f.region}`)}: ${escapeText(truncate(oneLine(f.message), 300))}`,
  );
  const title =
    heading ??
    `❌ *Could not read ${plural(failures.length, 'scope')}*, so ${failures.length === 1 ? 'it is' : 'they are'} not counted above:`;
  return listSection(title, lines, SHORT);
}

/** Options for a detail thread. */
export interface DetailOptions {
  maxMessages?: number;
  /** mrkdwn shown when lines were left out: where to find the rest. */
  hint?: string;
}

/**
 * A long list as thread replies (an item may span lines; it is never split): each reply holds up to three ~2,900-character sections under a
 * "title · 1–120 of 10,000" line. Past `maxMessages` the last reply says how many were left out
 * and where to find them, because 80 replies at Slack's 1 post/s would bury the thread.
 */
export function detailThread(title: string, items: readonly string[], options: DetailOptions = {}): SlackMessage[] {
  const maxMessages = options.maxMessages ?? DETAIL_MAX_MESSAGES;
  const chunks = chunkItems(items, SECTION_CHUNK_CHARS);
  const out: SlackMessage[] = [];
  let from = 0;
  for (let m = 0; m < maxMessages && m * CHUNKS_PER_MESSAGE < chunks.length; m++) {
    const mine = chunks.slice(m * CHUNKS_PER_MESSAGE, (m + 1) * CHUNKS_PER_MESSAGE);
    const n = mine.reduce((sum, c) => sum + c.length, 0);
    const range = `${formatCount(from + 1)}–${formatCount(from + n)} of ${formatCount(items.length)}`;
    from += n;
    const left = items.length - from;
    const note =
      m === maxMessages - 1 && left > 0
        ? `…and ${formatCount(left)} more not listed here.${options.hint ? ` ${options.hint}` : ''}`
        : undefined;
    out.push(
      message(
        `${escapeText(title)} (${range})`,
        blocks(
          section(`${bold(title)} · ${range}`),
          mine.map((c) => section(c.join('\n'))),
          note ? footer(note) : undefined,
        ),
      ),
    );
  }
  return out;
}
