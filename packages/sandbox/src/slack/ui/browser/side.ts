/** The sidebar (channels, people, the user menu) and the channel header; switching channel or person. */
import type { UiState } from '../state-types';
import { $, el } from './dom';
import { avatar, nameOf } from './names';
import { hooks, session, syncUrl } from './session';

/** Acts as another person from now on. */
export function switchUser(id: string): void {
  if (id === session.userId) return;
  session.userId = id;
  session.lastJson = '';
  syncUrl();
  hooks.poll();
}

/** Quick switch: one button per person, the current one pressed; the select stays the main control. */
function renderPeople(state: UiState): void {
  const box = $('people');
  const me = state.user ? state.user.id : '';
  const sig = `${me}|${JSON.stringify(state.users)}`;
  if (box.getAttribute('data-sig') === sig) return;
  box.setAttribute('data-sig', sig);
  box.textContent = '';
  for (const u of state.users) {
    const name = u.displayName || u.name;
    const b = el('button', `person${u.id === me ? ' active' : ''}`);
    b.type = 'button';
    b.setAttribute('aria-pressed', u.id === me ? 'true' : 'false');
    b.setAttribute('aria-label', `Act as ${name}${u.title ? ` (${u.title})` : ''}`);
    b.title = u.title || name;
    b.appendChild(avatar(u.id, 'mini'));
    b.appendChild(el('span', 'pname', name));
    if (u.title) b.appendChild(el('span', 'phint', u.title));
    b.addEventListener('click', () => switchUser(u.id));
    box.appendChild(b);
  }
}

/** The channel list, the user menu (rebuilt only when the people change) and the people buttons. */
export function renderSide(state: UiState): void {
  const side = $('channels');
  side.textContent = '';
  for (const c of state.channels) {
    const active = !session.home && state.channel && c.id === state.channel.id;
    const d = el('button', `chan${active ? ' active' : ''}${c.botIsMember ? '' : ' nobot'}`, `# ${c.name}`);
    d.type = 'button';
    if (active) d.setAttribute('aria-current', 'page');
    if (!c.botIsMember) d.title = 'the bot is not in this channel';
    d.addEventListener('click', () => {
      session.channelId = c.id;
      session.home = false;
      session.lastJson = '';
      syncUrl();
      hooks.poll();
    });
    side.appendChild(d);
  }
  const users = $('users');
  const sig = JSON.stringify(state.users);
  if (users.getAttribute('data-sig') !== sig) {
    users.setAttribute('data-sig', sig);
    users.textContent = '';
    for (const u of state.users) {
      const o = el('option', '', `${u.displayName || u.name}${u.title ? ` — ${u.title}` : ''}`);
      o.value = u.id;
      users.appendChild(o);
    }
  }
  renderPeople(state);
  users.value = state.user ? state.user.id : '';
  $('team').textContent = state.team.name || 'patchbot demo';
}

/** The channel's name, topic, and a note when the bot is not a member; also the tab title and the composer's hint. */
export function renderHead(state: UiState): void {
  const head = $('head');
  head.textContent = '';
  const channel = state.channel;
  if (!channel) return;
  head.appendChild(el('span', 'name', `# ${channel.name}`));
  if (channel.topic) head.appendChild(el('span', 'topic', channel.topic));
  const here = state.channels.find((c) => c.id === channel.id);
  if (here && !here.botIsMember)
    head.appendChild(el('span', 'note', `${nameOf(state.bot.userId)} is not in this channel`));
  document.title = `#${channel.name} — ${state.team.name || 'patchbot demo'}`;
  $('input').placeholder = `Message #${channel.name} — try /patch help`;
}
