/** The change plan stored on an install or reboot (op.plan): its schema, read back leniently, and written as JSON. */
import { z } from 'zod';
import type { Operation } from './ports';
import { InstanceLineSchema, optionalDate, ScopeFailureSchema } from './record-schemas';
import type { ChangePlan } from './types';

const PlanLineSchema = z.looseObject({
  instanceId: z.string(),
  name: z.string().optional(),
  scope: z.string(),
  region: z.string(),
});
const PlanSchema = z.looseObject({
  kind: z.enum(['install', 'reboot']),
  group: z.string(),
  targets: z.array(PlanLineSchema),
  excluded: z.array(z.looseObject({ ...PlanLineSchema.shape, reason: z.string() })),
  patches: z.array(
    z.object({
      title: z.string(),
      kbId: z.string(),
      severity: z.string(),
      classification: z.string(),
      instances: z.number(),
    }),
  ),
  rebootOption: z.enum(['RebootIfNeeded', 'NoReboot']),
  maxConcurrency: z.string(),
  maxErrors: z.string(),
  scan: z.object({ newest: optionalDate, oldest: optionalDate, maxAgeMs: z.number(), stale: z.boolean() }),
  promotion: z.preprocess(
    (v) => (v === null ? undefined : v),
    z
      .object({
        fromGroup: z.string(),
        lastInstall: z.preprocess(
          (v) => (v === null ? undefined : v),
          z.object({ operationId: z.string(), status: z.string(), finishedAt: optionalDate }).optional(),
        ),
        compliantNow: z.boolean().optional(),
        nonCompliantInstances: z.number(),
        warning: z.string().optional(),
      })
      .optional(),
  ),
  failures: z.array(ScopeFailureSchema).default([]),
  baselines: z
    .array(
      z.object({
        scope: z.string(),
        region: z.string(),
        baselineId: z.string(),
        name: z.string(),
        modifiedDate: optionalDate,
      }),
    )
    .optional(),
  otherSpelling: z
    .object({
      tagKey: z.string(),
      tagValue: z.string(),
      groupTagKey: z.string(),
      instances: z.array(InstanceLineSchema),
    })
    .optional(),
});

/** The plan stored on an install or reboot (op.plan), with its dates revived; undefined when absent or unreadable. */
export function readPlan(op: Pick<Operation, 'plan'>): ChangePlan | undefined {
  if (op.plan === null || op.plan === undefined) return undefined;
  const parsed = PlanSchema.safeParse(op.plan);
  return parsed.success ? (parsed.data as unknown as ChangePlan) : undefined;
}

/** A plan as JSON for op.plan (dates become ISO text, undefined fields are dropped). */
export function planJson(plan: ChangePlan): Record<string, unknown> {
  return JSON.parse(JSON.stringify(plan)) as Record<string, unknown>;
}
