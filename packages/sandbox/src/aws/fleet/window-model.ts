/** The simulated maintenance windows: targets, tasks and executions. */

/** A target as SSM models it: `tag:<key>`, `tag-key`, `InstanceIds`, `WindowTargetIds`. */
export interface Target {
  Key: string;
  Values: string[];
}

/** A registered maintenance window target. */
export interface WindowTarget {
  id: string;
  name: string;
  description?: string;
  ownerInformation?: string;
  targets: Target[];
}

/** A registered maintenance window task (always an AWS-RunPatchBaseline RUN_COMMAND here). */
export interface WindowTask {
  id: string;
  name: string;
  description?: string;
  taskArn: string;
  priority: number;
  /** Refers to window targets: `[{ Key: 'WindowTargetIds', Values: [...] }]`. */
  targets: Target[];
  parameters: Record<string, string[]>;
  maxConcurrency: string;
  maxErrors: string;
  serviceRoleArn?: string;
  cutoffBehavior: 'CONTINUE_TASK' | 'CANCEL_TASK';
}

/** A maintenance window. */
export interface MaintenanceWindow {
  id: string;
  name: string;
  description?: string;
  schedule: string;
  scheduleTimezone?: string;
  scheduleOffset?: number;
  duration: number;
  cutoff: number;
  enabled: boolean;
  allowUnassociatedTargets: boolean;
  createdDate: Date;
  modifiedDate: Date;
  targets: WindowTarget[];
  tasks: WindowTask[];
}

/** Maintenance window execution statuses. */
export type WindowExecutionStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'SUCCESS'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'CANCELLING'
  | 'CANCELLED'
  | 'SKIPPED_OVERLAPPING';

/** One task's run inside a window execution. */
export interface WindowTaskExecution {
  id: string;
  task: WindowTask;
  commandId?: string;
  startedAt?: number;
  /** Per-target invocation ids, keyed by instance id, with the window target it came from. */
  invocations: { id: string; instanceId: string; windowTargetId: string; ownerInformation?: string }[];
}

/** A maintenance window execution. */
export interface WindowExecution {
  id: string;
  windowId: string;
  startedAt: number;
  tasks: WindowTaskExecution[];
  /** Index of the task running now; equals tasks.length once all ran. */
  current: number;
  endedAt?: number;
  applyEffects: boolean;
}
