/**
 * What a card and a refusal say about an operation's approval: the policy and votes, the plan
 * beside the report, where the operation stands and who put it there, and whether a click came
 * from the operation's own card. Reads only; nothing here changes an operation.
 */
import type { PatchGroup } from '../config/schema';
import { nameList, principal, said, user, type Sentence } from '../sentence';
import { SYSTEM_ACTOR, type Operation, type StoreTx } from './ports';
import type { Authorizer } from './decision';
import { readPlan, readResult } from './records';
import type { ApprovalState, Decision } from './approval-types';
import type { OperationReport } from './report-record';

/** The authorizer approval asks: the one `Authorizer` of commands, domain and Slack. */
export type ApprovalAuthorizer = Authorizer;

/** The message a click's button was on. */
export interface CardOrigin {
  channel: string;
  messageTs: string;
}

/** A click on the clicker's own App Home of this app (the Slack layer checked the view's type and app). */
export interface HomeOrigin {
  home: true;
}

/** Where a click's button was: the operation's card, or the clicker's App Home. */
export type ClickOrigin = CardOrigin | HomeOrigin;

/**
 * Whether a click came from the operation's own card: a button's value names an operation, but the
 * click counts only for the operation whose message it was clicked on (a value copied onto another
 * card, or forged, decides nothing). A click from the clicker's App Home counts only while the
 * operation is pending (the Home lists pending changes only); every approval rule still applies.
 */
export function cameFromCard(op: Operation, origin: ClickOrigin): boolean {
  if ('home' in origin) return op.status === 'pending';
  return op.messageTs !== null && op.messageTs === origin.messageTs && op.channel === origin.channel;
}

/** The approval state a card shows, from the group's policy, the recorded votes (with their reasons) and a rejection. */
export async function approvalState(
  store: StoreTx,
  op: Operation,
  group: PatchGroup | undefined,
): Promise<ApprovalState> {
  const { rejection, approvalReasons } = readResult(op);
  const decisions: Decision[] = (await store.approvals.list(op.id)).map((a) => {
    const reason = approvalReasons?.[a.userId];
    return { userId: a.userId, decision: 'approved' as const, at: a.at, ...(reason ? { reason } : {}) };
  });
  if (rejection)
    decisions.push({
      userId: rejection.userId,
      decision: 'rejected',
      at: new Date(rejection.at),
      ...(rejection.reason ? { reason: rejection.reason } : {}),
    });
  const policy = group?.approval;
  return {
    required: policy?.required ?? false,
    minApprovals: policy?.minApprovals ?? 1,
    approvers: policy ? [...policy.approvers] : [],
    allowSelfApproval: policy?.allowSelfApproval ?? false,
    requireReason: policy?.requireReason ?? false,
    expiresAt: op.expiresAt ?? undefined,
    decisions,
  };
}

/** Adds the plan and the approval state of an install or reboot to a report (scans are left alone). */
export async function withChangeContext(
  store: StoreTx,
  op: Operation,
  group: PatchGroup | undefined,
  report: OperationReport,
): Promise<OperationReport> {
  if (op.kind === 'scan') return report;
  const plan = readPlan(op);
  return { ...report, ...(plan ? { plan } : {}), approval: await approvalState(store, op, group) };
}

/** A sentence on where an operation stands and who put it there, for refusals. */
export async function describeState(store: StoreTx, op: Operation): Promise<Sentence> {
  const what = `${op.kind} ${op.id} on ${op.group}`;
  const entries = await store.audit.list({ operationId: op.id, limit: 50 });
  const last = (action: string) => entries.find((e) => e.action === action);
  const when = (d: Date) =>
    d
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z')
      .replace('T', ' ');
  switch (op.status) {
    case 'pending':
      return [`The ${what} is waiting for approval.`];
    case 'approved':
    case 'sending':
    case 'running': {
      const e = last('operation.approved');
      const by =
        e && e.actor !== SYSTEM_ACTOR
          ? said` by ${approversOf(e.detail) ?? user(e.actor)} at ${when(e.at)}`
          : undefined;
      return said`The ${what} was already approved${by} and is ${op.status === 'running' ? 'running' : 'being sent'}.`;
    }
    case 'rejected': {
      const r = readResult(op).rejection;
      return said`The ${what} was rejected${r ? said` by ${user(r.userId)} at ${when(new Date(r.at))}${r.reason ? ` (${r.reason})` : ''}` : undefined}.`;
    }
    case 'expired':
      return [
        `The ${what} expired${op.expiresAt ? ` at ${when(op.expiresAt)}` : ''} without enough approvals; request it again.`,
      ];
    case 'cancelled': {
      const c = readResult(op).cancellation;
      return said`The ${what} was cancelled${c ? said` by ${user(c.userId)} at ${when(new Date(c.at))}` : undefined}.`;
    }
    default: {
      const e = last('operation.approved');
      const by =
        e && e.actor !== SYSTEM_ACTOR
          ? said` (approved by ${approversOf(e.detail) ?? user(e.actor)} at ${when(e.at)})`
          : undefined;
      return said`The ${what} has already ${op.status}${op.finishedAt ? ` at ${when(op.finishedAt)}` : ''}${by}.`;
    }
  }
}

/** The approvers named in an audit entry's detail. */
/** The approvers named in an audit entry's detail. */
function approversOf(detail: Record<string, unknown> | null): Sentence | undefined {
  const list = detail?.approvers;
  return Array.isArray(list) && list.length > 0 ? nameList(list.map((id) => user(String(id)))) : undefined;
}

/** A group's approvers as names (users and user groups, for the Slack layer to render), or the words for none. */
export function approverNames(approvers: readonly string[]): Sentence {
  return approvers.length > 0 ? nameList(approvers.map(principal)) : ['(none configured)'];
}
