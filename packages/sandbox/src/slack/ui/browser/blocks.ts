/** Block Kit blocks as DOM nodes: headers, sections, context, dividers, actions, markdown, rich text, images. */
import type { UiBlock, UiElement, UiKnownBlocks } from '../state-types';
import type { BlockCtx } from './actions';
import { onButton } from './buttons';
import { el } from './dom';
import { mrkdwn, plain, textObj } from './mrkdwn';
import { richText } from './rich-text';

/** Whether block `b` is of the drawn type `type`. */
export function isBlock<K extends keyof UiKnownBlocks>(b: UiBlock, type: K): b is UiKnownBlocks[K] {
  return b.type === type;
}

/** A block element: a button, an image, or a stub for what the demo does not make interactive. */
function element(x: UiElement, ctx: BlockCtx): HTMLElement {
  if (x.type === 'button') return onButton(x, ctx);
  if (x.type === 'image') {
    const img = el('span', 'ctx-img', '🖼');
    img.title = x.alt_text || 'image';
    img.setAttribute('aria-label', x.alt_text || 'image');
    return img;
  }
  const label =
    plain(x.placeholder) ||
    (x.initial_option && plain(x.initial_option.text)) ||
    (x.type === 'overflow' ? '⋯' : x.type);
  const stub = el('span', 'stub', label);
  stub.title = `${x.type} (not interactive in the demo)`;
  return stub;
}

/** A section: its text, its fields and its accessory. */
function section(b: UiKnownBlocks['section'], ctx: BlockCtx): HTMLElement {
  const d = el('div', 'block section');
  const main = el('div', 'main');
  if (b.text) main.appendChild(textObj(b.text));
  if (b.fields?.length) {
    const f = el('div', 'fields');
    for (const x of b.fields) f.appendChild(textObj(x));
    main.appendChild(f);
  }
  d.appendChild(main);
  if (b.accessory) {
    const acc = el('div', 'accessory');
    acc.appendChild(element(b.accessory, ctx));
    d.appendChild(acc);
  }
  return d;
}

/** One block as a node; `ctx.ts` is its message's (or `ctx.home` the Home tab's), for the buttons. */
function block(b: UiBlock, ctx: { ts: string; home?: boolean }): HTMLElement {
  const c: BlockCtx = { ts: ctx.ts, blockId: b.block_id, ...(ctx.home ? { home: true } : {}) };
  if (isBlock(b, 'header')) return el('div', 'block header', plain(b.text));
  if (isBlock(b, 'section')) return section(b, c);
  if (isBlock(b, 'context')) {
    const d = el('div', 'block context');
    for (const x of b.elements || []) d.appendChild(x.type === 'image' ? element(x, c) : textObj(x, 'span'));
    return d;
  }
  if (isBlock(b, 'divider')) return el('hr', 'block divider');
  if (isBlock(b, 'actions')) {
    const d = el('div', 'block actions');
    for (const x of b.elements || []) d.appendChild(element(x, c));
    return d;
  }
  if (isBlock(b, 'markdown')) {
    const d = el('div', 'block');
    d.appendChild(mrkdwn(b.text || ''));
    return d;
  }
  if (isBlock(b, 'rich_text')) return richText(b);
  if (isBlock(b, 'image')) {
    const d = el('div', 'block image', `🖼 ${plain(b.title) || b.alt_text || 'image'}`);
    d.title = b.alt_text || '';
    return d;
  }
  return el('div', 'block stub', `[${b.type} block]`);
}

/** A list of blocks, in one box. */
export function renderBlocks(blocks: UiBlock[] | undefined, ctx: { ts: string; home?: boolean }): HTMLElement {
  const box = el('div', 'blocks');
  for (const b of blocks || []) box.appendChild(block(b, ctx));
  return box;
}
