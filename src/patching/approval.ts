/**
 * Approval decisions and cancellation of install and reboot operations. Every state change is one
 * compare-and-set in the store, so of two racing clicks (in this process or another on the same
 * file) exactly one moves the operation; approvals are counted per person by the approvals table's
 * key, and the send that follows approval is the runner's exactly-once send.
 *
 * Who may do what:
 * - approve: a listed approver (user id or member of a listed user group), not the requester unless
 *   the policy allows self-approval; the operation approves when minApprovals different people did.
 * - reject: a listed approver, or the requester withdrawing their own request.
 * - cancel: the requester or a listed approver (on a group without approvers, also its operators);
 *   pending or approved → cancelled; a running scan or install has its SSM commands cancelled first;
 *   a reboot cannot be cancelled once sent (the instances are rebooting).
 * Refused clicks change nothing but are written to the audit log as `operation.refused`.
 *
 * Messages that name people are sentences (src/sentence.ts): ids marked as users or principals,
 * which the Slack layer renders as mentions and user-group handles; nothing here is Slack syntax.
 */
import type { PatchGroup } from '../config/schema';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors';
import { nameList, plainSentence, principal, said, user, type Sentence } from '../sentence';
import { SYSTEM_ACTOR, type Operation, type Store } from './ports';
import { fanOut, gatewayFor } from './group-fleet';
import { readPlan, readResult, resultJson } from './records';
import type { OperationRunner } from './runner';
import type { ApprovalState, Decision, OperationReport } from './types';
import type { Authorizer, DecideResult, RecordedDecision } from './decision';

/** The authorizer approval asks; one type for commands, domain and Slack. */
export type ApprovalAuthorizer = Authorizer;

/** The message a click's button was on. */
export interface ClickOrigin {
  channel: string;
  messageTs: string;
}

/**
 * Whether a click came from the operation's own card: a button's value names an operation, but the
 * click counts only for the operation whose message it was clicked on (a value copied onto another
 * card, or forged, decides nothing). Other surfaces (App Home views) would add their own origin.
 */
export function cameFromCard(op: Operation, origin: ClickOrigin): boolean {
  return op.messageTs !== null && op.messageTs === origin.messageTs && op.channel === origin.channel;
}

/** A click on Approve or Reject. */
export interface DecideInput {
  operationId: string;
  userId: string;
  decision: 'approve' | 'reject';
  reason?: string | undefined;
  /** Where the button was; when given, a click from anywhere but the operation's card is refused. */
  origin?: ClickOrigin | undefined;
  /**
   * Asked right before the first write: false means the click can no longer be acknowledged in
   * time (Slack waits 3 s), so nothing is recorded and the clicker is told so.
   */
  inTime?: (() => boolean) | undefined;
}

/** Told when a click was authorised too late to be recorded before Slack stopped waiting. */
export const TOO_LATE = 'Your click took too long to check and was not recorded; nothing changed. Click again.';

export type { DecideResult, RecordedDecision };

/** A DecideResult whose message is `text`. */
function result(outcome: DecideResult['outcome'], text: Sentence | string, op: Operation | undefined): DecideResult {
  const userText = typeof text === 'string' ? [text] : text;
  return { outcome, userText, userMessage: plainSentence(userText), op };
}

/** Who may cancel an operation. */
export interface CancelInput {
  operationId: string;
  userId: string;
}

/** The approval state a card shows, from the group's policy, the recorded votes and a rejection. */
export function approvalState(store: Store, op: Operation, group: PatchGroup | undefined): ApprovalState {
  const decisions: Decision[] = store.approvals.list(op.id).map((a) => ({ userId: a.userId, decision: 'approved' as const, at: a.at }));
  const rejection = readResult(op).rejection;
  if (rejection) decisions.push({ userId: rejection.userId, decision: 'rejected', at: new Date(rejection.at), ...(rejection.reason ? { reason: rejection.reason } : {}) });
  const policy = group?.approval;
  return {
    required: policy?.required ?? false,
    minApprovals: policy?.minApprovals ?? 1,
    approvers: policy ? [...policy.approvers] : [],
    allowSelfApproval: policy?.allowSelfApproval ?? false,
    expiresAt: op.expiresAt ?? undefined,
    decisions,
  };
}

/** Adds the plan and the approval state of an install or reboot to a report (scans are left alone). */
export function withChangeContext(store: Store, op: Operation, group: PatchGroup | undefined, report: OperationReport): OperationReport {
  if (op.kind === 'scan') return report;
  const plan = readPlan(op);
  return { ...report, ...(plan ? { plan } : {}), approval: approvalState(store, op, group) };
}

