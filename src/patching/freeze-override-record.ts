/** The break-glass record on an operation (op.result.freezeOverride): each override approver's vote with its reason, and the grant. */
import { z } from 'zod';

/** One override approver's confirmation. */
export const OverrideVoteSchema = z.object({ userId: z.string(), at: z.string(), reason: z.string() });
/** One vote. */
export type OverrideVote = z.infer<typeof OverrideVoteSchema>;

/** Votes so far; `grantedAt` once two different override approvers confirmed, `announced` once the channel was told. */
export const FreezeOverrideSchema = z.object({
  votes: z.array(OverrideVoteSchema),
  grantedAt: z.string().optional(),
  /** The calendars that were closed when it was granted (name, scope, region), as the announcement names them. */
  calendars: z.array(z.string()).optional(),
});
/** The break-glass record. */
export type FreezeOverride = z.infer<typeof FreezeOverrideSchema>;

/** The post journal's key of a granted override's announcement in the group's channel. */
export const FREEZE_OVERRIDE_POST = 'freeze-override';

/** How many different override approvers a freeze override takes. */
export const OVERRIDE_VOTES_NEEDED = 2;
