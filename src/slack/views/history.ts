/** `/patch history [group]`: the last operations, one line each: id, kind, group, outcome, who, when, summary. */
import type { HistoryEntry } from '../../patching/history';
import { chunkLines, listWithMore } from '../limits';
import { bold, code, escapeText, formatAge, formatTime, mention, oneLine, plural, truncate } from '../mrkdwn';
import { VERDICT_WORDS } from '../../patching/verdict';
import { VERDICT_EMOJI, blocks, footer, header, message, section } from './blocks';
import type { SlackMessage } from './message';

/** One operation as a line. */
function line(e: HistoryEntry, now: Date): string {
  const summary = e.summary ? ` — ${escapeText(truncate(oneLine(e.summary), 160))}` : '';
  const age = formatAge(now.getTime() - e.createdAt.getTime());
  const verdict = e.closedBy ? `${VERDICT_WORDS[e.verdict]} by ${mention(e.closedBy)}` : VERDICT_WORDS[e.verdict];
  return `${VERDICT_EMOJI[e.verdict]} ${code(e.operationId)} ${e.kind} ${bold(e.group)} · ${verdict} · requested by ${mention(e.requestedBy)} · ${formatTime(e.createdAt)} (${age})${summary}`;
}

/** Recent operations, newest first as given; `now` makes it testable. */
export function historyView(entries: readonly HistoryEntry[], group?: string, now: Date = new Date()): SlackMessage {
  const title = group ? `Recent operations on ${group}` : 'Recent operations';
  // Up to three sections: a history page is short, but summaries can make each line long.
  const list = listWithMore(
    entries.map((e) => line(e, now)),
    { maxChars: 8_000, maxLines: 40 },
  );
  const sections = chunkLines(list.text.split('\n'), 2_900).slice(0, 3);
  const empty = `No operations yet${group ? ` on ${bold(group)}` : ''}. ${code(`/patch scan ${group ?? '<group>'}`)} runs the first one.`;
  return message(
    escapeText(`${title}: ${plural(entries.length, 'operation')}`),
    blocks(
      header(title),
      entries.length === 0 ? section(empty) : sections.map((s) => section(s)),
      footer(`As of ${formatTime(now)}`),
    ),
  );
}
