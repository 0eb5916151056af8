/**
 * The compliance poll's note when a group's scopes start or stop failing: which scope and region,
 * the error's own advice, and that its instances are left out of the poll until it answers again.
 * Posted on the change only, so a scope that keeps failing is not repeated every poll.
 */
import type { ScopeHealthChange } from '../../patching/poll/scope-health';
import { escapeText, formatTime, plural } from '../mrkdwn';
import { SHORT, blocks, failuresSection, footer, listSection, message, scopeLabel, section } from './blocks';
import type { SlackMessage } from './types';

/** "⚠️ PRD: could not read 1 scope" and/or "✅ PRD: 1 scope answers again", with the scopes. */
export function scopeHealthView(change: ScopeHealthChange, now: Date): SlackMessage {
  const g = escapeText(change.group);
  const { started, recovered, failing } = change;
  const still = failing.filter((f) => !started.includes(f));
  const summary = [
    started.length > 0 ? `⚠️ ${g}: could not read ${plural(started.length, 'scope')} (${started.map((f) => scopeLabel(f.scope, f.region)).join(', ')})` : '',
    recovered.length > 0 ? `✅ ${g}: ${plural(recovered.length, 'scope')} ${recovered.length === 1 ? 'answers' : 'answer'} again (${recovered.map((r) => scopeLabel(r.scope, r.region)).join(', ')})` : '',
  ].filter(Boolean);
  return message(
    summary.join(' · '),
    blocks(
      section(summary.map((line) => `*${line}*`).join('\n')),
      failuresSection(
        started,
        `❌ *What failed*, and what to do. The compliance poll leaves ${started.length === 1 ? 'its' : 'their'} instances out until ${started.length === 1 ? 'it answers' : 'they answer'} again; patchbot says so here when ${started.length === 1 ? 'it does' : 'they do'}:`,
      ),
      listSection('*Answering again*', recovered.map((r) => `• ${scopeLabel(r.scope, r.region)}`), SHORT),
      still.length > 0 ? section(`Still failing: ${still.map((f) => scopeLabel(f.scope, f.region)).join(', ')}`) : undefined,
      footer(`Compliance poll · ${formatTime(now)}`),
    ),
  );
}
