/** The change plan stored on an install or reboot (op.plan): its schema and type, read back leniently, and written as JSON. */
import { z } from 'zod';
import type { Operation } from './ports';
import { OtherSpellingSchema, PlanBaselineSchema, PlannedPatchSchema, PromotionEvidenceSchema } from './plan-parts';
import { InstanceLineSchema, optionalDate, ReasonedLineSchema, ScopeFailureSchema } from './record-schemas';
import { ScheduleSchema } from './schedule';
import { PinnedListSchema } from './promote-record';
import { FreezeCheckSchema, IF_FROZEN } from './freeze';

/** What an install or reboot will change, shown on the card before anything runs. */
export const ChangePlanSchema = z.object({
  kind: z.enum(['install', 'reboot']),
  group: z.string(),
  /** Instances the change runs on. */
  targets: z.array(InstanceLineSchema),
  /** Instances left out and why (stopped, agent unreachable, nothing pending for a reboot). */
  excluded: z.array(ReasonedLineSchema),
  /** Install: the patches, worst first. */
  patches: z.array(PlannedPatchSchema),
  rebootOption: z.enum(['RebootIfNeeded', 'NoReboot']),
  maxConcurrency: z.string(),
  maxErrors: z.string(),
  /** Age of the latest scan the plan rests on; the dates absent when the group was never scanned. */
  scan: z.object({ newest: optionalDate, oldest: optionalDate, maxAgeMs: z.number(), stale: z.boolean() }),
  promotion: z.preprocess((v) => (v === null ? undefined : v), PromotionEvidenceSchema.optional()),
  /** Absent from plans stored before failures were recorded: read as none. */
  failures: z.array(ScopeFailureSchema).default([]),
  /** Install: the baseline behind the plan in each scope and region, re-checked right before the send. */
  baselines: z.array(PlanBaselineSchema).optional(),
  /** Instances tagged with the group's value under the other tag key: SSM counts them, this change does not reach them. */
  otherSpelling: OtherSpellingSchema.optional(),
  /** When it is sent: in a maintenance window or at a time; absent: as soon as it is approved. */
  schedule: ScheduleSchema.optional(),
  /** Retry failed: the operation whose failed instances this change is for (its targets are exactly those). */
  retryOf: z.string().optional(),
  /** A promote: exactly the patches the source's last successful install installed, pinned with InstallOverrideList. */
  pinned: PinnedListSchema.optional(),
  /** The group's Change Calendars as read when the change was planned; absent when it names none. */
  freeze: FreezeCheckSchema.optional(),
  /** What the requester chose should a calendar be closed when the change is due: wait for it to open, or give up. */
  ifFrozen: z.enum(IF_FROZEN).optional(),
});

/**
 * A change plan: the schema's output (dates revived, `failures` always present), which is what the
 * domain builds and reads; the input side is only ever JSON from the store.
 */
export type ChangePlan = z.output<typeof ChangePlanSchema>;

/** The plan stored on an install or reboot (op.plan), with its dates revived; undefined when absent or unreadable. */
export function readPlan(op: Pick<Operation, 'plan'>): ChangePlan | undefined {
  if (op.plan === null || op.plan === undefined) return undefined;
  const parsed = ChangePlanSchema.safeParse(op.plan);
  return parsed.success ? parsed.data : undefined;
}

/** A plan as JSON for op.plan (dates become ISO text, undefined fields are dropped). */
export function planJson(plan: ChangePlan): Record<string, unknown> {
  return JSON.parse(JSON.stringify(plan)) as Record<string, unknown>;
}
