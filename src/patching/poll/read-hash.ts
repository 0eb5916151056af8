/**
 * A compliance poll's fresh read of one scope, reduced to a hash of everything the poll compares with
 * the stored snapshot rows: each member's id, Name and ping status, and its patch state's fields. The
 * poll records the hash once the rows say what the read says (ComplianceSnapshotRepository.markRead);
 * the next poll whose read hashes the same, with no write to those rows since, has nothing to compare
 * there. At 100,000 instances that compare read and decoded every stored row on every quiet poll,
 * about a quarter of what a poll allocated.
 */
import { createHash } from 'node:crypto';
import type { InstancePatchState, ManagedInstance } from '../fleet-types';

/** Changes when what the compare reads changes, so marks written by an older patchbot no longer match. */
const FORMAT = 'scope-read/1';

/** The hash of one scope's members and their patch states, in instance id order (AWS's page order is not promised). */
export function scopeReadHash(read: {
  instances: readonly ManagedInstance[];
  states: readonly InstancePatchState[];
}): string {
  const states = new Map(read.states.map((s) => [s.instanceId, s]));
  const instances = [...read.instances].sort((a, b) =>
    a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0,
  );
  const hash = createHash('sha256').update(FORMAT);
  for (const i of instances) {
    const s = states.get(i.instanceId);
    // JSON keeps fields apart whatever text a Name holds; a missing state is written as null.
    hash.update(
      JSON.stringify([
        i.instanceId,
        i.name ?? null,
        i.pingStatus ?? null,
        s
          ? [
              s.operation,
              s.operationEndTime.getTime(),
              s.missingCount,
              s.failedCount,
              s.installedPendingRebootCount,
              s.criticalNonCompliantCount,
              s.securityNonCompliantCount,
              s.otherNonCompliantCount,
            ]
          : null,
      ]),
    );
  }
  return hash.digest('base64url');
}
