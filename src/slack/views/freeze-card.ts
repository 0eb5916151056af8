/**
 * The card of an approved change a Change Calendar freezes: which calendars stop it and until when
 * (or why they cannot be read, and which permission is missing), that nothing was sent, what happens
 * next (it waits for every calendar to open), and, where the group has override approvers, the
 * break-glass button and the votes so far.
 */
import { Blocks, Elements } from 'slack-block-builder';
import type { ChangePlan } from '../../patching/plan-record';
import type { OperationReport } from '../../patching/report-record';
import { code, escapeText, formatTime, mention, truncate } from '../mrkdwn';
import { ACTIONS } from './actions';
import { approvedByText } from './approval';
import { blocks, footer, header, message, section } from './blocks';
import { blockingLines, freezeZone, frozenBy, ifFrozenText, overrideVotesText } from './freeze';
import type { SlackMessage } from './message';
import { changeSummary, planSections, planThread } from './plan';

/** What the card shows about break-glass for a group: whether it has override approvers. */
export interface FreezeCardOptions {
  overridable: boolean;
}

/** The card of an approved change held by a closed or unreadable Change Calendar. */
export function frozenCardView(
  r: OperationReport,
  plan: ChangePlan,
  now: Date,
  options: FreezeCardOptions = { overridable: false },
): SlackMessage {
  const zone = freezeZone(plan);
  const by = frozenBy(r.freeze, zone);
  const approvedBy = approvedByText(r.approval, r.group);
  // Only CLOSED calendars can be overridden: an unreadable one must be fixed, not waved through.
  const onlyClosed = (r.freeze?.calendars ?? []).every((c) => c.state !== 'UNREADABLE');
  const canOverride = options.overridable && onlyClosed && r.freezeOverride?.grantedAt === undefined;
  return message(
    `🧊 ${changeSummary(plan)}: approved · ${by}`,
    blocks(
      header(`🧊 ${plan.kind === 'install' ? 'Install' : 'Reboot'} on ${plan.group} — approved, frozen`),
      section(
        [
          `*Nothing was sent*: ${escapeText(plan.group)}'s change calendars stop this change:`,
          ...blockingLines(r.freeze, zone, now),
          ifFrozenText(plan.ifFrozen),
        ].join('\n'),
      ),
      section(
        `*${changeSummary(plan)}*\nRequested by ${mention(r.requestedBy)} at ${formatTime(r.startedAt)}${approvedBy ? `\n${approvedBy}` : ''}`,
      ),
      section(overrideVotesText(r.freezeOverride) ?? ''),
      planSections(plan, now),
      r.notice ? section(`⚠️ ${escapeText(truncate(r.notice, 1_000))}`) : undefined,
      canOverride
        ? Blocks.Actions().elements(
            Elements.Button({
              text: 'Override freeze…',
              actionId: ACTIONS.overrideFreeze,
              value: r.operationId,
            }).danger(),
          )
        : undefined,
      footer(
        `Operation ${code(r.operationId)}`,
        `cancel it until it is sent: /patch cancel ${escapeText(r.operationId)}`,
        canOverride ? 'an override takes two override approvers, each with a written reason' : undefined,
      ),
    ),
    planThread(plan),
  );
}
