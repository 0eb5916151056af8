/**
 * The top-level post in the group's channel when a freeze override is granted: who overrode (both
 * people), which calendars were closed, each person's reason, and which change it lets through.
 */
import type { OperationReport } from '../../patching/report-record';
import { blocks, footer, header, message, section } from './blocks';
import { code, escapeText, mention, oneLine, truncate } from '../mrkdwn';
import type { SlackMessage } from './message';

/** The announcement of a granted override, or undefined when the report has none. */
export function freezeOverrideAnnouncement(r: OperationReport): SlackMessage | undefined {
  const o = r.freezeOverride;
  if (!o?.grantedAt) return undefined;
  const who = o.votes.map((v) => mention(v.userId));
  const calendars = (o.calendars ?? []).map(escapeText).join(', ') || 'its change calendars';
  const what = `${r.kind} on ${escapeText(r.group)}`;
  const reasons = o.votes.map((v) => `• ${mention(v.userId)}: “${escapeText(truncate(oneLine(v.reason), 500))}”`);
  return message(
    `🔓 Freeze override on ${escapeText(r.group)}: ${who.join(' and ')} let the ${what} run despite ${calendars}`,
    blocks(
      header(`🔓 Freeze override on ${r.group}`),
      section(
        `${who.join(' and ')} overrode the change freeze: the ${what} (${code(r.operationId)}) is sent although ${calendars} ${(o.calendars?.length ?? 0) === 1 ? 'is' : 'are'} CLOSED.`,
      ),
      section(`*Reasons*\n${reasons.join('\n')}`),
      footer(`Operation ${code(r.operationId)}`, 'recorded in the audit log'),
    ),
  );
}
