/**
 * The operation report: progress and, once finished, the result of a scan, install or reboot. The
 * final one is stored on the operation (op.result.final) between computing it and publishing it, so
 * a restart republishes the same result; its type is the schema's output (dates revived).
 */
import { z } from 'zod';
import { ApprovalStateSchema } from './approval-types';
import { INVOCATION_STATUSES } from './fleet-types';
import { OPERATION_KINDS, OPERATION_STATUSES } from './lifecycle';
import { ChangePlanSchema } from './plan-record';
import {
  date,
  DriftSchema,
  InstanceLineSchema,
  optionalDate,
  ScopeFailureSchema,
  SeverityCountsSchema,
} from './record-schemas';
import { MissedSchema } from './schedule';
import { FreezeCheckSchema } from './freeze';
import { FreezeOverrideSchema } from './freeze-override-record';

/** How one instance fared in an operation. */
export const InstanceOutcomeSchema = InstanceLineSchema.extend({
  status: z.enum(INVOCATION_STATUSES),
  /** SSM's StatusDetails: Undeliverable, DeliveryTimedOut, Failed, ... */
  statusDetails: z.string().optional(),
  /** The SSM command this outcome is of (what GetCommandInvocation asks about). */
  commandId: z.string().optional(),
  /** EC2's state when the instance was not running (stopped, stopping): why its agent could not be reached. */
  ec2State: z.string().optional(),
  /** After a scan or install: the instance's compliance as SSM now reports it. */
  missing: z.number().optional(),
  pendingReboot: z.number().optional(),
});
/** One instance's outcome. */
export type InstanceOutcome = z.infer<typeof InstanceOutcomeSchema>;

/** One patch missing on some instances. */
export const MissingPatchSummarySchema = z.object({
  title: z.string(),
  kbId: z.string(),
  severity: z.string(),
  classification: z.string(),
  instances: z.array(InstanceLineSchema),
});
/** A newly missing patch and where. */
export type MissingPatchSummary = z.infer<typeof MissingPatchSummarySchema>;

/** Progress and, once finished, the result of an operation (scan, install, reboot). */
export const OperationReportSchema = z.object({
  operationId: z.string(),
  kind: z.enum(OPERATION_KINDS),
  group: z.string(),
  status: z.enum(OPERATION_STATUSES),
  requestedBy: z.string(),
  startedAt: date,
  finishedAt: optionalDate,
  /** Instances targeted, and how many have finished. */
  total: z.number(),
  finished: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  /** Undeliverable: the agent could not be reached (stopped or ConnectionLost). */
  unreachable: z.array(InstanceOutcomeSchema),
  outcomes: z.array(InstanceOutcomeSchema),
  /** After the end: instances missing patches, per severity bucket. */
  missingBySeverity: SeverityCountsSchema.optional(),
  /** After the end: patches missing now that were not missing before this operation. */
  newlyMissing: z.array(MissingPatchSummarySchema),
  failures: z.array(ScopeFailureSchema),
  /** A note for the user while something is wrong but the operation goes on (e.g. AWS unreachable while tracking). */
  notice: z.string().optional(),
  /** Install and reboot: what the card showed before anything ran. */
  plan: ChangePlanSchema.optional(),
  /** Install and reboot: who approved or rejected, and the policy. */
  approval: ApprovalStateSchema.optional(),
  /** After an install or reboot: the group's compliance as SSM reports it now. */
  complianceAfter: z
    .object({ compliant: z.number(), nonCompliant: z.number(), pendingReboot: z.number(), instances: z.number() })
    .optional(),
  /** When the commands were sent (the run's start); absent until then. "took" runs from here to finishedAt. */
  sentAt: optionalDate,
  /** Install and reboot: what the re-check right before the send found (see drift.ts). */
  drift: DriftSchema.optional(),
  /** Approved targets the command was sent for that SSM never ran it on (no invocation at the end). */
  notReached: z.array(InstanceLineSchema).optional(),
  /** A scheduled change not sent in its window or time, and why. */
  missed: MissedSchema.optional(),
  /** The group's Change Calendars as last read before the send: a CLOSED or unreadable one freezes the change. */
  freeze: FreezeCheckSchema.optional(),
  /** Break-glass votes and grant, where the group has override approvers. */
  freezeOverride: FreezeOverrideSchema.optional(),
  /** Whether the group lists freeze.overrideApprovers, so a frozen card offers the override. */
  freezeOverridable: z.boolean().optional(),
});

/** An operation's report: the schema's output (dates revived); it is stored as JSON, dates as ISO text. */
export type OperationReport = z.output<typeof OperationReportSchema>;
