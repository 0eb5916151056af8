/**
 * The approval card of an install or reboot: while pending, the whole plan and the buttons
 * (Approve with a confirm dialog that restates the change, Reject, and Scan first when the scan
 * is old or missing); once rejected, expired or cancelled before it ran, the same card says who
 * decided and when, without buttons; a change stopped by drift says what changed and offers Plan
 * again. Running and finished changes are drawn by operationView.
 */
import { Bits, Blocks, Elements, type BlockBuilder } from 'slack-block-builder';
import type { ChangePlan } from '../../patching/plan-record';
import type { OperationReport } from '../../patching/report-record';
import {
  NO_HANDLES,
  bold,
  code,
  escapeText,
  formatAge,
  formatTime,
  mention,
  oneLine,
  truncate,
  type Handles,
} from '../mrkdwn';
import { ACTIONS } from './actions';
import { approvalCount, approvalsText, approvedByText, reasonQuote, rejection } from './approval';
import { SHORT, blocks, footer, header, listSection, message, section } from './blocks';
import { changeSummary, needsScan, planSections, planThread } from './plan';
import type { SlackMessage } from './message';
import { missedText, runsText, sendRuleText } from './schedule';
import { blockingLines, freezeZone, planFreezeText } from './freeze';

const title = (plan: ChangePlan) => `${plan.kind === 'install' ? 'Install' : 'Reboot'} on ${plan.group}`;

/** "Requested by <@alice> at … · expires … (in 3h 58m)". */
function requested(r: OperationReport, now: Date, withExpiry = true): string {
  const at = withExpiry ? r.approval?.expiresAt : undefined;
  const expiry = at
    ? ` · ${at.getTime() > now.getTime() ? 'expires' : 'expired'} ${formatTime(at)} (${formatAge(now.getTime() - at.getTime())})`
    : '';
  return `Requested by ${mention(r.requestedBy)} at ${formatTime(r.startedAt)}${expiry}`;
}

/**
 * Approve (confirmed; where a reason is required, the reason dialog restates the change instead),
 * Reject, and Scan first when the plan rests on an old or missing scan; each carries only the operation id.
 */
function buttons(r: OperationReport, plan: ChangePlan, now: Date): BlockBuilder {
  const confirm = Bits.ConfirmationDialog({
    title: 'Approve this change?',
    text: truncate(`${changeSummary(plan)}${plan.schedule ? `, ${runsText(plan.schedule, now)}` : ''}?`, 300),
    confirm: 'Approve',
    deny: 'Not yet',
  }).primary();
  return Blocks.Actions().elements(
    r.approval?.requireReason
      ? Elements.Button({ text: 'Approve…', actionId: ACTIONS.approve, value: r.operationId }).primary()
      : Elements.Button({ text: 'Approve', actionId: ACTIONS.approve, value: r.operationId })
          .primary()
          .confirm(confirm),
    Elements.Button({ text: 'Reject', actionId: ACTIONS.reject, value: r.operationId }).danger(),
    needsScan(plan)
      ? Elements.Button({ text: 'Scan first', actionId: ACTIONS.scanFirst, value: r.operationId })
      : undefined,
  );
}

/** The card while it waits for approval; `handles` names the approver user groups. */
export function pendingCardView(
  r: OperationReport,
  plan: ChangePlan,
  now: Date,
  handles: Handles = NO_HANDLES,
): SlackMessage {
  return message(
    `⏳ ${changeSummary(plan)}: waiting for approval`,
    blocks(
      header(`⏳ ${title(plan)} — waiting for approval`),
      section(`*${changeSummary(plan)}*\n${requested(r, now)}`),
      scheduleSection(plan, now, 'Once approved, runs'),
      section(planFreezeText(plan, now) ?? ''),
      planSections(plan, now, r.operationId),
      r.notice ? section(`⚠️ ${escapeText(truncate(r.notice, 1_000))}`) : undefined,
      r.approval ? section(approvalsText(r.approval, r.requestedBy, handles)) : undefined,
      buttons(r, plan, now),
      footer(`Operation ${code(r.operationId)}`),
    ),
    planThread(plan),
  );
}

