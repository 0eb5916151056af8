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
  expiresAt: optionalDate,
  decisions: z.array(DecisionSchema),
});
/** The approval state of an install or reboot (its dates revived). */
export type ApprovalState = z.output<typeof ApprovalStateSchema>;
