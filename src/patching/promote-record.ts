/** What a promoted install's plan carries (plan.pinned): the source install's evidence and the exact list it pins the run to. */
import { z } from 'zod';
import { OverrideEntrySchema } from './override-list';
import { optionalDate } from './record-schemas';

/** One promoted patch: as SSM names it, how many source instances that install put it on, and its list entry. */
export const PinnedPatchSchema = z.object({
  title: z.string(),
  kbId: z.string(),
  /** Source instances on which the source install installed it (InstalledTime inside its run). */
  installedOn: z.number(),
  entry: OverrideEntrySchema,
});
/** One promoted patch. */
export type PinnedPatch = z.infer<typeof PinnedPatchSchema>;

/** The pinned list of a promote: the source's evidence, the patches, and where the list is written. */
export const PinnedListSchema = z.object({
  fromGroup: z.string(),
  /** The source's last successful install through patchbot. */
  operationId: z.string(),
  /** Its run: from its first send to its end. */
  ranFrom: optionalDate,
  ranTo: optionalDate,
  /** How many instances it was sent to. */
  instances: z.number(),
  patches: z.array(PinnedPatchSchema),
  /** The target's install.overrideList when planned: the list goes to `<prefix>/<operation id>.yaml` there right before the send. */
  overrideList: z.object({ bucket: z.string(), prefix: z.string() }),
});
/** The pinned list on a plan (dates revived). */
export type PinnedList = z.output<typeof PinnedListSchema>;
