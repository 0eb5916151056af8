/**
 * The app's Home tab: an "Apps" entry in the sidebar opens it (sending `app_home_opened` for the
 * current person, as Slack does each time someone opens the tab), and the Home view the bot last
 * published for that person is drawn in place of the channel; its buttons click from the view.
 */
import type { UiState } from '../state-types';
import { renderBlocks } from './blocks';
import { $, el } from './dom';
import { nameOf } from './names';
import { failed, post } from './requests';
import { hooks, session, syncUrl } from './session';

/** Shows the Home tab (true) or the channel (false). */
export function showHome(on: boolean): void {
  session.home = on;
  session.lastJson = '';
  syncUrl();
  hooks.poll();
}

/** Sends app_home_opened for the current person once per visit (again after switching person). */
function openIfNew(): void {
  if (session.homeOpenedFor === session.userId || !session.userId) return;
  session.homeOpenedFor = session.userId;
  post('/_ui/home-open', { userId: session.userId }).then(() => hooks.poll(), failed);
}

/** The Apps entry in the sidebar. */
export function renderApps(state: UiState): void {
  const box = $('apps');
  box.textContent = '';
  const b = el('button', `chan${session.home ? ' active' : ''}`, `🏠 ${nameOf(state.bot.userId)} · Home`);
  b.type = 'button';
  if (session.home) b.setAttribute('aria-current', 'page');
  b.addEventListener('click', () => showHome(true));
  box.appendChild(b);
}

/** The Home tab (or nothing, while the channel is shown); the channel's log and composer hide behind it. */
export function renderHome(state: UiState): void {
  const home = $('home');
  $('log').hidden = session.home;
  $('composer-form').hidden = session.home;
  home.hidden = !session.home;
  if (!session.home) {
    session.homeOpenedFor = '';
    home.textContent = '';
    return;
  }
  openIfNew();
  const head = $('head');
  head.textContent = '';
  head.appendChild(el('span', 'name', `${nameOf(state.bot.userId)} · Home`));
  document.title = `${nameOf(state.bot.userId)} Home — ${state.team.name || 'patchbot demo'}`;
  const sig = JSON.stringify(state.home);
  if (home.getAttribute('data-sig') === sig) return;
  home.setAttribute('data-sig', sig);
  home.textContent = '';
  if (!state.home) {
    home.appendChild(el('p', 'intro', 'Opening the Home tab… the app has not published a view for you yet.'));
    return;
  }
  home.appendChild(renderBlocks(state.home.blocks, { ts: '', home: true }));
}
