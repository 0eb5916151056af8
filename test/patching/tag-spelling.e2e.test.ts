/**
 * The other tag spelling, through the production gateway against the simulator: the seed tags
 * prd-db-2 `PatchGroup=PRD` (and stg-app-2 `PatchGroup=STG`) while the groups use `Patch Group`.
 * SSM counts them in the patch group; the group's tag does not find them; status says so.
 */
import type { PatchbotConfig } from '../../src/config';
import {
  computeGroupStatus,
  findOtherSpelling,
  otherSpellingSummary,
  otherTagKey,
  withOtherSpelling,
} from '../../src/patching';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { statusView } from '../../src/slack/views/status';
import { GROUPS, sandboxFleet } from '../support/aws';
import { groupOf, harness, testConfig, type Harness } from './helpers';

function textOf(value: unknown): string {
  return JSON.stringify(value).replace(/\\n/g, '\n');
}

describe('instances tagged with the other spelling', () => {
  let sim: FleetSimulator;
  let fleet: ReturnType<typeof sandboxFleet>;
  let h: Harness;
  let config: PatchbotConfig;
  let prdDb2: string;

  beforeAll(async () => {
    sim = await startFleetSimulator({ port: 0, seed: 1 });
    fleet = sandboxFleet(sim.url);
    config = testConfig();
    h = await harness({ gateways: fleet.gateways, config });
  });
  afterAll(async () => {
    await h.close();
    fleet.close();
    await sim.close();
  });
  afterEach(() => sim.configure({ deny: [] }));

  it('the gateway finds them with one EC2 call, with their Name tag', async () => {
    sim.resetStats();
    const found = await fleet.gateways[0]!.listOtherSpelling(GROUPS.PRD);
    expect(found.map((i) => i.name)).toEqual(['prd-db-2']);
    expect(found[0]).toMatchObject({
      instanceId: expect.stringMatching(/^i-[0-9a-f]{17}$/),
      pingStatus: undefined,
      ec2State: 'running',
    });
    expect(sim.stats().calls).toEqual({ DescribeInstances: 1 });
    prdDb2 = found[0]!.instanceId;
    // The group's own tag does not find it.
    const members = await fleet.gateways[0]!.listManagedInstances(GROUPS.PRD);
    expect(members.map((i) => i.instanceId)).not.toContain(prdDb2);
  });

  it('works the other way round: a group on PatchGroup sees the Patch Group instances', async () => {
    const spelled = { ...GROUPS.PRD, tagKey: 'PatchGroup' };
    expect(otherTagKey(spelled)).toBe('Patch Group');
    const found = await fleet.gateways[0]!.listOtherSpelling(spelled);
    const members = await fleet.gateways[0]!.listManagedInstances(GROUPS.PRD);
    expect(found.map((i) => i.instanceId).sort()).toEqual(members.map((i) => i.instanceId).sort());
    expect(found.length).toBeGreaterThan(1);
  });

  it('findOtherSpelling returns instance lines per scope and the sentence to show', async () => {
    const found = await findOtherSpelling(groupOf(config, 'PRD'), fleet.gateways);
    expect(found).toMatchObject({ tagKey: 'PatchGroup', tagValue: 'PRD', groupTagKey: 'Patch Group', failures: [] });
    expect(found.instances).toEqual([{ instanceId: prdDb2, name: 'prd-db-2', scope: 'default', region: 'us-east-1' }]);
    expect(otherSpellingSummary(found)).toBe('1 instance is tagged PatchGroup=PRD and is not part of this group');
    expect(otherSpellingSummary({ ...found, instances: [1, 2] })).toBe(
      '2 instances are tagged PatchGroup=PRD and are not part of this group',
    );
    expect(otherSpellingSummary({ ...found, instances: [] })).toBeUndefined();
  });

  it('a scope that cannot be asked is a failure beside the answer, not a throw', async () => {
    sim.configure({ deny: [{ action: 'ec2:DescribeInstances' }] });
    const found = await findOtherSpelling(groupOf(config, 'PRD'), fleet.gateways);
    expect(found.instances).toEqual([]);
    expect(found.failures).toEqual([
      expect.objectContaining({
        scope: 'default',
        region: 'us-east-1',
        message: expect.stringContaining('ec2:DescribeInstances'),
      }),
    ]);
  });

  it('/patch status names them (Name tag and id) apart from the group, and counts them nowhere else', async () => {
    const status = await h.service.status(groupOf(config, 'PRD'));
    expect(status.otherSpelling).toEqual({
      tagKey: 'PatchGroup',
      tagValue: 'PRD',
      groupTagKey: 'Patch Group',
      instances: [{ instanceId: prdDb2, name: 'prd-db-2', scope: 'default', region: 'us-east-1' }],
    });
    expect(status.counts.instances).toBe(8);
    const text = textOf(statusView(status));
    expect(text).toContain(
      '⚠ *1 instance is tagged PatchGroup=PRD and is not part of this group* — SSM counts them in patch group PRD',
    );
    expect(text).toContain('retag them Patch Group=PRD to include them');
    expect(text).toContain(`• *prd-db-2* \`${prdDb2}\``);
  });

  it('an instance that carries both spellings is a member, not reported; stopped ones still are', async () => {
    sim.setInstance(prdDb2, { tags: { 'Patch Group': 'PRD' } });
    try {
      expect((await findOtherSpelling(groupOf(config, 'PRD'), fleet.gateways)).instances).toEqual([]);
      const status = await h.service.status(groupOf(config, 'PRD'));
      expect(status.otherSpelling).toBeUndefined();
      expect(textOf(statusView(status))).not.toContain('not part of this group');
    } finally {
      sim.setInstance(prdDb2, { tags: { 'Patch Group': '' } });
    }
    sim.setInstance(prdDb2, { state: 'stopped' });
    try {
      const found = await findOtherSpelling(groupOf(config, 'PRD'), fleet.gateways);
      expect(found.instances.map((i) => i.instanceId)).toEqual([prdDb2]);
    } finally {
      sim.setInstance(prdDb2, { state: 'running' });
    }
  });
});

