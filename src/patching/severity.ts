/**
 * Missing patches by SSM's compliance buckets, counted one way everywhere. SSM's Critical, Security
 * and Other non-compliant counts also include patches that are installed and wait for a reboot;
 * patchbot shows those on their own line ("pending reboot"), so "missing" counts an instance in a
 * bucket only while it has patches that are really missing or failed.
 */
import type { InstancePatchState } from './fleet-types';
import type { SeverityCounts } from './record-schemas';

/** An instance's missing buckets: SSM's counts when it has missing or failed patches, else none. */
export function missingBuckets(
  s: Pick<
    InstancePatchState,
    | 'missingCount'
    | 'failedCount'
    | 'criticalNonCompliantCount'
    | 'securityNonCompliantCount'
    | 'otherNonCompliantCount'
  >,
): SeverityCounts {
  if (s.missingCount + s.failedCount === 0) return { critical: 0, security: 0, other: 0 };
  return {
    critical: s.criticalNonCompliantCount,
    security: s.securityNonCompliantCount,
    other: s.otherNonCompliantCount,
  };
}

/** Adds one instance to per-bucket instance counts (an instance counts once in each bucket it misses). */
export function countInstance(into: SeverityCounts, buckets: SeverityCounts): void {
  if (buckets.critical > 0) into.critical++;
  if (buckets.security > 0) into.security++;
  if (buckets.other > 0) into.other++;
}
