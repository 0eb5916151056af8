/** Block Kit's documented limits, and the checker that collects issues (with JSON pointers) while a structure is walked. */
import { isJsonObject, type Json, type JsonObject, type SlackBlock } from './types';

/** Where Block Kit is being used; limits differ. */
export type Surface = 'message' | 'modal' | 'home';

/** Slack's documented limits. */
export const LIMITS = {
  messageBlocks: 50,
  modalBlocks: 100,
  homeBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  actionsElements: 25,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  actionId: 255,
  blockId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  markdownBlockText: 12000,
  imageAltText: 2000,
  inputLabel: 2000,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  /** A message's top-level `text`. */
  messageText: 40000,
} as const;

/** One problem found. */
export interface BlockIssue {
  pointer: string;
  message: string;
}

/** The outcome of validating blocks. */
export type BlocksVerdict =
  | { ok: true; blocks: SlackBlock[] }
  | { ok: false; error: 'invalid_blocks' | 'invalid_blocks_format'; issues: BlockIssue[] };

/** Formats issues the way Slack's `response_metadata.messages` does. */
export function issueMessages(issues: BlockIssue[]): string[] {
  return issues.map((i) => `[ERROR] ${i.message} [json-pointer:${i.pointer}]`);
}

/** Collects issues while walking a structure. */
export class Checker {
  readonly issues: BlockIssue[] = [];

  fail(pointer: string, message: string): void {
    this.issues.push({ pointer, message });
  }

  /** A text object; `kinds` restricts its type. Returns its text when well formed. */
  text(
    value: Json | undefined,
    pointer: string,
    max: number,
    kinds: ReadonlyArray<'plain_text' | 'mrkdwn'> = ['plain_text', 'mrkdwn'],
  ): string | undefined {
    if (!isJsonObject(value)) {
      this.fail(pointer, 'must be a text object');
      return undefined;
    }
    const type = value.type;
    if (typeof type !== 'string' || !(kinds as readonly string[]).includes(type)) {
      this.fail(`${pointer}/type`, `must be one of ${kinds.join(', ')}`);
      return undefined;
    }
    const text = value.text;
    if (typeof text !== 'string') {
      this.fail(`${pointer}/text`, 'must be a string');
      return undefined;
    }
    if (text.length < 1) this.fail(`${pointer}/text`, 'must be more than 0 characters');
    if (text.length > max) this.fail(`${pointer}/text`, `must be less than ${max + 1} characters`);
    return text;
  }

  /** An optional string with a maximum length. */
  optionalString(value: Json | undefined, pointer: string, max: number): void {
    if (value === undefined) return;
    if (typeof value !== 'string') this.fail(pointer, 'must be a string');
    else if (value.length > max) this.fail(pointer, `must be less than ${max + 1} characters`);
  }

  confirm(value: Json | undefined, pointer: string): void {
    if (value === undefined) return;
    if (!isJsonObject(value)) {
      this.fail(pointer, 'must be a confirmation dialog object');
      return;
    }
    this.text(value.title, `${pointer}/title`, LIMITS.confirmTitle, ['plain_text']);
    this.text(value.text, `${pointer}/text`, LIMITS.confirmText);
    this.text(value.confirm, `${pointer}/confirm`, LIMITS.confirmButton, ['plain_text']);
    this.text(value.deny, `${pointer}/deny`, LIMITS.confirmButton, ['plain_text']);
    if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger') {
      this.fail(`${pointer}/style`, 'must be primary or danger');
    }
  }

  /** An interactive element (in actions blocks, section accessories, input blocks). */
  element(value: Json | undefined, pointer: string, allowed: ReadonlySet<string>): string | undefined {
    if (!isJsonObject(value) || typeof value.type !== 'string') {
      this.fail(pointer, 'must be an element object with a type');
      return undefined;
    }
    const type = value.type;
    if (!allowed.has(type)) {
      this.fail(`${pointer}/type`, `element type ${type} is not allowed here`);
      return undefined;
    }
    this.optionalString(value.action_id, `${pointer}/action_id`, LIMITS.actionId);
    this.confirm(value.confirm, `${pointer}/confirm`);
    if (type === 'button') {
      this.text(value.text, `${pointer}/text`, LIMITS.buttonText, ['plain_text']);
      this.optionalString(value.value, `${pointer}/value`, LIMITS.buttonValue);
      this.optionalString(value.url, `${pointer}/url`, LIMITS.url);
      if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger') {
        this.fail(`${pointer}/style`, 'must be primary or danger');
      }
    } else if (type === 'image') {
      this.imageFields(value, pointer);
    }
    return typeof value.action_id === 'string' ? value.action_id : undefined;
  }

  imageFields(value: JsonObject, pointer: string): void {
    if (typeof value.image_url !== 'string' && !isJsonObject(value.slack_file))
      this.fail(`${pointer}/image_url`, 'is required');
    this.optionalString(value.image_url, `${pointer}/image_url`, LIMITS.url);
    if (typeof value.alt_text !== 'string') this.fail(`${pointer}/alt_text`, 'is required');
    else this.optionalString(value.alt_text, `${pointer}/alt_text`, LIMITS.imageAltText);
  }
}
