/** The simulated Run Command commands and their per-instance invocations. */
import type { PatchOperation, RebootOption } from './instance-model';
import type { Target } from './window-model';
import type { OverrideEntry } from './override-list';
import type { InvocationOutput } from './output';

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
  /** The InstallOverrideList the agent fetched when the invocation started, parsed. */
  overrideList?: { url: string; patches: OverrideEntry[] };
  /** A failure decided when the invocation started (an override list it could not use). */
  failure?: InvocationOutput;
  /** Set once the invocation reached a terminal state; its effect has then been applied. */
  final?: {
    status: InvocationStatus;
    details: string;
    at: number;
    responseCode: number;
    /** Everything written to stdout (callers cut it to the API's limits). */
    output: string;
    stderr: string;
    /** Where the output went in S3, when the command asked for it and the plugin ran. */
    outputUrls?: { stdout: string; stderr: string };
  };
}

/** Where a command's output goes in S3 (SendCommand's OutputS3BucketName and OutputS3KeyPrefix). */
export interface OutputS3 {
  bucket: string;
  prefix: string;
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
  outputS3?: OutputS3;
}