/** A sentence on where an operation stands and who put it there, for refusals. */
export function describeState(store: Store, op: Operation): Sentence {
  const what = `${op.kind} ${op.id} on ${op.group}`;
  const entries = store.audit.list({ operationId: op.id, limit: 50 });
  const last = (action: string) => entries.find((e) => e.action === action);
  const when = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace('T', ' ');
  switch (op.status) {
    case 'pending':
      return [`The ${what} is waiting for approval.`];
    case 'approved':
    case 'sending':
    case 'running': {
      const e = last('operation.approved');
      const by = e && e.actor !== SYSTEM_ACTOR ? said` by ${approversOf(e.detail) ?? user(e.actor)} at ${when(e.at)}` : undefined;
      return said`The ${what} was already approved${by} and is ${op.status === 'running' ? 'running' : 'being sent'}.`;
    }
    case 'rejected': {
      const r = readResult(op).rejection;
      return said`The ${what} was rejected${r ? said` by ${user(r.userId)} at ${when(new Date(r.at))}${r.reason ? ` (${r.reason})` : ''}` : undefined}.`;
    }
    case 'expired':
      return [`The ${what} expired${op.expiresAt ? ` at ${when(op.expiresAt)}` : ''} without enough approvals; request it again.`];
    case 'cancelled': {
      const c = readResult(op).cancellation;
      return said`The ${what} was cancelled${c ? said` by ${user(c.userId)} at ${when(new Date(c.at))}` : undefined}.`;
    }
    default: {
      const e = last('operation.approved');
      const by = e && e.actor !== SYSTEM_ACTOR ? said` (approved by ${approversOf(e.detail) ?? user(e.actor)} at ${when(e.at)})` : undefined;
      return said`The ${what} has already ${op.status}${op.finishedAt ? ` at ${when(op.finishedAt)}` : ''}${by}.`;
    }
  }
}

function approversOf(detail: Record<string, unknown> | null): Sentence | undefined {
  const list = detail?.approvers;
  return Array.isArray(list) && list.length > 0 ? nameList(list.map((id) => user(String(id)))) : undefined;
}

/** A group's approvers as names (users and user groups, for the Slack layer to render), or the words for none. */
function approverNames(approvers: readonly string[]): Sentence {
  return approvers.length > 0 ? nameList(approvers.map(principal)) : ['(none configured)'];
}

/** Decides on approval requests; see the file comment for the rules. */
export class ApprovalService {
  constructor(private readonly runner: OperationRunner) {}

  private get store(): Store {
    return this.runner.deps.store;
  }

  /** Approve or reject a pending install or reboot; an approval that completes it is sent before this returns. */
  async decide(input: DecideInput, authorizer: ApprovalAuthorizer): Promise<DecideResult> {
    const recorded = await this.record(input, authorizer);
    return recorded.send ? recorded.send() : recorded.result;
  }

  /**
   * Records a decision (vote, approval, rejection, or a refusal in the audit log) and returns at
   * once; the send of a change this click approved is left to `send`, so the Slack layer can
   * acknowledge the click after the decision is stored and before the AWS calls.
   */
  async record(input: DecideInput, authorizer: ApprovalAuthorizer): Promise<RecordedDecision> {
    const { store } = this;
    const op = store.operations.get(input.operationId);
    if (!op) return { result: result('refused', `There is no such operation: ${input.operationId}.`, undefined) };
    const refuse = (why: Sentence | string, current: Operation = op): DecideResult => {
      const refused = result('refused', why, current);
      store.audit.append({ actor: input.userId, action: 'operation.refused', operationId: op.id, group: op.group, detail: { decision: input.decision, why: refused.userMessage } });
      return refused;
    };
    if (input.origin && !cameFromCard(op, input.origin)) {
      return { result: refuse(`This button is not on the card of the ${op.kind} ${op.id}; a click counts only on that operation's own card. Nothing was changed.`) };
    }
    return this.recordOn(op, input, authorizer, refuse);
  }

