/** The in-page copy of Slack's confirm dialog, for buttons that carry "confirm" (never window.confirm). */
import type { UiConfirm, UiElement } from '../state-types';
import { act, type BlockCtx, buttonLabel } from './actions';
import { $, el } from './dom';
import { plain, textObj } from './mrkdwn';
import { ask } from './requests';
import { hooks, session } from './session';

let cancelConfirm: (() => void) | null = null;

/** What Escape or a click beside the open dialog does: cancel it; null when none is open. */
export function confirmCanceller(): (() => void) | null {
  return cancelConfirm;
}

/** Hides the dialog, shows the modal again if there is one, and gives focus back to the button. */
function closeConfirm(opener?: HTMLElement): void {
  const box = $('confirm');
  box.hidden = true;
  box.style.display = 'none';
  box.removeAttribute('role');
  box.textContent = '';
  session.confirmOpen = false;
  cancelConfirm = null;
  if (session.state) hooks.renderModal();
  opener?.focus();
}

/** Asks before sending button `b`'s click; its confirm button has the focus. */
export function openConfirm(b: UiElement, c: UiConfirm, ctx: BlockCtx, opener: HTMLElement): void {
  const box = $('confirm');
  const title = plain(c.title) || 'Are you sure?';
  box.textContent = '';
  box.setAttribute('role', 'dialog');
  box.setAttribute('aria-modal', 'true');
  box.setAttribute('aria-label', title);
  const card = el('div', 'dialog');
  const head = el('div', 'dhead');
  head.appendChild(el('h2', 'title', title));
  card.appendChild(head);
  const body = el('div', 'dbody');
  body.appendChild(textObj(c.text));
  card.appendChild(body);
  const foot = el('div', 'dfoot');
  const deny = el('button', 'btn big', plain(c.deny) || 'Cancel');
  deny.type = 'button';
  const cancel = (): void => {
    closeConfirm(opener);
    ask(`cancelled ${buttonLabel(b)}`);
  };
  cancelConfirm = cancel;
  deny.addEventListener('click', cancel);
  const yes = el('button', `btn big ${c.style === 'danger' ? 'danger' : 'primary'}`, plain(c.confirm) || 'Yes');
  yes.type = 'button';
  yes.addEventListener('click', () => {
    closeConfirm(opener);
    act(b, ctx);
  });
  foot.appendChild(deny);
  foot.appendChild(yes);
  card.appendChild(foot);
  box.appendChild(card);
  session.confirmOpen = true;
  hooks.renderModal();
  box.hidden = false;
  box.style.display = 'flex';
  yes.focus();
}
