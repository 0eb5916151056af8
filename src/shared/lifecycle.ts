/**
 * The operation lifecycle as pure data: which kinds exist, which statuses, and which moves between
 * them are legal. The store enforces this table on every status change, so a bug elsewhere cannot
 * move an operation backwards (say from `running` to `approved`) and send its command twice.
 */

/** What an operation does to a patch group. */
export type OperationKind = 'scan' | 'install' | 'reboot';

/** Every operation kind, in a stable order (for schemas and help text). */
export const OPERATION_KINDS = ['scan', 'install', 'reboot'] as const satisfies readonly OperationKind[];

/** Where an operation is in its life; see TRANSITIONS for the legal moves. */
export type OperationStatus =
  | 'pending'
  | 'approved'
  | 'sending'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'rejected'
  | 'expired';

/** Every status, in lifecycle order. */
export const OPERATION_STATUSES = [
  'pending',
  'approved',
  'sending',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'rejected',
  'expired',
] as const satisfies readonly OperationStatus[];

/**
 * The legal moves. `sending` is the claim taken before SendCommand: whoever moves approved→sending
 * is the only one allowed to send, and a restart that finds `sending` must ask SSM (by the Comment)
 * before sending again. `sending` cannot be cancelled: the command may already be out.
 * `approved → expired` is a scheduled change whose window or time passed before it could be sent
 * (result.missed says why): nothing was sent, and it never will be.
 */
const TRANSITIONS: Readonly<Record<OperationStatus, readonly OperationStatus[]>> = {
  pending: ['approved', 'rejected', 'expired', 'cancelled'],
  approved: ['sending', 'cancelled', 'expired'],
  sending: ['running', 'failed'],
  running: ['succeeded', 'failed', 'cancelled'],
  succeeded: [],
  failed: [],
  cancelled: [],
  rejected: [],
  expired: [],
};

/** The statuses an operation may be created in: `pending` awaits approval, `approved` runs at once. */
export const INITIAL_STATUSES: readonly OperationStatus[] = ['pending', 'approved'];

/** Statuses with no way out; reaching one sets the operation's finishedAt. */
export const TERMINAL_STATUSES: readonly OperationStatus[] = [
  'succeeded',
  'failed',
  'cancelled',
  'rejected',
  'expired',
];

/** Statuses a restarted bot must pick up again (send, check SSM, or keep tracking). */
export const UNFINISHED_STATUSES: readonly OperationStatus[] = ['approved', 'sending', 'running'];

/** Whether the lifecycle allows moving an operation from `from` to `to`. */
export function canTransition(from: OperationStatus, to: OperationStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Whether `status` is final. */
export function isTerminal(status: OperationStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** The statuses reachable from `from` in one step. */
export function nextStatuses(from: OperationStatus): readonly OperationStatus[] {
  return TRANSITIONS[from];
}