  /** record() for a known operation the click may act on. */
  private async recordOn(op: Operation, input: DecideInput, authorizer: ApprovalAuthorizer, refuse: (why: Sentence | string, current?: Operation) => DecideResult): Promise<RecordedDecision> {
    const { store } = this;
    const late = () => input.inTime !== undefined && !input.inTime();
    const done = (r: DecideResult): RecordedDecision => ({ result: r });
    const expired = this.expireIfDue(op);
    if (expired) return done(refuse(`This request expired${expired.expiresAt ? ` at ${expired.expiresAt.toISOString()}` : ''}; it can no longer be approved. Request it again.`, expired));
    if (op.status !== 'pending') return done(refuse(describeState(store, op)));
    const group = this.runner.groupOf(op);
    if (!group) return done(refuse(`The group ${op.group} is no longer configured.`));
    const policy = group.approval;
    const isRequester = input.userId === op.requestedBy;
    const approvers = approverNames(policy.approvers);

    if (input.decision === 'reject') {
      if (!isRequester && !(await authorizer.isAnyOf(input.userId, policy.approvers))) {
        return done(refuse(said`Only the approvers of ${group.name} (${approvers}) or the requester may reject this request.`));
      }
      if (late()) return done(result('refused', TOO_LATE, op));
      const rejection = { userId: input.userId, at: this.runner.deps.clock.now().toISOString(), ...(input.reason ? { reason: input.reason } : {}) };
      const rejected = store.transaction(() => {
        const moved = store.operations.transition(op.id, {
          from: 'pending',
          to: 'rejected',
          patch: { result: resultJson({ ...readResult(op), rejection, published: false, summary: `rejected${input.reason ? `: ${input.reason}` : ''}` }) },
        });
        if (moved) {
          store.audit.append({
            actor: input.userId,
            action: 'operation.rejected',
            operationId: op.id,
            group: op.group,
            detail: { reason: input.reason ?? null, withdrawnByRequester: isRequester },
          });
        }
        return moved;
      });
      if (!rejected) {
        const now = store.operations.get(op.id) ?? op;
        return done(refuse(describeState(store, now), now));
      }
      return done(result('rejected', isRequester ? 'You withdrew your request.' : `You rejected the ${op.kind} on ${op.group}.`, rejected));
    }

    if (isRequester && !policy.allowSelfApproval) return done(refuse('You requested this change; another approver must approve it.'));
    if (!(await authorizer.isAnyOf(input.userId, policy.approvers))) {
      return done(refuse(said`Only the approvers of ${group.name} may approve this change: ${approvers}.`));
    }
    if (late()) return done(result('refused', TOO_LATE, op));
    const vote = store.approvals.add(op.id, input.userId);
    if (vote === 'not_found') return done(refuse(`There is no such operation: ${op.id}.`));
    if (vote === 'not_pending') {
      const now = store.operations.get(op.id) ?? op;
      return done(refuse(describeState(store, now), now));
    }
    const votes = store.approvals.list(op.id);
    if (vote === 'duplicate') return done(refuse(`You have already approved this change (${votes.length} of ${policy.minApprovals} approvals).`));
    store.audit.append({ actor: input.userId, action: 'operation.approval_recorded', operationId: op.id, group: op.group, detail: { approvals: votes.length, needed: policy.minApprovals } });
    if (votes.length < policy.minApprovals) {
      return done(result('recorded', `Your approval is recorded: ${votes.length} of ${policy.minApprovals} approvals.`, store.operations.get(op.id) ?? op));
    }
    const approved = store.transaction(() => {
      const moved = store.operations.transition(op.id, { from: 'pending', to: 'approved' });
      if (moved) {
        store.audit.append({ actor: input.userId, action: 'operation.approved', operationId: op.id, group: op.group, detail: { approvers: votes.map((v) => v.userId) } });
      }
      return moved;
    });
    if (!approved) {
      const now = store.operations.get(op.id) ?? op;
      if (now.status === 'approved' || now.status === 'sending' || now.status === 'running' || now.status === 'succeeded' || now.status === 'failed') {
        return done(result('recorded', 'Your approval is recorded; the change was approved at the same moment and runs once.', now));
      }
      return done(refuse(describeState(store, now), now));
    }
    return {
      result: result('approved', `Approved: the ${op.kind} on ${op.group} is on its way.`, approved),
      // The runner's approved → sending claim makes this the only send, whoever else (a tracker) tries.
      send: async () => {
        const sent = await this.runner.send(approved);
        return result('approved', `Approved: the ${op.kind} on ${op.group} is ${sent.status === 'failed' ? 'approved, but it could not be sent (see its message)' : 'on its way'}.`, sent);
      },
    };
  }

