/** What an approval card records: each approval or rejection, and the approval state the card shows (stored on the final report). */
import { z } from 'zod';
import { date, optionalDate } from './record-schemas';

/** One approval or rejection, for the card and the audit log. */
export const DecisionSchema = z.object({
  userId: z.string(),
  decision: z.enum(['approved', 'rejected']),
  at: date,
  reason: z.string().optional(),
});
/** One approval or rejection (its date revived). */
export type Decision = z.output<typeof DecisionSchema>;

/** The approval state a card shows. */
export const ApprovalStateSchema = z.object({
  required: z.boolean(),
  minApprovals: z.number(),
  /** User ids and user-group ids that may approve. */
  approvers: z.array(z.string()),
  allowSelfApproval: z.boolean(),
  /** Whether an approval needs a written reason (the group's approval.requireReason); absent in reports stored before. */
  requireReason: z.boolean().optional(),
  expiresAt: optionalDate,
  decisions: z.array(DecisionSchema),
});
/** The approval state of an install or reboot (its dates revived). */
export type ApprovalState = z.output<typeof ApprovalStateSchema>;

/** The shortest approval reason accepted where the policy asks for one (trimmed): a few words, not "ok". */
export const APPROVAL_REASON_MIN = 10;

/** The longest approval reason kept (the card and the audit log show it whole). */
export const APPROVAL_REASON_MAX = 500;

/** A reason as given, trimmed; undefined when it is blank. */
export function givenReason(reason: string | undefined): string | undefined {
  const text = reason?.trim();
  return text ? text : undefined;
}
