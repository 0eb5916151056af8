/** The composer: sends what is typed as a slash command (plain text goes to /patch); ↑ and ↓ recall earlier commands. */
import { $ } from './dom';
import { answer, ask, failed, post } from './requests';
import { hooks, session } from './session';

const sent: string[] = [];
let recall = -1;

/** ↑ brings back the previous command (when the box is empty or shows a recalled one), ↓ the next. */
export function onComposerKey(ev: KeyboardEvent): void {
  const input = $('input');
  if (ev.key === 'ArrowUp' && sent.length && (input.value === '' || input.value === sent[recall])) {
    recall = recall < 0 ? sent.length - 1 : Math.max(0, recall - 1);
    input.value = sent[recall] ?? '';
    // Synthetic key events (tests, scripts) may come without preventDefault.
    if (ev.preventDefault) ev.preventDefault();
  } else if (ev.key === 'ArrowDown' && recall >= 0 && input.value === sent[recall]) {
    recall = recall + 1 < sent.length ? recall + 1 : -1;
    input.value = recall < 0 ? '' : (sent[recall] ?? '');
    if (ev.preventDefault) ev.preventDefault();
  }
}

/** Sends the typed command as the selected user and remembers it for recall. */
export function onComposerSubmit(ev: Event): void {
  ev.preventDefault();
  const input = $('input');
  let text = input.value.trim();
  if (!text) return;
  if (text.charAt(0) !== '/') text = `/patch ${text}`;
  input.value = '';
  if (sent[sent.length - 1] !== text) sent.push(text);
  recall = -1;
  const command = text;
  const n = ask(`sending ${command}...`);
  post('/_ui/command', { userId: session.userId, channelId: session.channelId, text: command }).then((r) => {
    answer(r, command, n);
    hooks.poll();
  }, failed);
}
