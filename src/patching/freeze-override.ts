/**
 * Break-glass for change freezes: where a group lists `freeze.overrideApprovers`, two different
 * override approvers (never the requester), each with a written reason, may let an approved change
 * a CLOSED Change Calendar holds be sent anyway. Each confirmation is one transaction that reads the
 * operation afresh (so two confirming at once are counted one after the other), appended to the
 * audit log; the second one grants the override (`result.freezeOverride.grantedAt`), audited with
 * both people, their reasons and the calendars. The freeze gate then lets the change through CLOSED
 * calendars (never through unreadable ones), and the channel is told once (the publisher's
 * `freeze-override` post). Without override approvers there is no override, and a click is told so.
 */
import type { PatchGroup } from '../config/schema';
import { said, type Sentence, principal, user, nameList } from '../sentence';
import { cameFromCard, type ApprovalAuthorizer, type ClickOrigin } from './approval-state';
import { APPROVAL_REASON_MAX, APPROVAL_REASON_MIN, givenReason } from './approval-types';
import { groupOf, type PatchingDeps } from './deps';
import { blocking } from './freeze';
import { FREEZE_OVERRIDE_POST, OVERRIDE_VOTES_NEEDED, type FreezeOverride } from './freeze-override-record';
import type { Operation, Store } from './ports';
import { readResult, resultJson } from './records';

/** Whether an operation's override was granted and the channel has not been told yet (its announcement is not in the post journal). */
export async function overrideUnannounced(
  store: Pick<Store, 'posts'>,
  op: Pick<Operation, 'id' | 'result'>,
): Promise<boolean> {
  if (readResult(op).freezeOverride?.grantedAt === undefined) return false;
  return (await store.posts.get(op.id, FREEZE_OVERRIDE_POST)) === undefined;
}

/** A click on "Override freeze…", or the dialog's submission with its reason. */
export interface OverrideInput {
  operationId: string;
  userId: string;
  reason?: string | undefined;
  /** Where the button was; when given, a click from anywhere but the operation's card is refused. */
  origin?: ClickOrigin | undefined;
}

/** What a confirmation came to: `reason_required` (nothing recorded: open the dialog), `recorded` (one of two), `granted`, or `refused`. */
export interface OverrideResult {
  outcome: 'reason_required' | 'recorded' | 'granted' | 'refused';
  userText: Sentence;
  op: Operation | undefined;
}

const outcome = (o: OverrideResult['outcome'], text: Sentence | string, op: Operation | undefined): OverrideResult => ({
  outcome: o,
  userText: typeof text === 'string' ? [text] : text,
  op,
});

/** Why an override cannot be asked for on this operation now, or undefined when it can. */
function notOverridable(op: Operation, group: PatchGroup | undefined): Sentence | undefined {
  if (!group) return [`The group ${op.group} is no longer configured; nothing was changed.`];
  if (group.freeze.overrideApprovers.length === 0)
    return [
      `${group.name} has no freeze override: its changes wait for every change calendar to open. To allow break-glass, list two or more people (or a user group) under freeze.overrideApprovers for ${group.name} in patchbot.yml. Nothing was changed.`,
    ];
  const result = readResult(op);
  if (op.status !== 'approved' || result.sentAt !== undefined)
    return [
      `The ${op.kind} ${op.id} is ${op.status}, not an approved change waiting for a freeze; nothing was changed.`,
    ];
  const stops = blocking(result.freeze);
  if (stops.length === 0)
    return [
      `The ${op.kind} ${op.id} is not frozen: no change calendar of ${group.name} is closed for it. Nothing was changed.`,
    ];
  const unreadable = stops.filter((c) => c.state === 'UNREADABLE').map((c) => c.calendar);
  if (unreadable.length > 0)
    return [
      `An override lets a change through CLOSED calendars only; ${[...new Set(unreadable)].join(', ')} cannot be read at all, which an override does not wave through. Fix the calendar or patchbot's permission (the card says which). Nothing was changed.`,
    ];
  if (result.freezeOverride?.grantedAt) return [`The freeze on ${op.id} is already overridden; nothing was changed.`];
  return undefined;
}

