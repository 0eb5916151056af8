/**
 * Approval decisions and cancellation of install and reboot operations. Every state change is one
 * compare-and-set in the store, so of two racing clicks (in this process or another on the same
 * file) exactly one moves the operation; approvals are counted per person by the approvals table's
 * key, and the send that follows approval is the runner's exactly-once send.
 *
 * Who may do what:
 * - approve: a listed approver (user id or member of a listed user group), not the requester unless
 *   the policy allows self-approval; the operation approves when minApprovals different people did.
 *   With requireReason, an approval without a written reason records nothing (`reason_required`,
 *   so the Slack layer asks for one); the reason is kept on the operation and in the audit log.
 * - reject: a listed approver, or the requester withdrawing their own request.
 * - cancel: the requester or a listed approver (on a group without approvers, also its operators);
 *   pending or approved → cancelled; a running scan or install has its SSM commands cancelled first;
 *   a reboot cannot be cancelled once sent (the instances are rebooting).
 * Refused clicks change nothing but are written to the audit log as `operation.refused`.
 *
 * Messages that name people are sentences (src/sentence.ts): ids marked as users or principals,
 * which the Slack layer renders as mentions and user-group handles; nothing here is Slack syntax.
 */
import { plainSentence, said, type Sentence } from '../sentence';
import type { Operation, Store } from './ports';
import type { DecideResult, RecordedDecision } from './decision';
import {
  approverNames,
  cameFromCard,
  describeState,
  type ApprovalAuthorizer,
  type ClickOrigin,
} from './approval-state';
import { cancelOperation, type CancelDeps, type CancelInput } from './cancel';
import { groupOf } from './deps';
import { expireIfDue } from './expiry';
import { readResult, resultJson } from './records';
import { APPROVAL_REASON_MAX, APPROVAL_REASON_MIN, givenReason } from './approval-types';

export {
  approvalState,
  cameFromCard,
  describeState,
  withChangeContext,
  type ApprovalAuthorizer,
  type ClickOrigin,
} from './approval-state';
export type { CancelInput } from './cancel';

/** What deciding uses: the domain's I/O, and the runner's exactly-once send for an approved change. */
export type ApprovalDeps = CancelDeps & { send: (op: Operation) => Promise<Operation> };

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

/** Decides on approval requests; see the file comment for the rules. */
export class ApprovalService {
  constructor(private readonly deps: ApprovalDeps) {}

  private get store(): Store {
    return this.deps.store;
  }

  /** See cancel.ts. */
  cancel(input: CancelInput, authorizer: ApprovalAuthorizer): Promise<Operation> {
    return cancelOperation(this.deps, input, authorizer);
  }

  /** See expiry.ts. */
  expireIfDue(op: Operation): Promise<Operation | undefined> {
    return expireIfDue(this.deps, op);
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
    const op = await store.operations.get(input.operationId);
    if (!op) return { result: result('refused', `There is no such operation: ${input.operationId}.`, undefined) };
    const refuse = async (why: Sentence | string, current: Operation = op): Promise<DecideResult> => {
      const refused = result('refused', why, current);
      await store.audit.append({
        actor: input.userId,
        action: 'operation.refused',
        operationId: op.id,
        group: op.group,
        detail: { decision: input.decision, why: refused.userMessage },
      });
      return refused;
    };
    if (input.origin && !cameFromCard(op, input.origin)) {
      return {
        result: await refuse(
          `This button is not on the card of the ${op.kind} ${op.id}; a click counts only on that operation's own card. Nothing was changed.`,
        ),
      };
    }
    return this.recordOn(op, input, authorizer, refuse);
  }

