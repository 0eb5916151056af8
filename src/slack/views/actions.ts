/**
 * The ids the approval card's buttons and the reject modal carry, shared by the views that render
 * them and the Bolt listeners that handle them. Every button's `value` is the operation id and
 * nothing else: the handler loads the operation from the store and trusts nothing in the payload.
 */

/** `action_id` of each button on an approval card. */
export const ACTIONS = {
  approve: 'patchbot.approve',
  reject: 'patchbot.reject',
  scanFirst: 'patchbot.scan_first',
  replan: 'patchbot.replan',
  retryFailed: 'patchbot.retry_failed',
  /** Break-glass on a frozen card (only where the group lists freeze.overrideApprovers). */
  overrideFreeze: 'patchbot.override_freeze',
} as const;

/** One of the card's action ids. */
export type ActionId = (typeof ACTIONS)[keyof typeof ACTIONS];

/** The reject modal: its callback id (view_submission), and where the optional reason is read from. */
export const REJECT_MODAL = {
  callbackId: 'patchbot.reject_reason',
  blockId: 'reason',
  actionId: 'reason_input',
} as const;

/** The longest reason the modal accepts (the card shows it in full). */
export const REJECT_REASON_MAX = 500;

/** The approve modal (approval.requireReason): its callback id (view_submission), and where the required reason is read from. */
export const APPROVE_MODAL = {
  callbackId: 'patchbot.approve_reason',
  blockId: 'reason',
  actionId: 'reason_input',
} as const;

/** The freeze override dialog: its callback id (view_submission), and where the required reason is read from. */
export const OVERRIDE_MODAL = {
  callbackId: 'patchbot.override_freeze_reason',
  blockId: 'reason',
  actionId: 'reason_input',
} as const;
