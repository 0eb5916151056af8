/**
 * The zod pieces shared by the stored records (the plan, the final report, the result): scope
 * failures, severity counts, dates, instance lines, drift. Each stored shape is the `z.infer` of
 * its schema; where the schema coerces a date or preprocesses a null the type is spelled `z.output`
 * on purpose: the domain holds what reading yields (Dates, null read as absent), and the input side
 * is only ever the JSON written from that value (dates as ISO text), so no type names it.
 *
 * Objects are exact (`z.object`: a key the schema does not name is dropped on read, not kept and
 * not refused): during a rolling restart an older process reads what a newer one wrote, and a
 * refused record would lose the whole plan or report where dropping one new field loses nothing.
 */
import { z } from 'zod';

/** A scope that could not be read or sent to. */
export const ScopeFailureSchema = z.object({
  scope: z.string(),
  region: z.string(),
  /** The error's user message (plain text; views escape it). */
  message: z.string(),
});
/** A scope and region that could not be read, with what the user can do about it. */
export type ScopeFailure = z.infer<typeof ScopeFailureSchema>;

/** Missing patch counts by SSM's compliance severity buckets. */
export const SeverityCountsSchema = z.object({ critical: z.number(), security: z.number(), other: z.number() });
/** Missing patch counts by severity bucket. */
export type SeverityCounts = z.infer<typeof SeverityCountsSchema>;

/** A date stored as ISO text (coerced: the input is the text, the output a Date). */
export const date = z.coerce.date();
/** A date stored as ISO text, or absent (null, which hand-written records use, read as absent). */
export const optionalDate = z.preprocess((v) => (v === null ? undefined : v), z.coerce.date().optional());

/** One instance as a line in a report (name absent when the instance has no Name tag). */
export const InstanceLineSchema = z.object({
  instanceId: z.string(),
  name: z.string().optional(),
  scope: z.string(),
  region: z.string(),
});
/** One instance as a line in a report. */
export type InstanceLine = z.infer<typeof InstanceLineSchema>;

/** An instance left out of a change, and why. */
export const ReasonedLineSchema = InstanceLineSchema.extend({ reason: z.string() });

/** One thing the approver saw that is no longer true when the change is about to be sent. */
export const DriftItemSchema = z.object({
  /** Plain words: "stopped since the card was posted", "baseline prd-al2 was modified at …". */
  what: z.string(),
  /** The instance concerned, when it is about one. */
  instance: InstanceLineSchema.optional(),
});
/** One fact that changed since approval. */
export type DriftItem = z.infer<typeof DriftItemSchema>;

/**
 * The re-check right before an approved change is sent (see drift.ts). `blocking` facts stop the
 * send (nothing is sent; a new plan needs a new approval); offline targets are left out of this send
 * and reported; instances nobody approved (new in the group, or excluded and reachable now) are not included.
 */
export const DriftSchema = z.object({
  checkedAt: date,
  blocking: z.array(DriftItemSchema),
  offline: z.array(InstanceLineSchema),
  notIncluded: z.array(ReasonedLineSchema),
});
/** The drift re-check as read back (its date revived). */
export type DriftReport = z.output<typeof DriftSchema>;