  /** record() for a known operation the click may act on. */
  private async recordOn(
    op: Operation,
    input: DecideInput,
    authorizer: ApprovalAuthorizer,
    refuse: (why: Sentence | string, current?: Operation) => Promise<DecideResult>,
  ): Promise<RecordedDecision> {
    const { store } = this;
    const late = () => input.inTime !== undefined && !input.inTime();
    const done = (r: DecideResult): RecordedDecision => ({ result: r });
    const expired = await this.expireIfDue(op);
    if (expired)
      return done(
        await refuse(
          `This request expired${expired.expiresAt ? ` at ${expired.expiresAt.toISOString()}` : ''}; it can no longer be approved. Request it again.`,
          expired,
        ),
      );
    if (op.status !== 'pending') return done(await refuse(await describeState(store, op)));
    const group = groupOf(this.deps.groups, op);
    if (!group) return done(await refuse(`The group ${op.group} is no longer configured.`));
    const policy = group.approval;
    const isRequester = input.userId === op.requestedBy;
    const approvers = approverNames(policy.approvers);

    if (input.decision === 'reject') {
      if (!isRequester && !(await authorizer.isAnyOf(input.userId, policy.approvers))) {
        return done(
          await refuse(
            said`Only the approvers of ${group.name} (${approvers}) or the requester may reject this request.`,
          ),
        );
      }
      if (late()) return done(result('refused', TOO_LATE, op));
      const rejection = {
        userId: input.userId,
        at: this.deps.clock.now().toISOString(),
        ...(input.reason ? { reason: input.reason } : {}),
      };
      const rejected = await store.transaction(async (tx) => {
        const current = (await tx.operations.get(op.id)) ?? op;
        const moved = await tx.operations.transition(op.id, {
          from: 'pending',
          to: 'rejected',
          patch: {
            result: resultJson({
              ...readResult(current),
              rejection,
              published: false,
              summary: `rejected${input.reason ? `: ${input.reason}` : ''}`,
            }),
          },
        });
        if (moved) {
          await tx.audit.append({
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
        const now = (await store.operations.get(op.id)) ?? op;
        return done(await refuse(await describeState(store, now), now));
      }
      return done(
        result(
          'rejected',
          isRequester ? 'You withdrew your request.' : `You rejected the ${op.kind} on ${op.group}.`,
          rejected,
        ),
      );
    }

    if (isRequester && !policy.allowSelfApproval)
      return done(await refuse('You requested this change; another approver must approve it.'));
    if (!(await authorizer.isAnyOf(input.userId, policy.approvers))) {
      return done(await refuse(said`Only the approvers of ${group.name} may approve this change: ${approvers}.`));
    }
    // Checked after who may approve, so the reason dialog opens only for someone whose approval would count.
    const reason = givenReason(input.reason)?.slice(0, APPROVAL_REASON_MAX);
    if (policy.requireReason && (reason === undefined || reason.length < APPROVAL_REASON_MIN)) {
      return done(
        result(
          'reason_required',
          `Approving a change on ${group.name} needs a written reason of at least ${APPROVAL_REASON_MIN} characters; nothing was recorded.`,
          op,
        ),
      );
    }
    if (late()) return done(result('refused', TOO_LATE, op));
    // The vote, the count it makes and the move to approved are one transaction: two approvers
    // clicking at once in one process are counted one after the other, as across processes.
    const counted = await store.transaction(async (tx) => {
      const vote = await tx.approvals.add(op.id, input.userId);
      if (vote === 'not_found' || vote === 'not_pending') return { vote, votes: [], approved: undefined };
      const votes = await tx.approvals.list(op.id);
      if (vote === 'duplicate') return { vote, votes, approved: undefined };
      // The reason is kept on the operation beside the vote, in the vote's transaction, for the card.
      const current = readResult((await tx.operations.get(op.id)) ?? op);
      const reasons = reason ? { ...current.approvalReasons, [input.userId]: reason } : current.approvalReasons;
      if (reason) await tx.operations.update(op.id, { result: resultJson({ ...current, approvalReasons: reasons }) });
      await tx.audit.append({
        actor: input.userId,
        action: 'operation.approval_recorded',
        operationId: op.id,
        group: op.group,
        detail: { approvals: votes.length, needed: policy.minApprovals, ...(reason ? { reason } : {}) },
      });
      if (votes.length < policy.minApprovals) return { vote, votes, approved: undefined };
      const approved = await tx.operations.transition(op.id, { from: 'pending', to: 'approved' });
      if (approved) {
        await tx.audit.append({
          actor: input.userId,
          action: 'operation.approved',
          operationId: op.id,
          group: op.group,
          detail: { approvers: votes.map((v) => v.userId), ...(reasons ? { reasons } : {}) },
        });
      }
      return { vote, votes, approved };
    });
    const { vote, votes, approved } = counted;
    if (vote === 'not_found') return done(await refuse(`There is no such operation: ${op.id}.`));
    if (vote === 'not_pending') {
      const now = (await store.operations.get(op.id)) ?? op;
      return done(await refuse(await describeState(store, now), now));
    }
    if (vote === 'duplicate')
      return done(
        await refuse(`You have already approved this change (${votes.length} of ${policy.minApprovals} approvals).`),
      );
    if (votes.length < policy.minApprovals) {
      return done(
        result(
          'recorded',
          `Your approval is recorded: ${votes.length} of ${policy.minApprovals} approvals.`,
          (await store.operations.get(op.id)) ?? op,
        ),
      );
    }
    if (!approved) {
      const now = (await store.operations.get(op.id)) ?? op;
      if (
        now.status === 'approved' ||
        now.status === 'sending' ||
        now.status === 'running' ||
        now.status === 'succeeded' ||
        now.status === 'failed'
      ) {
        return done(
          result(
            'recorded',
            'Your approval is recorded; the change was approved at the same moment and runs once.',
            now,
          ),
        );
      }
      return done(await refuse(await describeState(store, now), now));
    }
    return {
      result: result('approved', `Approved: the ${op.kind} on ${op.group} is on its way.`, approved),
      // The runner's approved → sending claim makes this the only send, whoever else (a tracker) tries.
      send: async () => {
        const sent = await this.deps.send(approved);
        return result(
          'approved',
          `Approved: the ${op.kind} on ${op.group} is ${sent.status === 'failed' ? 'approved, but it could not be sent (see its message)' : 'on its way'}.`,
          sent,
        );
      },
    };
  }
}
