/**
 * The domain's schemas for the operation record's opaque JSON columns (params and result). The
 * store only guarantees they are JSON; here they are parsed with zod, so a record written by another
 * version or by hand is read as far as it makes sense and never crashes the tracker.
 */
import { z } from 'zod';
import type { PatchGroup } from '../config/schema';
import type { Operation } from './ports';
import type { DriftReport, OperationReport, ScopeFailure, SeverityCounts } from './types';
import {
  DriftSchema,
  LineSchema,
  optionalDate,
  date,
  ScopeFailureSchema,
  SeverityCountsSchema,
} from './record-schemas';

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

/** The final report as stored while an operation finishes (dates as ISO text), so a restart republishes the same result. */
const StoredReportSchema = z.looseObject({
  operationId: z.string(),
  kind: z.enum(['scan', 'install', 'reboot']),
  group: z.string(),
  status: z.string(),
  requestedBy: z.string(),
  startedAt: date,
  finishedAt: optionalDate,
  total: z.number(),
  finished: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  unreachable: z.array(
    z.looseObject({
      ...LineSchema.shape,
      status: z.string(),
      statusDetails: z.string().optional(),
      ec2State: z.string().optional(),
    }),
  ),
  outcomes: z.array(z.looseObject({ ...LineSchema.shape, status: z.string(), statusDetails: z.string().optional() })),
  missingBySeverity: SeverityCountsSchema.optional(),
  newlyMissing: z.array(
    z.object({
      title: z.string(),
      kbId: z.string(),
      severity: z.string(),
      classification: z.string(),
      instances: z.array(LineSchema),
    }),
  ),
  failures: z.array(ScopeFailureSchema),
  notice: z.string().optional(),
  sentAt: optionalDate,
  drift: DriftSchema.optional(),
  notReached: z.array(LineSchema).optional(),
});

/** Counts kept in the compact result, for history and for later evidence (promoteFrom). */
export interface ResultCounts {
  total: number;
  succeeded: number;
  failed: number;
  unreachable: number;
}

/** op.result as the domain writes it. */
export interface OperationResult {
  /** One line for history, e.g. "7 of 8 scanned, 1 unreachable; 1 patch newly missing". */
  summary?: string | undefined;
  counts?: ResultCounts | undefined;
  missingBySeverity?: SeverityCounts | undefined;
  newlyMissing?: number | undefined;
  /** Scopes that could not be sent to or read. */
  failures: ScopeFailure[];
  /** True once the 'finished' publish happened: a restart must not post the result (or its thread) again. */
  published?: boolean | undefined;
  /** The final report, kept only between computing it and the terminal transition. */
  final?: OperationReport | undefined;
  /** Set when an approver rejected the operation (or the requester withdrew it). */
  rejection?: { userId: string; at: string; reason?: string | undefined } | undefined;
  /** Set when someone cancelled the operation. */
  cancellation?: { userId: string; at: string; from: string } | undefined;
  /** A reboot: written before RebootInstances is called (`requestedAt`), then what was rebooted. */
  reboot?:
    | { requestedAt: string; rebooted?: Array<{ scope: string; region: string; instanceIds: string[] }> | undefined }
    | undefined;
  /** An approved install: exactly the instances it is sent to (tagged, then targeted by that tag), recorded before the first call. */
  sendSet?: SendSet | undefined;
  /** An approved change: the re-check right before the send. */
  drift?: DriftReport | undefined;
  /** When the commands went out (ISO text): "took" counts from here. */
  sentAt?: string | undefined;
  /** Set once the send set's marker tag has been removed again. */
  tagsReleased?: boolean | undefined;
  /** Sends started per scope and region, written before each SendCommand (see send-attempts.ts). */
  attempts?: SendAttempt[] | undefined;
  /** At the end: whether anything went wrong short of failing (unreachable, offline, not reached), for "finished with problems". */
  problems?: boolean | undefined;
  /** The write-ahead journal of the operation's Slack posts (card, thread parts), by key; see post-journal.ts. */
  posts?: Record<string, PostRecord> | undefined;
}

/**
 * One Slack post of an operation: `posting` is written before chat.postMessage is called (a
 * restart or another process must look it up before posting again, and not before `settleAt`, when
 * a request still in flight can no longer land); `posted` holds where it landed.
 */
export type PostRecord =
  | { state: 'posting'; at: string; settleAt: string }
  | { state: 'posted'; at: string; ts: string };

const PostRecordSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('posting'), at: z.string(), settleAt: z.string() }),
  z.object({ state: z.literal('posted'), at: z.string(), ts: z.string() }),
]);

const ResultSchema = z.looseObject({
  summary: z.string().optional(),
  counts: z
    .object({ total: z.number(), succeeded: z.number(), failed: z.number(), unreachable: z.number() })
    .optional(),
  missingBySeverity: SeverityCountsSchema.optional(),
  newlyMissing: z.number().optional(),
  failures: z.array(ScopeFailureSchema).default([]),
  published: z.boolean().optional(),
  final: z.unknown().optional(),
  rejection: z.object({ userId: z.string(), at: z.string(), reason: z.string().optional() }).optional(),
  cancellation: z.object({ userId: z.string(), at: z.string(), from: z.string() }).optional(),
  reboot: z
    .object({
      requestedAt: z.string(),
      rebooted: z
        .array(z.object({ scope: z.string(), region: z.string(), instanceIds: z.array(z.string()) }))
        .optional(),
    })
    .optional(),
  sendSet: SendSetSchema.optional(),
  attempts: z.array(SendAttemptSchema).optional(),
  drift: DriftSchema.optional(),
  sentAt: z.string().optional(),
  tagsReleased: z.boolean().optional(),
  problems: z.boolean().optional(),
  posts: z.record(z.string(), PostRecordSchema).optional(),
});

/** Reads op.result leniently: unknown or malformed parts are dropped, never thrown. */
export function readResult(op: Pick<Operation, 'result'>): OperationResult {
  const parsed = ResultSchema.safeParse(op.result ?? {});
  if (!parsed.success) return { failures: [] };
  const { final, ...rest } = parsed.data;
  const report = final === undefined ? undefined : StoredReportSchema.safeParse(final);
  return {
    ...rest,
    failures: rest.failures,
    final: report?.success ? (report.data as unknown as OperationReport) : undefined,
  };
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