/** The card once the change will not run: rejected, expired, or cancelled before it started. */
export function closedCardView(r: OperationReport, plan: ChangePlan, now: Date): SlackMessage {
  const no = rejection(r.approval);
  const at = r.finishedAt ? formatTime(r.finishedAt) : 'an unknown time';
  const [emoji, verdict, line] =
    r.status === 'rejected'
      ? [
          '🚫',
          'rejected',
          `Rejected by ${no ? `${mention(no.userId)} at ${formatTime(no.at)}` : `an approver at ${at}`}\n${reasonQuote(no?.reason)}`,
        ]
      : r.status === 'expired' && r.missed?.reason === 'frozen'
        ? [
            '🧊',
            'was not sent: frozen',
            [
              'A change calendar was closed when it was due, and the request said not to wait (if-frozen=cancel), so *nothing was sent*:',
              ...blockingLines(r.freeze, freezeZone(plan), now),
              'Request it again once the calendar is open, or with if-frozen=wait.',
            ].join('\n'),
          ]
        : r.status === 'expired' && r.missed
          ? ['⏰', 'missed its window', missedText(plan.schedule, r.missed)]
          : r.status === 'expired'
            ? [
                '⌛',
                'expired without approval',
                `Expired without approval at ${r.approval?.expiresAt ? formatTime(r.approval.expiresAt) : at}: a new request is needed.`,
              ]
            : ['⏹️', 'cancelled', `Cancelled at ${at}, before it ran.`];
  // A cancelled or missed change that was scheduled still says when it was to run.
  const scheduled = plan.schedule ? section(`🕓 Was to run ${runsText(plan.schedule, now)}`) : undefined;
  return message(
    `${emoji} ${changeSummary(plan)}: ${verdict}`,
    blocks(
      header(`${emoji} ${title(plan)} ${verdict}`),
      section(line),
      r.notice ? section(`ℹ️ ${escapeText(truncate(r.notice, 1_000))}`) : undefined,
      section(
        `*${changeSummary(plan)}*\n${requested(r, now, false)}${r.approval?.required ? `\n${approvalCount(r.approval)}` : ''}`,
      ),
      r.status === 'rejected' ? undefined : scheduled,
      footer(`Operation ${code(r.operationId)}`, 'nothing was changed'),
    ),
  );
}

/**
 * The card of an approved change that was not sent because what the approver saw is no longer true
 * (a target stopped or left the group, the baseline changed): what changed, and Plan again, which
 * builds the change as it would be now and needs a new approval.
 */
export function driftCardView(r: OperationReport, plan: ChangePlan, now: Date): SlackMessage {
  const drift = r.drift;
  const changes = (drift?.blocking ?? []).map((b) => `• ${escapeText(truncate(oneLine(b.what), 300))}`);
  const checked = drift ? ` at ${formatTime(drift.checkedAt)}` : '';
  return message(
    `🛑 ${changeSummary(plan)}: not sent, ${plan.group} changed after approval`,
    blocks(
      header(`🛑 ${title(plan)} was not sent`),
      section(
        `Right before sending${checked}, patchbot read ${bold(plan.group)} again. What the card showed is no longer true, so *nothing was sent*:`,
      ),
      listSection(`*What changed (${changes.length})*`, changes, SHORT),
      section(
        `*${changeSummary(plan)}*\n${requested(r, now, false)}${r.approval?.required ? `\n${approvalCount(r.approval)}` : ''}`,
      ),
      Blocks.Actions().elements(
        Elements.Button({ text: 'Plan again', actionId: ACTIONS.replan, value: r.operationId }).primary(),
      ),
      footer(
        `Operation ${code(r.operationId)}`,
        'Plan again shows the change as it would be now; it needs a new approval',
      ),
    ),
  );
}

/** "🕓 Once approved, runs in *patch-prd* at … (in 5h 12m)" and the rule it is sent by; nothing for an unscheduled change. */
function scheduleSection(plan: ChangePlan, now: Date, lead: string) {
  if (!plan.schedule) return undefined;
  // Only the lead is bold: mrkdwn cannot nest the window's bold name inside another bold span.
  return section(`🕓 *${lead}* ${runsText(plan.schedule, now)}\n${sendRuleText(plan.schedule)}`);
}

/**
 * The card of an approved change waiting for its window or time: approved by whom, when it runs
 * (counting down), the plan as approved, and how to cancel it until it is sent.
 */
export function scheduledCardView(r: OperationReport, plan: ChangePlan, now: Date): SlackMessage {
  const schedule = plan.schedule;
  const runs = schedule ? runsText(schedule, now) : 'soon';
  const approvedBy = approvedByText(r.approval, r.group);
  return message(
    `🕓 ${changeSummary(plan)}: approved · runs ${runs}`,
    blocks(
      header(`🕓 ${title(plan)} — approved, waiting for its ${schedule?.window ? 'window' : 'time'}`),
      section(`*${changeSummary(plan)}*\n${requested(r, now, false)}${approvedBy ? `\n${approvedBy}` : ''}`),
      scheduleSection(plan, now, 'Approved · runs'),
      section(planFreezeText(plan, now) ?? ''),
      planSections(plan, now, r.operationId),
      r.notice ? section(`⚠️ ${escapeText(truncate(r.notice, 1_000))}`) : undefined,
      footer(
        `Operation ${code(r.operationId)}`,
        `cancel it until it is sent: /patch cancel ${escapeText(r.operationId)}`,
      ),
    ),
    planThread(plan),
  );
}