  /**
   * Cancels an operation: pending or approved ones at once; a running scan or install after
   * cancelling its SSM commands. Throws ForbiddenError (not the requester or an approver),
   * NotFoundError, or ConflictError saying the state (sending, a running reboot, finished).
   */
  async cancel(input: CancelInput, authorizer: ApprovalAuthorizer): Promise<Operation> {
    const { store } = this;
    const op = store.operations.get(input.operationId);
    if (!op) throw new NotFoundError(`operation ${input.operationId} does not exist`, { userMessage: `There is no such operation: ${input.operationId}.` });
    const group = this.runner.groupOf(op);
    const approvers = group?.approval.approvers ?? [];
    const allowed =
      input.userId === op.requestedBy ||
      (await authorizer.isAnyOf(input.userId, approvers)) ||
      (approvers.length === 0 && group !== undefined && (await authorizer.isAnyOf(input.userId, group.operators)));
    if (!allowed) {
      const why = said`Only the requester (${user(op.requestedBy)}) or an approver of ${op.group}${approvers.length ? said` (${approverNames(approvers)})` : undefined} may cancel ${op.id}.`;
      store.audit.append({ actor: input.userId, action: 'operation.refused', operationId: op.id, group: op.group, detail: { action: 'cancel', why: plainSentence(why) } });
      throw new ForbiddenError(`user ${input.userId} may not cancel ${op.id}`, { userText: why });
    }
    const current = this.expireIfDue(op) ?? op;
    const cancellation = { userId: input.userId, at: this.runner.deps.clock.now().toISOString(), from: current.status };
    if (current.status === 'pending' || current.status === 'approved') {
      const moved = this.moveToCancelled(current, [current.status], cancellation, []);
      if (moved) return moved;
      const now = store.operations.get(op.id) ?? current;
      throw new ConflictError(`operation ${op.id} moved on`, { userText: said`It could not be cancelled: ${describeState(store, now)}` });
    }
    if (current.status === 'running' && current.kind !== 'reboot') {
      const { gateways, logger } = this.runner.deps;
      const work = current.commands.flatMap((c) => {
        const gateway = gatewayFor(gateways, c.scope, c.region);
        return gateway ? [{ scope: c.scope, region: c.region, gateway, commandId: c.commandId }] : [];
      });
      const done = await fanOut(work, (w) => w.gateway.cancelCommand(w.commandId), { logger, what: `cancelling ${op.id}` });
      if (done.results.length === 0 && done.failures.length > 0) {
        throw new ConflictError(`cancelling ${op.id} failed everywhere`, {
          userMessage: `SSM did not accept the cancellation of ${op.id}: ${done.failures.map((f) => `${f.scope} (${f.region}): ${f.message}`).join(' ')}`,
        });
      }
      const moved = this.moveToCancelled(current, ['running'], cancellation, done.failures);
      if (moved) return moved;
      const now = store.operations.get(op.id) ?? current;
      throw new ConflictError(`operation ${op.id} finished first`, { userText: said`It could not be cancelled: ${describeState(store, now)}` });
    }
    if (current.status === 'running') {
      throw new ConflictError(`reboot ${op.id} is running`, {
        userMessage: `The reboot ${op.id} cannot be cancelled: the instances were already rebooted; only the compliance scan after it is still running.`,
      });
    }
    if (current.status === 'sending') {
      throw new ConflictError(`operation ${op.id} is being sent`, { userMessage: `The ${op.kind} ${op.id} is being sent right now; try again in a moment.` });
    }
    throw new ConflictError(`operation ${op.id} is ${current.status}`, { userText: said`Nothing to cancel: ${describeState(store, current)}` });
  }

  /**
   * Moves a pending operation whose expiresAt has passed to expired (even if the tracker's
   * expireDue has not run yet) and returns it; undefined when it is not due (or someone else moved it).
   */
  expireIfDue(op: Operation): Operation | undefined {
    if (op.status !== 'pending' || !op.expiresAt || op.expiresAt.getTime() > this.runner.deps.clock.now().getTime()) return undefined;
    const { store } = this;
    return store.transaction(() => {
      const moved = store.operations.transition(op.id, {
        from: 'pending',
        to: 'expired',
        patch: { result: resultJson({ ...readResult(op), published: false, summary: 'expired without enough approvals' }) },
      });
      if (moved) store.audit.append({ actor: SYSTEM_ACTOR, action: 'operation.expired', operationId: op.id, group: op.group, detail: { expiresAt: op.expiresAt?.toISOString() } });
      return moved;
    });
  }

  private moveToCancelled(op: Operation, from: Array<Operation['status']>, cancellation: { userId: string; at: string; from: string }, failures: ReturnType<typeof readResult>['failures']): Operation | undefined {
    const { store } = this;
    return store.transaction(() => {
      const result = readResult(op);
      const moved = store.operations.transition(op.id, {
        from,
        to: 'cancelled',
        patch: {
          result: resultJson({ ...result, final: undefined, failures: [...result.failures, ...failures], cancellation, published: false, summary: 'cancelled' }),
        },
      });
      if (moved) store.audit.append({ actor: cancellation.userId, action: 'operation.cancelled', operationId: op.id, group: op.group, detail: { from: cancellation.from, failures } });
      return moved;
    });
  }
}
