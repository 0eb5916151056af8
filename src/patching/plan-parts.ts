/** The parts of a change plan that stand alone: its planned patches, the promotion evidence, the baselines it rests on, the other tag spelling. */
import { z } from 'zod';
import { OPERATION_STATUSES } from './lifecycle';
import { InstanceLineSchema, optionalDate } from './record-schemas';

/** A patch the install will apply, from the latest scan, with how many target instances miss it. */
export const PlannedPatchSchema = z.object({
  title: z.string(),
  kbId: z.string(),
  severity: z.string(),
  classification: z.string(),
  instances: z.number(),
  /** The CVE ids SSM lists for the patch on the targets (each once); absent when it lists none, or in plans stored before. */
  cveIds: z.array(z.string()).optional(),
});
/** A planned patch. */
export type PlannedPatch = z.infer<typeof PlannedPatchSchema>;

/** Absent values that hand-written records spell null are read as absent. */
const nullAsAbsent = (v: unknown) => (v === null ? undefined : v);

/**
 * How the group a change is promoted from (PRD from STG) has fared: the evidence an approver weighs.
 * Its type is the schema's output: the preprocess only maps a stored null to undefined.
 */
export const PromotionEvidenceSchema = z.object({
  fromGroup: z.string(),
  /** The source group's most recent install through patchbot, if any. */
  lastInstall: z.preprocess(
    nullAsAbsent,
    z.object({ operationId: z.string(), status: z.enum(OPERATION_STATUSES), finishedAt: optionalDate }).optional(),
  ),
  /** Whether the source group is compliant now (no missing, failed or pending-reboot patches). */
  compliantNow: z.boolean().optional(),
  nonCompliantInstances: z.number(),
  /** Set when the evidence argues against going ahead, in words for the card. */
  warning: z.string().optional(),
});
/** The promotion evidence on a plan. */
export type PromotionEvidence = z.output<typeof PromotionEvidenceSchema>;

/** The baseline a plan rests on in one scope and region. */
export const PlanBaselineSchema = z.object({
  scope: z.string(),
  region: z.string(),
  baselineId: z.string(),
  name: z.string(),
  modifiedDate: optionalDate,
});
/** A plan's baseline in one scope and region (its date revived). */
export type PlanBaseline = z.output<typeof PlanBaselineSchema>;

/**
 * Instances tagged with the group's value under the other tag key spelling (`PatchGroup=PRD` for a
 * group found by `Patch Group`): SSM counts them in the patch group, the group's tag does not find
 * them. See tag-spelling.ts.
 */
export const OtherSpellingSchema = z.object({
  /** The key they carry, e.g. `PatchGroup`. */
  tagKey: z.string(),
  /** The group's tag value, e.g. `PRD`. */
  tagValue: z.string(),
  /** The group's own key, e.g. `Patch Group`. */
  groupTagKey: z.string(),
  instances: z.array(InstanceLineSchema),
});
/** Instances under the other tag spelling. */
export type OtherSpellingInstances = z.infer<typeof OtherSpellingSchema>;
