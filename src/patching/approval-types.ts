/** What an approval card records: each approval or rejection, and the approval state the card shows. */

/** One approval or rejection, for the card and the audit log. */
export interface Decision {
  userId: string;
  decision: 'approved' | 'rejected';
  at: Date;
  reason?: string | undefined;
}

/** The approval state a card shows. */
export interface ApprovalState {
  required: boolean;
  minApprovals: number;
  /** User ids and user-group ids that may approve. */
  approvers: string[];
  allowSelfApproval: boolean;
  expiresAt: Date | undefined;
  decisions: Decision[];
}
