/**
 * The daily compliance history's retention and the patch SLA (issue 18): how many days the store
 * keeps, and how long an instance may miss a Critical or an Important patch before status and the
 * digest list it. The history is per UTC day, so SLA durations are whole days ("7d").
 */
import type { z } from 'zod';
import { DurationSchema, intBetween, strictObject } from './fields';

const DAY_MS = 86_400_000;

/** `history:` at the top level: how many days of compliance history the store keeps. */
export const HistorySchema = strictObject({
  retentionDays: intBetween(1, 3650, 'a whole number of days from 1 to 3650').default(400),
});

/** A duration of whole days, like "7d", as milliseconds. */
const DaysSchema = DurationSchema.refine((ms) => ms % DAY_MS === 0, {
  message: 'expected a whole number of days like "7d" (the compliance history counts days)',
});

/** `sla:` at the top level: how long a Critical or Important patch may be missing. */
export const SlaSchema = strictObject({
  Critical: DaysSchema.default(7 * DAY_MS),
  Important: DaysSchema.default(30 * DAY_MS),
}).transform((s) => ({ criticalMs: s.Critical, importantMs: s.Important }));

/** A group's `sla:`: either severity may override the top level's. */
export const GroupSlaSchema = strictObject({
  Critical: DaysSchema.optional(),
  Important: DaysSchema.optional(),
});

/** The SLA as code uses it: milliseconds per severity. */
export type Sla = z.output<typeof SlaSchema>;

/** A group's SLA: its own where it sets one, the top level's otherwise. */
export function groupSla(top: Sla, own: z.output<typeof GroupSlaSchema> | undefined): Sla {
  return { criticalMs: own?.Critical ?? top.criticalMs, importantMs: own?.Important ?? top.importantMs };
}