/** Records one override approver's confirmation; the second different one grants the override. */
export async function confirmOverride(
  deps: Pick<PatchingDeps, 'store' | 'groups' | 'clock'>,
  input: OverrideInput,
  authorizer: ApprovalAuthorizer,
): Promise<OverrideResult> {
  const { store, clock } = deps;
  const op = await store.operations.get(input.operationId);
  if (!op) return outcome('refused', `There is no such operation: ${input.operationId}.`, undefined);
  const refuse = async (why: Sentence, current: Operation = op): Promise<OverrideResult> => {
    await store.audit.append({
      actor: input.userId,
      action: 'operation.refused',
      operationId: op.id,
      group: op.group,
      detail: { decision: 'override_freeze', why: why.map((p) => (typeof p === 'string' ? p : p.id)).join('') },
    });
    return outcome('refused', why, current);
  };
  if (input.origin && !cameFromCard(op, input.origin))
    return refuse([
      `This button is not on the card of the ${op.kind} ${op.id}; a click counts only on that operation's own card. Nothing was changed.`,
    ]);
  const group = groupOf(deps.groups, op);
  const why = notOverridable(op, group);
  if (why || !group) return refuse(why ?? ['Nothing was changed.']);
  const approvers = group.freeze.overrideApprovers;
  if (input.userId === op.requestedBy)
    return refuse(
      said`You requested this change, so you cannot override its freeze: two other override approvers must (${nameList(approvers.map(principal))}).`,
    );
  if (!(await authorizer.isAnyOf(input.userId, approvers)))
    return refuse(
      said`Only the override approvers of ${group.name} may override a freeze: ${nameList(approvers.map(principal))}.`,
    );
  const already = readResult(op).freezeOverride?.votes.some((v) => v.userId === input.userId);
  if (already)
    return refuse(['You have already confirmed this override; another override approver must confirm it too.']);
  const reason = givenReason(input.reason)?.slice(0, APPROVAL_REASON_MAX);
  if (reason === undefined || reason.length < APPROVAL_REASON_MIN)
    return outcome(
      'reason_required',
      `Overriding a freeze needs a written reason of at least ${APPROVAL_REASON_MIN} characters; nothing was recorded.`,
      op,
    );
  const at = clock.now().toISOString();
  const written = await store.transaction(async (tx) => {
    const current = await tx.operations.get(op.id);
    if (!current) return { refused: [`There is no such operation: ${op.id}.`] as Sentence };
    const again = notOverridable(current, group);
    if (again) return { refused: again };
    const result = readResult(current);
    const votes = result.freezeOverride?.votes ?? [];
    if (votes.some((v) => v.userId === input.userId))
      return {
        refused: [
          'You have already confirmed this override; another override approver must confirm it too.',
        ] as Sentence,
      };
    const next = [...votes, { userId: input.userId, at, reason }];
    const granted = new Set(next.map((v) => v.userId)).size >= OVERRIDE_VOTES_NEEDED;
    const stops = blocking(result.freeze);
    const calendars = [...new Set(stops.map((c) => c.calendar))];
    const override: FreezeOverride = { votes: next, ...(granted ? { grantedAt: at, calendars } : {}) };
    await tx.operations.update(op.id, { result: resultJson({ ...result, freezeOverride: override }) });
    await tx.audit.append({
      actor: input.userId,
      action: 'operation.freeze_override_recorded',
      operationId: op.id,
      group: op.group,
      detail: { reason, confirmations: next.length, needed: OVERRIDE_VOTES_NEEDED, calendars },
    });
    if (granted)
      await tx.audit.append({
        actor: input.userId,
        action: 'operation.freeze_overridden',
        operationId: op.id,
        group: op.group,
        detail: {
          overriddenBy: next.map((v) => v.userId),
          reasons: Object.fromEntries(next.map((v) => [v.userId, v.reason])),
          calendars: stops.map((c) => ({
            calendar: c.calendar,
            scope: c.scope,
            region: c.region,
            until: c.until?.toISOString() ?? null,
          })),
        },
      });
    return { op: (await tx.operations.get(op.id)) ?? op, granted };
  });
  if ('refused' in written) return refuse(written.refused ?? ['Nothing was changed.']);
  if (written.granted)
    return outcome(
      'granted',
      `Freeze overridden: the ${op.kind} on ${op.group} is sent despite the closed change calendars, and the channel is told.`,
      written.op,
    );
  return outcome(
    'recorded',
    said`Your override is recorded (1 of ${OVERRIDE_VOTES_NEEDED}); another override approver must confirm it, not ${user(op.requestedBy)}.`,
    written.op,
  );
}
