/**
 * The one authorizer and the one decision result, shared by the domain, commands and the Slack
 * layer (which implements Authorizer and renders DecideResult).
 */
import type { Sentence } from '../sentence';
import type { Operation } from './ports';

/** Who may do what: whether a user is one of a list of Slack principals (user ids, or members of user-group ids); may ask Slack, so asynchronous. */
export interface Authorizer {
  /** Whether the user is one of the principals. */
  isAnyOf(userId: string, principals: readonly string[]): Promise<boolean>;
}

/**
 * What a decision (approve, reject) came to: `userText` is what to tell the clicker (people named by
 * id, for the Slack layer to render; userMessage is its plain form for logs and tests). `op` is the
 * operation as it now is (undefined for an unknown id).
 */
export interface DecideResult {
  /** `reason_required`: nothing recorded; the group asks for a written reason, so the Slack layer opens the reason dialog. */
  outcome: 'approved' | 'recorded' | 'rejected' | 'refused' | 'reason_required';
  userText: Sentence;
  userMessage: string;
  op: Operation | undefined;
}

/**
 * A decision as recorded: the result to tell the clicker now and, when this click approved the
 * change, `send` to call afterwards (the approval is stored first, so a crash before the send
 * leaves an approved operation the tracker sends on restart).
 */
export interface RecordedDecision {
  result: DecideResult;
  send?: () => Promise<DecideResult>;
}
