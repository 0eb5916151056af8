/** The zod pieces shared by the operation record's schemas: scope failures, severity counts, dates, instance lines, drift. */
import { z } from 'zod';

/** A scope that could not be read or sent to. */
export const ScopeFailureSchema = z.object({ scope: z.string(), region: z.string(), message: z.string() });
/** Missing patch counts by severity bucket. */
export const SeverityCountsSchema = z.object({ critical: z.number(), security: z.number(), other: z.number() });
/** A date stored as ISO text. */
export const date = z.coerce.date();
/** A date stored as ISO text, or absent (null read as absent). */
export const optionalDate = z.preprocess((v) => (v === null ? undefined : v), z.coerce.date().optional());
/** An instance line as stored (name optional). */
export const LineSchema = z.object({
  instanceId: z.string(),
  name: z.string().optional(),
  scope: z.string(),
  region: z.string(),
});

/** An instance line with `name` always present (possibly undefined), as InstanceLine has it. */
export const InstanceLineSchema = LineSchema.transform((l) => ({
  instanceId: l.instanceId,
  name: l.name,
  scope: l.scope,
  region: l.region,
}));

/** The drift re-check as stored (see drift.ts). */
export const DriftSchema = z.object({
  checkedAt: date,
  blocking: z.array(z.object({ what: z.string(), instance: InstanceLineSchema.optional() })),
  offline: z.array(InstanceLineSchema),
  notIncluded: z.array(
    LineSchema.extend({ reason: z.string() }).transform((l) => ({
      instanceId: l.instanceId,
      name: l.name,
      scope: l.scope,
      region: l.region,
      reason: l.reason,
    })),
  ),
});
