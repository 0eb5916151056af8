/**
 * The demo page's script (bundled by page.ts): polls `/_ui/state`, keeps the page up to date
 * without rebuilding unchanged messages, and acts as the selected user through the composer,
 * message buttons (with in-page confirm dialogs) and view modals.
 */
import type { UiState } from '../state-types';
import { onComposerKey, onComposerSubmit } from './composer';
import { confirmCanceller } from './confirm';
import { $ } from './dom';
import { renderLog } from './log';
import { failed } from './requests';
import { hooks, session } from './session';
import { renderApps, renderHome } from './home';
import { renderHead, renderSide, switchUser } from './side';
import { modalCloser, renderModal } from './views';

/** Draws the whole page from a new state. */
function render(state: UiState): void {
  renderSide(state);
  renderApps(state);
  renderHead(state);
  if (!session.home) renderLog(state);
  renderHome(state);
  renderModal();
}

/** Fetches the state as the selected user sees the selected channel, and redraws when it changed. */
function poll(): Promise<void> {
  const q = new URLSearchParams({ channel: session.channelId, user: session.userId });
  return fetch(`/_ui/state?${q.toString()}`, { cache: 'no-store' })
    .then((r) => r.text())
    .then((text) => {
      if (text === session.lastJson) return;
      session.lastJson = text;
      const state: UiState = JSON.parse(text);
      session.state = state;
      if (state.channel) session.channelId = state.channel.id;
      if (state.user) session.userId = state.user.id;
      render(state);
    })
    .catch(failed);
}

/** Tab stays inside an open dialog, as in Slack. */
function trapTab(ev: KeyboardEvent, box: HTMLElement): void {
  if (ev.key !== 'Tab') return;
  const f = Array.from(box.querySelectorAll<HTMLElement>('button, input, textarea, select, a[href]')).filter(
    (n) => !('disabled' in n && n.disabled),
  );
  const first = f[0];
  const last = f[f.length - 1];
  if (!first || !last) return;
  if (ev.shiftKey && document.activeElement === first) {
    last.focus();
    ev.preventDefault();
  } else if (!ev.shiftKey && document.activeElement === last) {
    first.focus();
    ev.preventDefault();
  }
}

hooks.poll = poll;
hooks.renderModal = renderModal;

$('users').addEventListener('change', () => switchUser($('users').value));
$('confirm').addEventListener('keydown', (ev) => {
  const cancel = confirmCanceller();
  if (ev.key === 'Escape' && cancel) cancel();
  else trapTab(ev, $('confirm'));
});
$('confirm').addEventListener('click', (ev) => {
  const cancel = confirmCanceller();
  if (ev.target === $('confirm') && cancel) cancel();
});
$('modal').addEventListener('keydown', (ev) => {
  const close = modalCloser();
  if (ev.key === 'Escape' && close) close();
  else trapTab(ev, $('modal'));
});
$('input').addEventListener('keydown', onComposerKey);
$('composer-form').addEventListener('submit', onComposerSubmit);
poll();
setInterval(poll, 1000);
