/**
 * Who decided and who may: the approvals so far ("1 of 2 approvals: @bob"), the approvers (users
 * as mentions, user groups by their handle in plain text: the card is a channel post, and a
 * user-group mention there would notify every member of the group), the
 * "Approved by @bob at …: <reason>" line of a running change, and the rejection with its reason.
 */
import type { ApprovalState, Decision } from '../../patching/approval-types';
import { listWithMore } from '../limits';
import { APPROVAL_REASON_MAX } from '../../patching/approval-types';
import { NO_HANDLES, escapeText, formatTime, mention, oneLine, principal, truncate, type Handles } from '../mrkdwn';
import { REJECT_REASON_MAX } from './actions';

/** The approvals, one per user (a repeated click is not a second approval). */
export function approvals(a: ApprovalState): Decision[] {
  const seen = new Set<string>();
  return a.decisions.filter((d) => d.decision === 'approved' && !seen.has(d.userId) && seen.add(d.userId));
}

/** The decision that rejected the change, if one did. */
export function rejection(a: ApprovalState | undefined): Decision | undefined {
  return a?.decisions.find((d) => d.decision === 'rejected');
}

const inline = (items: string[], maxChars: number) =>
  listWithMore(items, { maxChars, maxLines: 12 }).text.replace(/\n/g, ', ');

/** "<@bob> at 2026-03-10 14:03 UTC: <reason>, <@dave> at …", each approval's reason escaped on one line. */
function whoWhen(list: readonly Decision[]): string {
  return inline(
    list.map(
      (d) =>
        `${mention(d.userId)} at ${formatTime(d.at)}${d.reason ? `: ${escapeText(truncate(oneLine(d.reason), APPROVAL_REASON_MAX))}` : ''}`,
    ),
    1_800,
  );
}

/** "1 of 2 approvals: <@bob>", or "No approvals yet (1 needed)". */
export function approvalCount(a: ApprovalState): string {
  const got = approvals(a);
  if (got.length === 0) return `No approvals yet (${a.minApprovals} needed)`;
  return `${got.length} of ${a.minApprovals} ${a.minApprovals === 1 ? 'approval' : 'approvals'}: ${whoWhen(got)}`;
}

/** The approvals section of a pending card: so far, and who may approve (`handles` names the user groups). */
export function approvalsText(a: ApprovalState, requestedBy: string, handles: Handles = NO_HANDLES): string {
  const who =
    inline(
      a.approvers.map((id) => principal(id, handles)),
      800,
    ) || '_nobody is configured_';
  const self = a.allowSelfApproval ? '' : ` (not ${mention(requestedBy)}, who requested it)`;
  const reason = a.requireReason ? '\nApprove asks for a written reason, shown here and kept in the audit log.' : '';
  return `*Approvals*: ${approvalCount(a)}\nWho may approve: ${who}${self}${reason}`;
}

/** "Approved by <@bob> at …" for a change that went ahead; says so when no approval was needed. */
export function approvedByText(a: ApprovalState | undefined, group: string): string | undefined {
  if (!a) return undefined;
  if (!a.required) return `No approval needed: ${escapeText(group)}'s policy lets changes run at once`;
  const got = approvals(a);
  return got.length > 0 ? `Approved by ${whoWhen(got)}` : undefined;
}

/** A reason as an escaped quote, each line kept. */
export function reasonQuote(reason: string | undefined): string {
  const text = reason?.trim();
  if (!text) return '_No reason given._';
  return escapeText(truncate(text, REJECT_REASON_MAX + 20))
    .split(/\r?\n/)
    .slice(0, 12)
    .map((l) => `> ${l}`)
    .join('\n');
}
