/**
 * The domain's schemas for the operation record's opaque JSON columns (params and result). The
 * store only guarantees they are JSON; here they are parsed with zod, so a record written by another
 * version or by hand is read as far as it makes sense and never crashes the tracker.
 */
import { z } from 'zod';
import type { PatchGroup } from '../config/schema';
import type { Operation } from './ports';
import { DriftSchema, ScopeFailureSchema, SeverityCountsSchema } from './record-schemas';
import { OperationReportSchema } from './report-record';
import { MissedSchema } from './schedule';
import { FailureDetailSchema } from './failure-record';
import { FreezeCheckSchema } from './freeze';
import { FreezeOverrideSchema } from './freeze-override-record';

export { planJson, readPlan } from './plan-record';

/** What a patch command operation asks SSM for (op.params). Other keys (install plans, ...) are kept. */
export const PatchParamsSchema = z.looseObject({
  operation: z.enum(['Scan', 'Install']),
  rebootOption: z.enum(['RebootIfNeeded', 'NoReboot']),
  maxConcurrency: z.string().min(1),
  maxErrors: z.string().min(1),
  timeoutSeconds: z.number().int().min(30),
});

/** op.params of a scan or install. */
export type PatchParams = z.infer<typeof PatchParamsSchema>;

/** The params of a scan of `group`: Scan never reboots; rate and timeout follow the group's install settings. */
export function scanParams(group: Pick<PatchGroup, 'install'>): PatchParams {
  return {
    operation: 'Scan',
    rebootOption: 'NoReboot',
    maxConcurrency: group.install.maxConcurrency,
    maxErrors: group.install.maxErrors,
    timeoutSeconds: group.install.timeoutSeconds,
  };
}

/** The instances an approved change is sent to, per scope and region: written before the first side effect. */
const SendSetSchema = z.array(
  z.object({ scope: z.string(), region: z.string(), instanceIds: z.array(z.string()).min(1) }),
);

/** Where an approved change goes, as recorded before anything is sent. */
export type SendSet = z.infer<typeof SendSetSchema>;

/** A send started to one scope and region (written before the call; see send-attempts.ts). */
const SendAttemptSchema = z.object({
  scope: z.string(),
  region: z.string(),
  at: z.string(),
  count: z.number().int().min(1),
});

/** One scope's write-ahead send record. */
export type SendAttempt = z.infer<typeof SendAttemptSchema>;

/** Counts kept in the compact result, for history and for later evidence (promoteFrom). */
const ResultCountsSchema = z.object({
  total: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  unreachable: z.number(),
});

/** The compact result's counts. */
export type ResultCounts = z.infer<typeof ResultCountsSchema>;

/**
 * op.result as the domain writes it. Loose on purpose: the result is read, changed and written back
 * (`resultJson({ ...readResult(op), … })`), so a key this version does not know (written by a newer
 * process on the same file) must survive the round trip.
 */
const ResultSchema = z.looseObject({
  /** One line for history, e.g. "7 of 8 scanned, 1 unreachable; 1 patch newly missing". */
  summary: z.string().optional(),
  counts: ResultCountsSchema.optional(),
  missingBySeverity: SeverityCountsSchema.optional(),
  newlyMissing: z.number().optional(),
  /** Scopes that could not be sent to or read. */
  failures: z.array(ScopeFailureSchema).default([]),
  /** True once the 'finished' publish happened: a restart must not post the result (or its thread) again. */
  published: z.boolean().optional(),
  /** The final report, kept only between computing it and the terminal transition; an unreadable one is dropped, the rest kept. */
  final: OperationReportSchema.optional().catch(undefined),
  /** Set when an approver rejected the operation (or the requester withdrew it). */
  rejection: z.object({ userId: z.string(), at: z.string(), reason: z.string().optional() }).optional(),
  /** The written reason of each approval that gave one, by approver (approval.requireReason). */
  approvalReasons: z.record(z.string(), z.string()).optional(),
  /** Set when someone cancelled the operation. */
  cancellation: z.object({ userId: z.string(), at: z.string(), from: z.string() }).optional(),
  /** A reboot: written before RebootInstances is called (`requestedAt`), then what was rebooted. */
  reboot: z
    .object({
      requestedAt: z.string(),
      rebooted: z
        .array(z.object({ scope: z.string(), region: z.string(), instanceIds: z.array(z.string()) }))
        .optional(),
    })
    .optional(),
  /** An approved install: exactly the instances it is sent to (tagged, then targeted by that tag), recorded before the first call. */
  sendSet: SendSetSchema.optional(),
  /** Sends started per scope and region, written before each SendCommand (see send-attempts.ts). */
  attempts: z.array(SendAttemptSchema).optional(),
  /** An approved change: the re-check right before the send. */
  drift: DriftSchema.optional(),
  /** When the commands went out (ISO text): "took" counts from here. */
  sentAt: z.string().optional(),
  /** Set once the send set's marker tag has been removed again. */
  tagsReleased: z.boolean().optional(),
  /** At the end: whether anything went wrong short of failing (unreachable, offline, not reached), for "finished with problems". */
  problems: z.boolean().optional(),
  /** A scheduled change that was not sent in its window or time, and why (approved → expired; see schedule.ts). */
  missed: MissedSchema.optional(),
  /** The group's Change Calendars as last read before the send (see freeze.ts); the card shows a freeze from it. */
  freeze: FreezeCheckSchema.optional(),
  /** Break-glass: the override approvers' votes to send despite CLOSED calendars, and when it was granted. */
  freezeOverride: FreezeOverrideSchema.optional(),
  /** An install or reboot with failed instances: their output for the thread, and whom Retry failed targets (failure-record.ts). */
  failureDetail: FailureDetailSchema.optional().catch(undefined),
  /** Set once Retry failed planned a change for this operation's failed instances: that change's id (one retry per operation). */
  retriedAs: z.string().optional(),
});

/** op.result as read: the schema's output (`failures` always present, the final report's dates revived). */
export type OperationResult = z.output<typeof ResultSchema>;

/** Reads op.result leniently: unknown or malformed parts are dropped, never thrown. */
export function readResult(op: Pick<Operation, 'result'>): OperationResult {
  const parsed = ResultSchema.safeParse(op.result ?? {});
  return parsed.success ? parsed.data : { failures: [] };
}

/** op.result as JSON (the final report's dates become ISO text; undefined fields are dropped). */
export function resultJson(result: OperationResult): Record<string, unknown> {
  return JSON.parse(JSON.stringify(result)) as Record<string, unknown>;
}

/** op.params of a reboot: the instances to reboot per scope and region, and the follow-up scan's settings. */
export const RebootParamsSchema = z.looseObject({
  operation: z.literal('Reboot'),
  targets: z.array(z.object({ scope: z.string(), region: z.string(), instanceIds: z.array(z.string()).min(1) })),
  maxConcurrency: z.string().min(1),
  maxErrors: z.string().min(1),
  timeoutSeconds: z.number().int().min(30),
});

/** op.params of a reboot. */
export type RebootParams = z.infer<typeof RebootParamsSchema>;