describe('withOtherSpelling', () => {
  const base = computeGroupStatus({
    group: { name: 'PRD', scanMaxAgeMs: 86_400_000 },
    now: new Date('2026-01-01T00:00:00Z'),
    scopes: [],
    failures: [],
  });
  const line = (scope: string, region: string, n: number) => ({
    instanceId: `i-${String(n).padStart(17, '0')}`,
    name: undefined,
    scope,
    region,
  });
  const found = (
    instances: ReturnType<typeof line>[],
    failures: Array<{ scope: string; region: string; message: string }> = [],
  ) => ({
    tagKey: 'PatchGroup' as const,
    tagValue: 'PRD',
    groupTagKey: 'Patch Group',
    instances,
    failures,
  });

  it('keeps the instances of scopes status could read, and one failure per scope and region', () => {
    const status = { ...base, failures: [{ scope: 'partner', region: 'eu-west-1', message: 'denied' }] };
    const out = withOtherSpelling(
      status,
      found(
        [line('main', 'us-east-1', 1), line('partner', 'eu-west-1', 2)],
        [
          { scope: 'partner', region: 'eu-west-1', message: 'denied again' },
          { scope: 'main', region: 'eu-west-1', message: 'ec2 denied' },
        ],
      ),
    );
    expect(out.otherSpelling?.instances.map((i) => i.instanceId)).toEqual(['i-00000000000000001']);
    expect(out.failures.map((f) => f.message)).toEqual(['denied', 'ec2 denied']);
  });

  it('adds nothing when there is nothing to say', () => {
    expect(withOtherSpelling(base, found([]))).toEqual(base);
  });
});
