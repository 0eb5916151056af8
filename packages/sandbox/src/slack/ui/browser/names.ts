/** People as the page shows them: display names, the bot's APP badge, and coloured initials. */
import type { UiPost } from '../state-types';
import { el } from './dom';
import { session } from './session';

const COLORS = ['#1264a3', '#2eb67d', '#e01e5a', '#de8c00', '#0b7a75', '#b5472a', '#5a6acf', '#c4387f'];

/** The display name of a user, the bot or a user group, else the id itself. */
export function nameOf(id: string | undefined): string {
  return (id !== undefined && session.state?.names[id]) || id || 'unknown';
}

/** Whether the bot posted the message. */
export function isBot(m: UiPost): boolean {
  return Boolean(m.isBot || (session.state && m.user === session.state.bot.userId));
}

/** A person's avatar: their initial on a colour fixed by their id. */
export function avatar(id: string, cls?: string): HTMLDivElement {
  const name = nameOf(id);
  let h = 0;
  for (let i = 0; i < String(id).length; i++) h = (h * 31 + String(id).charCodeAt(i)) % 997;
  const a = el('div', `avatar${cls ? ` ${cls}` : ''}`);
  a.setAttribute('data-initial', name.charAt(0).toUpperCase());
  a.style.background = COLORS[h % COLORS.length] ?? '';
  a.setAttribute('aria-hidden', 'true');
  return a;
}
