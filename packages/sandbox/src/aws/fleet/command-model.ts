/** The simulated Run Command commands and their per-instance invocations. */
import type { PatchOperation, RebootOption } from './instance-model';
import type { Target } from './window-model';

/** Run Command's per-invocation status. */
export type InvocationStatus =
  | 'Pending'
  | 'InProgress'
  | 'Delayed'
  | 'Success'
  | 'Cancelled'
  | 'TimedOut'
  | 'Failed'
  | 'Cancelling';
/** Run Command's per-command status. */
export type CommandStatus = 'Pending' | 'InProgress' | 'Success' | 'Cancelled' | 'Failed' | 'TimedOut' | 'Cancelling';

/** One command on one instance. Times are epoch milliseconds; the status is computed lazily. */
export interface SimInvocation {
  instanceId: string;
  instanceName: string;
  /** When the service hands it to the agent (concurrency waves push this later). */
  sendAt: number;
  /** When the agent starts running it. */
  runAt: number;
  /** When it would finish if it runs. */
  endAt: number;
  delivered: boolean;
  willFail: boolean;
  /** Set once the invocation reached a terminal state; its effect has then been applied. */
  final?: { status: InvocationStatus; details: string; at: number; responseCode: number; output: string };
}

/** A Run Command command. */
export interface SimCommand {
  id: string;
  documentName: string;
  documentVersion: string;
  comment: string;
  parameters: Record<string, string[]>;
  instanceIds: string[];
  targets: Target[];
  requestedAt: number;
  timeoutSeconds: number;
  maxConcurrency: string;
  maxErrors: string;
  serviceRoleArn?: string;
  operation: PatchOperation;
  rebootOption: RebootOption;
  invocations: SimInvocation[];
  byInstance: Map<string, SimInvocation>;
  cancelledAt?: number;
  /** Non-terminal invocations left; 0 means the command is finished. */
  open: number;
  /** False for seeded history, whose effects are already in the initial state. */
  applyEffects: boolean;
  /** Invocations so far that count against MaxErrors (Failed, Execution Timed Out). */
  errorsAgainstMax?: number;
}
