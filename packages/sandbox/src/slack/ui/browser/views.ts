/** The open modal, if any, as the user sees it: its blocks, its inputs (kept across redraws) and its submission. */
import type { UiElement, UiModal } from '../state-types';
import { isBlock, renderBlocks } from './blocks';
import { $, el } from './dom';
import { plain } from './mrkdwn';
import { answer, ask, failed, post } from './requests';
import { hooks, session } from './session';

type Field = HTMLInputElement | HTMLTextAreaElement;

let modalInputs: Record<string, Field> = {};
let modalClose: (() => void) | null = null;
let modalFocus: HTMLElement | null = null;

/** What Escape in the modal does: close it; null when none is open. */
export function modalCloser(): (() => void) | null {
  return modalClose;
}

/** Shows the open modal (rebuilt only when it or its errors changed), or hides the box; hidden while a confirm dialog is up. */
export function renderModal(): void {
  const box = $('modal');
  const m = session.state?.modal;
  if (!m || session.confirmOpen) {
    box.hidden = true;
    box.style.display = 'none';
    if (!m) {
      box.removeAttribute('data-id');
      box.textContent = '';
      box.setAttribute('aria-label', '');
      modalInputs = {};
      modalClose = null;
    }
    return;
  }
  const id = `${m.id}:${JSON.stringify(m.errors)}`;
  if (box.getAttribute('data-id') !== id) {
    box.setAttribute('data-id', id);
    buildModal(box, m);
  }
  box.hidden = false;
  box.style.display = 'flex';
  modalFocus?.focus();
  modalFocus = null;
}

/** Builds the modal's card; what the person typed survives a rebuild (after errors come back). */
function buildModal(box: HTMLElement, m: UiModal): void {
  const old: Record<string, string> = {};
  for (const [k, field] of Object.entries(modalInputs)) old[k] = field.value;
  const title = plain(m.view.title) || 'Dialog';
  box.setAttribute('aria-label', title);
  box.textContent = '';
  const card = el('div', 'dialog');
  const head = el('div', 'dhead');
  head.appendChild(el('h2', 'title', title));
  const x = el('button', 'x', '×');
  x.type = 'button';
  x.setAttribute('aria-label', 'Close');
  head.appendChild(x);
  card.appendChild(head);
  const body = el('div', 'dbody');
  const inputs: Record<string, Field> = {};
  let first: Field | null = null;
  for (const b of m.view.blocks || []) {
    if (!isBlock(b, 'input')) {
      body.appendChild(renderBlocks([b], { ts: '' }));
      continue;
    }
    const e: Partial<UiElement> = b.element || {};
    const key = String(e.action_id || b.block_id);
    const field: Field = e.multiline ? el('textarea') : el('input');
    field.id = `in-${key}`;
    if (e.placeholder) field.placeholder = plain(e.placeholder);
    if (e.max_length) field.maxLength = e.max_length;
    field.value = old[key] || e.initial_value || '';
    const label = el('label', '', plain(b.label));
    label.htmlFor = field.id;
    if (b.optional && !/optional/i.test(plain(b.label))) label.appendChild(el('span', 'opt', ' (optional)'));
    body.appendChild(label);
    body.appendChild(field);
    if (b.hint) body.appendChild(el('div', 'hintline', plain(b.hint)));
    const error = b.block_id === undefined ? undefined : m.errors[b.block_id];
    if (error) body.appendChild(el('div', 'err', error));
    inputs[key] = field;
    first = first || field;
  }
  card.appendChild(body);
  const foot = el('div', 'dfoot');
  const cancel = el('button', 'btn big', plain(m.view.close) || 'Cancel');
  cancel.type = 'button';
  const close = (): void => {
    post('/_ui/view-close', { viewId: m.id }).then(() => hooks.poll(), failed);
  };
  cancel.addEventListener('click', close);
  x.addEventListener('click', close);
  foot.appendChild(cancel);
  const submitText = plain(m.view.submit);
  if (m.view.submit) {
    const submit = el('button', 'btn big primary', submitText);
    submit.type = 'button';
    submit.addEventListener('click', () => {
      const values: Record<string, string> = {};
      for (const [k, field] of Object.entries(inputs)) values[k] = field.value;
      const n = ask(`sending ${submitText}...`);
      post('/_ui/view', { userId: session.userId, viewId: m.id, inputs: values }).then((r) => {
        answer(r, submitText, n);
        hooks.poll();
      }, failed);
    });
    foot.appendChild(submit);
  }
  card.appendChild(foot);
  box.appendChild(card);
  modalInputs = inputs;
  modalClose = close;
  modalFocus = first || cancel;
}
