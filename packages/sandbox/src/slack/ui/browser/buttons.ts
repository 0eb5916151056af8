/** A message button: opens its link, asks first when it carries "confirm", and sends the click. */
import type { UiElement } from '../state-types';
import { act, type BlockCtx } from './actions';
import { openConfirm } from './confirm';
import { el } from './dom';
import { plain } from './mrkdwn';

/** A button element as a clickable button. */
export function onButton(b: UiElement, ctx: BlockCtx): HTMLButtonElement {
  const btn = el('button', `btn${b.style ? ` ${b.style}` : ''}`, plain(b.text) || b.action_id);
  btn.type = 'button';
  btn.addEventListener('click', () => {
    if (b.url && /^https?:\/\//i.test(b.url)) window.open(b.url, '_blank', 'noopener');
    if (b.confirm) openConfirm(b, b.confirm, ctx, btn);
    else act(b, ctx);
  });
  return btn;
}
