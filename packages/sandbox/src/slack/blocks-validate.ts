/**
 * Block Kit validation, as far as Slack's documented limits go: block and element types, required
 * fields, lengths and counts. Problems come back in Slack's own wording style, each with a JSON
 * pointer (`[ERROR] must be at most 3000 characters [json-pointer:/blocks/0/text/text]`).
 */
import { isJsonObject, type Json, type JsonObject, type SlackBlock } from './types';
import { Checker, LIMITS, type BlockIssue, type BlocksVerdict, type Surface } from './blocks-checker';

export { LIMITS, issueMessages, type BlockIssue, type BlocksVerdict, type Surface } from './blocks-checker';

const INTERACTIVE = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'timepicker',
  'overflow',
  'radio_buttons',
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
  'plain_text_input',
  'email_text_input',
  'url_text_input',
  'number_input',
  'rich_text_input',
  'workflow_button',
]);
const ACCESSORY = new Set([...INTERACTIVE, 'image']);
const INPUT_ELEMENTS = new Set(
  [...INTERACTIVE].filter((t) => t !== 'button' && t !== 'overflow' && t !== 'workflow_button'),
);

const MESSAGE_BLOCKS = new Set([
  'section',
  'header',
  'divider',
  'context',
  'actions',
  'image',
  'rich_text',
  'markdown',
  'video',
  'file',
]);
const MODAL_BLOCKS = new Set([...MESSAGE_BLOCKS, 'input']);

function checkBlock(c: Checker, block: Json, pointer: string, surface: Surface): void {
  if (!isJsonObject(block) || typeof block.type !== 'string') {
    c.fail(pointer, 'must be a block object with a type');
    return;
  }
  // Home tabs take the blocks modals take (input included).
  const allowed = surface === 'message' ? MESSAGE_BLOCKS : MODAL_BLOCKS;
  if (!allowed.has(block.type)) {
    c.fail(`${pointer}/type`, `block type ${block.type} is not allowed in a ${surface}`);
    return;
  }
  c.optionalString(block.block_id, `${pointer}/block_id`, LIMITS.blockId);
  switch (block.type) {
    case 'section': {
      if (block.text === undefined && block.fields === undefined) c.fail(pointer, 'must provide text or fields');
      if (block.text !== undefined) c.text(block.text, `${pointer}/text`, LIMITS.sectionText);
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length === 0)
          c.fail(`${pointer}/fields`, 'must be a non-empty array');
        else {
          if (block.fields.length > LIMITS.sectionFields)
            c.fail(`${pointer}/fields`, `must have at most ${LIMITS.sectionFields} items`);
          block.fields.forEach((f, i) => {
            c.text(f, `${pointer}/fields/${i}`, LIMITS.fieldText);
          });
        }
      }
      if (block.accessory !== undefined) c.element(block.accessory, `${pointer}/accessory`, ACCESSORY);
      break;
    }
    case 'header':
      c.text(block.text, `${pointer}/text`, LIMITS.headerText, ['plain_text']);
      break;
    case 'divider':
      break;
    case 'context': {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0) {
        c.fail(`${pointer}/elements`, 'must be a non-empty array');
        break;
      }
      if (elements.length > LIMITS.contextElements)
        c.fail(`${pointer}/elements`, `must have at most ${LIMITS.contextElements} items`);
      elements.forEach((e, i) => {
        if (isJsonObject(e) && e.type === 'image') c.imageFields(e, `${pointer}/elements/${i}`);
        else c.text(e, `${pointer}/elements/${i}`, LIMITS.sectionText);
      });
      break;
    }
    case 'actions': {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0) {
        c.fail(`${pointer}/elements`, 'must be a non-empty array');
        break;
      }
      if (elements.length > LIMITS.actionsElements)
        c.fail(`${pointer}/elements`, `must have at most ${LIMITS.actionsElements} items`);
      const seen = new Set<string>();
      elements.forEach((e, i) => {
        const id = c.element(e, `${pointer}/elements/${i}`, INTERACTIVE);
        if (id !== undefined) {
          if (seen.has(id)) c.fail(`${pointer}/elements/${i}/action_id`, `duplicate action_id ${id} in the block`);
          seen.add(id);
        }
      });
      break;
    }
    case 'image':
      c.imageFields(block, pointer);
      if (block.title !== undefined) c.text(block.title, `${pointer}/title`, LIMITS.imageAltText, ['plain_text']);
      break;
    case 'markdown':
      if (typeof block.text !== 'string' || block.text.length === 0) c.fail(`${pointer}/text`, 'is required');
      else c.optionalString(block.text, `${pointer}/text`, LIMITS.markdownBlockText);
      break;
    case 'rich_text':
      if (!Array.isArray(block.elements)) c.fail(`${pointer}/elements`, 'must be an array');
      break;
    case 'input':
      c.text(block.label, `${pointer}/label`, LIMITS.inputLabel, ['plain_text']);
      if (block.hint !== undefined) c.text(block.hint, `${pointer}/hint`, LIMITS.inputLabel, ['plain_text']);
      if (block.optional !== undefined && typeof block.optional !== 'boolean')
        c.fail(`${pointer}/optional`, 'must be a boolean');
      c.element(block.element, `${pointer}/element`, INPUT_ELEMENTS);
      break;
    default:
      break;
  }
}

