/** Which groups a maintenance window patches: by its tag targets, and by the tags of the instances it targets by id. */
import type { InstanceTags, MaintenanceWindowDetail } from '../../src/aws';
import { silentLogger } from '../../src/logger';
import { groupsOfInstances, resolveWindowGroups, targetInstanceIds, windowGroups } from '../../src/patching/windows';

const GROUPS = [
  { name: 'STG', tagKey: 'Patch Group' as const, tagValue: 'STG' },
  { name: 'PRD', tagKey: 'Patch Group' as const, tagValue: 'PRD' },
];
const PRD_1 = {
  instanceId: 'i-0000000000000aaa1',
  name: 'prd-web-1',
  tags: { Name: 'prd-web-1', 'Patch Group': 'PRD' },
};
const OTHER = { instanceId: 'i-0000000000000bbb2', name: undefined, tags: { Team: 'data' } };

function windowOf(
  targets: Array<Record<string, string[]>>,
  taskTargets: Array<Record<string, string[]>> = [],
): MaintenanceWindowDetail {
  return {
    windowId: 'mw-0123456789abcdef0',
    name: 'by-ids',
    enabled: true,
    schedule: 'cron(0 4 ? * SUN *)',
    targets: targets.map((t, i) => ({ windowTargetId: `t${i}`, name: undefined, targets: t })),
    tasks: taskTargets.map((t, i) => ({ windowTaskId: `k${i}`, name: undefined, targets: t })),
  } as unknown as MaintenanceWindowDetail;
}

function gateway(instances: InstanceTags[], fail = false) {
  const asked: string[][] = [];
  return {
    asked,
    gw: {
      scope: 'default',
      region: 'us-east-1',
      async describeInstanceTags(ids: readonly string[]) {
        asked.push([...ids]);
        if (fail) throw new Error('AccessDenied');
        return instances.filter((i) => ids.includes(i.instanceId));
      },
    },
  };
}

describe('window groups', () => {
  it('a window that targets PRD instances by id patches PRD', async () => {
    const w = windowOf([{ InstanceIds: [PRD_1.instanceId, OTHER.instanceId] }]);
    expect(windowGroups(w, GROUPS)).toEqual([]);
    expect(targetInstanceIds(w)).toEqual([PRD_1.instanceId, OTHER.instanceId]);
    const { gw, asked } = gateway([PRD_1, OTHER]);
    expect(await resolveWindowGroups(gw, w, GROUPS)).toEqual(['PRD']);
    expect(asked).toEqual([[PRD_1.instanceId, OTHER.instanceId]]);
  });

  it('adds the groups of instance targets to those of tag targets, in configured order, and reads task targets too', async () => {
    const w = windowOf([{ 'tag:Patch Group': ['STG'] }], [{ InstanceIds: [PRD_1.instanceId] }]);
    expect(await resolveWindowGroups(gateway([PRD_1]).gw, w, GROUPS)).toEqual(['STG', 'PRD']);
  });

  it('asks EC2 nothing for a window with tag targets only', async () => {
    const { gw, asked } = gateway([PRD_1]);
    expect(await resolveWindowGroups(gw, windowOf([{ 'tag:Patch Group': ['PRD'] }]), GROUPS)).toEqual(['PRD']);
    expect(asked).toEqual([]);
  });

  it("keeps the tag targets' groups when EC2 cannot be read", async () => {
    const w = windowOf([{ 'tag:Patch Group': ['STG'] }, { InstanceIds: [PRD_1.instanceId] }]);
    expect(await resolveWindowGroups(gateway([PRD_1], true).gw, w, GROUPS, silentLogger())).toEqual(['STG']);
  });

  it('maps instances to groups by their tag', () => {
    expect(groupsOfInstances([OTHER], GROUPS)).toEqual([]);
    expect(groupsOfInstances([OTHER, PRD_1], GROUPS)).toEqual(['PRD']);
  });
});
