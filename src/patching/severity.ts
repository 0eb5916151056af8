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

/** Severity names across Linux and Windows, most severe first; unknown ones sort last. */
const SEVERITY_ORDER = ['critical', 'important', 'high', 'medium', 'moderate', 'low', 'unspecified', 'none'];

/** A patch severity's place in the one most-severe-first order (any case; unknown names last). */
export function severityRank(severity: string): number {
  const i = SEVERITY_ORDER.indexOf(severity.toLowerCase());
  return i < 0 ? SEVERITY_ORDER.length : i;
}
