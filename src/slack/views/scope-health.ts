/**
 * A poll's note when scopes start or stop failing: which scope and region, the error's own advice,
 * and what the poll leaves out until it answers again. The compliance poll posts it per group; the
 * window poll per channel (`poll: 'windows'`, titled "Maintenance windows"). Posted on the change
 * only, so a scope that keeps failing is not repeated every poll.
 */
import type { ScopeHealthChange } from '../../patching/poll/scope-health';
import { escapeText, formatTime, plural } from '../mrkdwn';
import { SHORT, blocks, failuresSection, footer, listSection, message, scopeLabel, section } from './blocks';
import type { SlackMessage } from './message';

/** Which poll the note is from. */
export type ScopeHealthPoll = 'compliance' | 'windows';

/** "⚠️ PRD: could not read 1 scope" and/or "✅ PRD: 1 scope answers again", with the scopes. */
export function scopeHealthView(
  change: ScopeHealthChange,
  now: Date,
  poll: ScopeHealthPoll = 'compliance',
): SlackMessage {
  const g = poll === 'windows' ? 'Maintenance windows' : escapeText(change.group);
  const one = change.started.length === 1;
  const leftOut =
    poll === 'windows'
      ? `The window poll cannot see ${one ? 'its' : 'their'} maintenance-window results until ${one ? 'it answers' : 'they answer'} again; patchbot says so here when ${one ? 'it does' : 'they do'}:`
      : `The compliance poll leaves ${one ? 'its' : 'their'} instances out until ${one ? 'it answers' : 'they answer'} again; patchbot says so here when ${one ? 'it does' : 'they do'}:`;
  const { started, recovered, failing } = change;
  const still = failing.filter((f) => !started.includes(f));
  const summary = [
    started.length > 0
      ? `⚠️ ${g}: could not read ${plural(started.length, 'scope')} (${started.map((f) => scopeLabel(f.scope, f.region)).join(', ')})`
      : '',
    recovered.length > 0
      ? `✅ ${g}: ${plural(recovered.length, 'scope')} ${recovered.length === 1 ? 'answers' : 'answer'} again (${recovered.map((r) => scopeLabel(r.scope, r.region)).join(', ')})`
      : '',
  ].filter(Boolean);
  return message(
    summary.join(' · '),
    blocks(
      section(summary.map((line) => `*${line}*`).join('\n')),
      failuresSection(started, `❌ *What failed*, and what to do. ${leftOut}`),
      listSection(
        '*Answering again*',
        recovered.map((r) => `• ${scopeLabel(r.scope, r.region)}`),
        SHORT,
      ),
      still.length > 0
        ? section(`Still failing: ${still.map((f) => scopeLabel(f.scope, f.region)).join(', ')}`)
        : undefined,
      footer(`${poll === 'windows' ? 'Window poll' : 'Compliance poll'} · ${formatTime(now)}`),
    ),
  );
}
