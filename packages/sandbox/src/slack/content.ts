/**
 * Message content checks shared by chat.* and response_url: text or blocks present, text length,
 * Block Kit validity, and the hidden total-size limit (`msg_blocks_too_long`).
 */
import { LIMITS, blocksTextLength, issueMessages, validateBlocks } from './blocks-validate';
import { randomBytes } from 'node:crypto';
import { isJsonObject, type Json, type JsonObject, type SlackBlock } from './types';

/** Valid content, or the Slack error (with its detail) to answer. */
export type ContentVerdict =
  | { ok: true; text: string; blocks: SlackBlock[] }
  | { ok: false; error: string; detail?: JsonObject };

/** What the content checks need to know. */
export interface ContentOptions {
  /** `msg_blocks_too_long` threshold; 0 turns it off. */
  blocksTextLimit: number;
  /** Whether an absent text and absent blocks is allowed (chat.update keeps the old content). */
  allowEmpty?: boolean;
}

/** Checks `text` and `blocks` as a Slack message method receives them. */
export function checkContent(rawText: unknown, rawBlocks: unknown, options: ContentOptions): ContentVerdict {
  const text = typeof rawText === 'string' ? rawText : rawText === undefined || rawText === null ? '' : String(rawText);
  let blocks: SlackBlock[] = [];
  const hasBlocks = rawBlocks !== undefined && rawBlocks !== null && rawBlocks !== '';
  if (hasBlocks) {
    const verdict = validateBlocks(rawBlocks, 'message');
    if (!verdict.ok) {
      const messages = issueMessages(verdict.issues);
      return { ok: false, error: verdict.error, detail: { errors: messages, response_metadata: { messages } } };
    }
    blocks = withGeneratedIds(verdict.blocks);
  }
  if (text.trim() === '' && blocks.length === 0 && !options.allowEmpty) return { ok: false, error: 'no_text' };
  if (text.length > LIMITS.messageText) return { ok: false, error: 'msg_too_long' };
  if (options.blocksTextLimit > 0 && blocksTextLength(blocks) > options.blocksTextLimit) {
    return { ok: false, error: 'msg_blocks_too_long' };
  }
  return { ok: true, text, blocks };
}

/** A short random id like the ones Slack generates for blocks and elements sent without one. */
function generatedId(): string {
  return randomBytes(6).toString('base64url').slice(0, 5);
}

/**
 * Blocks as Slack stores them: every block gets a `block_id` and every interactive element an
 * `action_id` when the sender left them out, so interaction payloads always carry both.
 */
export function withGeneratedIds(blocks: SlackBlock[]): SlackBlock[] {
  return blocks.map((original) => {
    const block = structuredClone(original);
    if (typeof block.block_id !== 'string') block.block_id = generatedId();
    const elements: Json[] = [];
    if (Array.isArray(block.elements) && block.type === 'actions') elements.push(...block.elements);
    if (isJsonObject(block.accessory)) elements.push(block.accessory);
    if (isJsonObject(block.element)) elements.push(block.element);
    for (const e of elements) {
      if (isJsonObject(e) && e.type !== 'image' && typeof e.action_id !== 'string') e.action_id = generatedId();
    }
    return block;
  });
}
