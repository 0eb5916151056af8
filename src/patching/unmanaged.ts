/**
 * Instances that carry the group's tag in EC2 but are not managed by SSM (Security Hub control SSM.1,
 * "EC2 instances should be managed by AWS Systems Manager"): no agent registered as a managed node, so
 * SSM can neither scan nor patch them and no compliance figure counts them.
 *
 * The rule, from what AWS documents: DescribeInstanceInformation lists every registered node whatever
 * its agent's ping status (Online, ConnectionLost, Inactive) and leaves out stopped and terminated
 * nodes; a node that stays ConnectionLost for 30 days or more may drop out of the list, and a
 * deregistered one is gone from it. So an instance EC2 lists as `running` or `pending` with the group's
 * tag that SSM does not list (`pingStatus` undefined, see listManagedInstances) has no registration.
 * A stopped or stopping instance missing from SSM's list is not evidence of anything (SSM leaves it
 * out on purpose; AWS Config's rule behind SSM.1 only judges running instances), and a node SSM lists
 * with a lost connection is managed but unreachable: status names those elsewhere.
 */
import { byName } from './instance-order';
import type { ManagedInstance } from './fleet-types';
import type { InstanceLine } from './record-schemas';

/** EC2 states in which a tagged instance should have registered with SSM. */
const SHOULD_BE_MANAGED = new Set(['running', 'pending']);

/** Whether SSM has no managed node for an instance EC2 shows running or starting. */
export function isUnmanaged(instance: Pick<ManagedInstance, 'pingStatus' | 'ec2State'>): boolean {
  return (
    instance.pingStatus === undefined && instance.ec2State !== undefined && SHOULD_BE_MANAGED.has(instance.ec2State)
  );
}

/** One account and region's unmanaged instances, by name. */
export interface UnmanagedPlace {
  scope: string;
  /** The scope's account id when the configuration names it. */
  account?: string | undefined;
  region: string;
  instances: InstanceLine[];
}

/** A group's unmanaged instances: the total first, then per account and region (most first). */
export interface UnmanagedInstances {
  total: number;
  places: UnmanagedPlace[];
}

/** What one scope and region answered, as unmanagedInstances reads it. */
export interface UnmanagedInput {
  scope: string;
  region: string;
  account?: string | undefined;
  instances: readonly Pick<ManagedInstance, 'instanceId' | 'name' | 'pingStatus' | 'ec2State'>[];
}

/** The unmanaged instances of the scopes that answered; undefined when there are none. */
export function unmanagedInstances(scopes: readonly UnmanagedInput[]): UnmanagedInstances | undefined {
  const places: UnmanagedPlace[] = [];
  for (const sc of scopes) {
    const instances = sc.instances
      .filter(isUnmanaged)
      .map((i) => ({
        instanceId: i.instanceId,
        ...(i.name !== undefined ? { name: i.name } : {}),
        scope: sc.scope,
        region: sc.region,
      }))
      .sort(byName);
    if (instances.length === 0) continue;
    places.push({ scope: sc.scope, ...(sc.account ? { account: sc.account } : {}), region: sc.region, instances });
  }
  if (places.length === 0) return undefined;
  places.sort(
    (a, b) =>
      b.instances.length - a.instances.length ||
      (a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : a.region < b.region ? -1 : a.region > b.region ? 1 : 0),
  );
  return { total: places.reduce((n, p) => n + p.instances.length, 0), places };
}