/** Decodes `blocks` as it arrives (a JSON string from form bodies, an array from JSON bodies) and validates it. */
export function validateBlocks(raw: unknown, surface: Surface = 'message', basePointer = '/blocks'): BlocksVerdict {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return {
        ok: false,
        error: 'invalid_blocks_format',
        issues: [{ pointer: basePointer, message: 'must be a JSON array' }],
      };
    }
  }
  if (!Array.isArray(value)) {
    return {
      ok: false,
      error: 'invalid_blocks_format',
      issues: [{ pointer: basePointer, message: 'must be an array' }],
    };
  }
  const c = new Checker();
  const max = surface === 'modal' ? LIMITS.modalBlocks : surface === 'home' ? LIMITS.homeBlocks : LIMITS.messageBlocks;
  if (value.length > max) c.fail(basePointer, `must have at most ${max} items`);
  const blockIds = new Set<string>();
  (value as Json[]).forEach((block, i) => {
    checkBlock(c, block, `${basePointer}/${i}`, surface);
    if (isJsonObject(block) && typeof block.block_id === 'string') {
      if (blockIds.has(block.block_id)) c.fail(`${basePointer}/${i}/block_id`, `duplicate block_id ${block.block_id}`);
      blockIds.add(block.block_id);
    }
  });
  if (c.issues.length > 0) return { ok: false, error: 'invalid_blocks', issues: c.issues };
  return { ok: true, blocks: value as SlackBlock[] };
}

/** The outcome of validating a modal view. */
export type ViewVerdict = { ok: true; view: JsonObject } | { ok: false; issues: BlockIssue[] };

/** A view argument as an object: Web API form posts send it as JSON text, JSON bodies as an object. */
function viewObject(raw: unknown): JsonObject | undefined {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return undefined;
    }
  }
  return isJsonObject(value) ? value : undefined;
}

/** Validates a modal view (views.open / views.update): type, title, buttons, blocks, metadata. */
export function validateView(raw: unknown): ViewVerdict {
  const value = viewObject(raw);
  if (!value) return { ok: false, issues: [{ pointer: '/view', message: 'must be a JSON object' }] };
  const c = new Checker();
  if (value.type !== 'modal') c.fail('/view/type', 'must be modal');
  c.text(value.title, '/view/title', LIMITS.modalTitle, ['plain_text']);
  if (value.submit !== undefined) c.text(value.submit, '/view/submit', LIMITS.modalButton, ['plain_text']);
  if (value.close !== undefined) c.text(value.close, '/view/close', LIMITS.modalButton, ['plain_text']);
  c.optionalString(value.private_metadata, '/view/private_metadata', LIMITS.privateMetadata);
  c.optionalString(value.callback_id, '/view/callback_id', LIMITS.callbackId);
  const blocks = validateBlocks(value.blocks ?? null, 'modal', '/view/blocks');
  if (!blocks.ok) c.issues.push(...blocks.issues);
  else if (value.submit === undefined && blocks.blocks.some((b) => b.type === 'input')) {
    c.fail('/view/submit', 'is required when the view has input blocks');
  }
  if (c.issues.length > 0) return { ok: false, issues: c.issues };
  return { ok: true, view: value };
}

/** Total characters of text across blocks (every `text` string), Slack's hidden `msg_blocks_too_long` measure. */
export function blocksTextLength(blocks: readonly Json[]): number {
  let total = 0;
  const walk = (v: Json): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isJsonObject(v)) {
      for (const [k, child] of Object.entries(v)) {
        if (k === 'text' && typeof child === 'string') total += child.length;
        else walk(child);
      }
    }
  };
  blocks.forEach(walk);
  return total;
}

/**
 * A Home tab view as views.publish takes it (Slack's "Home tab views" reference): `type: home`, at
 * most 100 blocks checked as any blocks are; optional private_metadata, callback_id, external_id.
 */
export function validateHomeView(raw: unknown): ViewVerdict {
  const value = viewObject(raw);
  if (!value) return { ok: false, issues: [{ pointer: '/view', message: 'must be a JSON object' }] };
  const c = new Checker();
  if (value.type !== 'home') c.fail('/view/type', 'must be home');
  c.optionalString(value.private_metadata, '/view/private_metadata', LIMITS.privateMetadata);
  c.optionalString(value.callback_id, '/view/callback_id', LIMITS.callbackId);
  const blocks = validateBlocks(value.blocks ?? null, 'home', '/view/blocks');
  if (!blocks.ok) c.issues.push(...blocks.issues);
  if (c.issues.length > 0) return { ok: false, issues: c.issues };
  return { ok: true, view: value };
}
