/**
 * The other tag spelling. SSM reads an instance's patch group from either tag key, `Patch Group`
 * or `PatchGroup`; a patchbot group finds its instances by one key (its `tagKey`). Instances that
 * carry the group's value under the other key are counted by SSM (DescribePatchGroupState, patch
 * states for the patch group) but are not reached by the group's commands, nor shown in its status.
 * This module finds them so that status, the start-up check and the install plan can say so:
 * "2 instances are tagged PatchGroup=PRD and are not part of this group".
 */
import { otherPatchGroupTagKey, type GroupTarget, type PatchGroupTagKey } from './fleet-types';
import type { PatchGroup } from '../config/schema';
import type { Logger } from '../logger';
import { fanOut, gatewaysForGroup, groupTarget, type PatchGateway } from './group-fleet';
import { byName } from './instance-order';
import type { InstanceLine, ScopeFailure } from './record-schemas';
import type { OtherSpellingInstances } from './plan-parts';

/** Instances tagged with the group's value under the other tag key, across the group's scopes. */
export interface OtherSpelling extends OtherSpellingInstances {
  /** The key they carry, e.g. `PatchGroup` for a group that uses `Patch Group`. */
  tagKey: PatchGroupTagKey;
  /** Sorted by Name tag (unnamed last), then id. */
  instances: InstanceLine[];
  /** Scopes and regions that could not be asked; the others still answered. */
  failures: ScopeFailure[];
}

/** The tag key spelled the other way from the group's: `Patch Group` ↔ `PatchGroup`. */
export function otherTagKey(group: Pick<GroupTarget, 'tagKey'>): PatchGroupTagKey {
  return otherPatchGroupTagKey(group.tagKey);
}

/**
 * Asks every gateway of the group's scopes (one EC2 DescribeInstances each, 4 scopes at a time)
 * for instances tagged `<other key>=<group's value>` that are not members through the group's own
 * tag. A failing scope becomes a ScopeFailure beside the others' answers; never throws for one.
 */
export async function findOtherSpelling(
  group: Pick<PatchGroup, 'name' | 'scopes' | 'tagKey' | 'tagValue' | 'operatingSystem'>,
  gateways: readonly PatchGateway[],
  logger?: Logger,
): Promise<OtherSpelling> {
  const target = groupTarget(group);
  const { results, failures } = await fanOut(gatewaysForGroup(group, gateways), (gw) => gw.listOtherSpelling(target), {
    ...(logger ? { logger } : {}),
    what: `other tag spelling of ${group.name}`,
  });
  const instances: InstanceLine[] = results.flatMap(({ gateway, value }) =>
    value.map((i) => ({ instanceId: i.instanceId, name: i.name, scope: gateway.scope, region: gateway.region })),
  );
  instances.sort(byName);
  return { tagKey: otherTagKey(group), tagValue: group.tagValue, groupTagKey: group.tagKey, instances, failures };
}

/**
 * The sentence a person reads, or undefined when there is nothing to say: "2 instances are tagged
 * PatchGroup=PRD and are not part of this group". Plain text: views escape it.
 */
export function otherSpellingSummary(
  found: Pick<OtherSpellingInstances, 'tagKey' | 'tagValue'> & { instances: readonly unknown[] },
): string | undefined {
  const n = found.instances.length;
  if (n === 0) return undefined;
  const count = `${n.toLocaleString('en-US')} ${n === 1 ? 'instance is' : 'instances are'}`;
  return `${count} tagged ${found.tagKey}=${found.tagValue} and ${n === 1 ? 'is' : 'are'} not part of this group`;
}

/** What to do about them, in one plain sentence: retag with the group's key (SSM counts them either way; patchbot's commands do not reach them). */
export function otherSpellingFix(found: Pick<OtherSpellingInstances, 'tagValue' | 'groupTagKey'>): string {
  return `SSM counts them in patch group ${found.tagValue}, but the group's commands target the tag ${found.groupTagKey}; retag them ${found.groupTagKey}=${found.tagValue} to include them`;
}
