/**
 * The SSM reads of instances and their patches answer through the real SDK client, and the answers parse:
 * dates are Dates, enums carry AWS's values, and the seeded fleet looks like a fleet.
 */
import {
  DescribeInstanceInformationCommand,
  DescribeInstancePatchStatesCommand,
  DescribeInstancePatchStatesForPatchGroupCommand,
  DescribeInstancePatchesCommand,
  DescribePatchGroupStateCommand,
  type InstanceInformation,
} from '@aws-sdk/client-ssm';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { startFleetSimulator } from '@patchbot/sandbox/aws';
import { clients } from './helpers';
import { aws, useSimulated } from './simulated';

describe('SSM reads through the real SDK', () => {
  let all: InstanceInformation[];

  useSimulated({ seed: 1 });
  beforeAll(async () => {
    all =
      (await aws.ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 50 }))).InstanceInformationList ?? [];
  });

  it('DescribeInstanceInformation lists the seeded cast with tags, ping status and platforms', async () => {
    // The cast is twenty; stg-batch-1 is stopped, and SSM does not list stopped nodes.
    expect(all).toHaveLength(19);
    expect(all[0]?.LastPingDateTime).toBeInstanceOf(Date);
    expect(new Set(all.map((i) => i.PlatformType))).toEqual(new Set(['Linux', 'Windows']));
    expect(all.filter((i) => i.PingStatus === 'ConnectionLost')).toHaveLength(1); // prd-app-3's lost agent
    const prd = await aws.ssm.send(
      new DescribeInstanceInformationCommand({ Filters: [{ Key: 'tag:Patch Group', Values: ['PRD'] }] }),
    );
    expect(prd.InstanceInformationList?.length).toBe(8); // the ninth PRD instance uses the PatchGroup spelling
    const spelled = await aws.ssm.send(
      new DescribeInstanceInformationCommand({ Filters: [{ Key: 'tag:PatchGroup', Values: ['PRD', 'STG'] }] }),
    );
    expect(spelled.InstanceInformationList?.length).toBe(2);
    const lost = await aws.ssm.send(
      new DescribeInstanceInformationCommand({
        Filters: [{ Key: 'PingStatus', Values: ['ConnectionLost'] }],
        InstanceInformationFilterList: [{ key: 'PlatformTypes', valueSet: ['Linux'] }],
      }),
    );
    expect(lost.InstanceInformationList?.map((i) => i.PingStatus)).toEqual(['ConnectionLost']);
    const byId = await aws.ssm.send(
      new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [all[3]!.InstanceId!] }] }),
    );
    expect(byId.InstanceInformationList?.map((i) => i.InstanceId)).toEqual([all[3]!.InstanceId]);
  });

  it('patch states: STG (1-day rule) reports the fresh critical patch that PRD (31 days) does not', async () => {
    const stg =
      (await aws.ssm.send(new DescribeInstancePatchStatesForPatchGroupCommand({ PatchGroup: 'STG' })))
        .InstancePatchStates ?? [];
    const prd =
      (await aws.ssm.send(new DescribeInstancePatchStatesForPatchGroupCommand({ PatchGroup: 'PRD' })))
        .InstancePatchStates ?? [];
    expect(stg).toHaveLength(7);
    expect(prd).toHaveLength(9);
    const state = stg[0]!;
    expect(state.OperationEndTime).toBeInstanceOf(Date);
    expect(state.OperationStartTime!.getTime()).toBeLessThan(state.OperationEndTime!.getTime());
    expect(Date.now() - state.OperationEndTime!.getTime()).toBeGreaterThan(2 * 3600_000); // scanned hours ago
    expect(['Scan', 'Install']).toContain(state.Operation);
    expect(
      stg.some((s) => s.InstalledPendingRebootCount! > 0 && s.Operation === 'Install' && s.RebootOption === 'NoReboot'),
    ).toBe(true);

    const missingTitles = async (instanceId: string) =>
      (
        (
          await aws.ssm.send(
            new DescribeInstancePatchesCommand({
              InstanceId: instanceId,
              Filters: [{ Key: 'State', Values: ['Missing'] }],
            }),
          )
        ).Patches ?? []
      ).map((p) => p.Title);
    const stgMissing = new Set((await Promise.all(stg.map((s) => missingTitles(s.InstanceId!)))).flat());
    const prdMissing = new Set((await Promise.all(prd.map((s) => missingTitles(s.InstanceId!)))).flat());
    const onlyStg = [...stgMissing].filter((t) => !prdMissing.has(t));
    expect(onlyStg.length).toBeGreaterThan(0);
    expect([...prdMissing].length).toBeGreaterThan(0);

    const filtered = await aws.ssm.send(
      new DescribeInstancePatchStatesForPatchGroupCommand({
        PatchGroup: 'PRD',
        Filters: [{ Key: 'MissingCount', Values: ['0'], Type: 'GreaterThan' }],
      }),
    );
    expect(filtered.InstancePatchStates?.every((s) => s.MissingCount! > 0)).toBe(true);
    expect(filtered.InstancePatchStates?.length).toBe(prd.filter((s) => s.MissingCount! > 0).length);

    const byIds = await aws.ssm.send(
      new DescribeInstancePatchStatesCommand({ InstanceIds: stg.map((s) => s.InstanceId!) }),
    );
    expect(byIds.InstancePatchStates?.map((s) => s.InstanceId).sort()).toEqual(stg.map((s) => s.InstanceId).sort());
  });

  it('DescribeInstancePatches answers the wire spellings of states, installed times and filters', async () => {
    const id = all.find((i) => i.PlatformType === 'Windows')!.InstanceId!;
    const patches = (await aws.ssm.send(new DescribeInstancePatchesCommand({ InstanceId: id }))).Patches ?? [];
    expect(patches.length).toBeGreaterThan(3);
    for (const p of patches) {
      expect([
        'Installed',
        'InstalledOther',
        'InstalledPendingReboot',
        'InstalledRejected',
        'Missing',
        'NotApplicable',
        'Failed',
      ]).toContain(p.State);
      expect(p.InstalledTime).toBeInstanceOf(Date);
      expect(p.KBId).toMatch(/^KB\d+$/);
    }
    const security = await aws.ssm.send(
      new DescribeInstancePatchesCommand({
        InstanceId: id,
        Filters: [{ Key: 'Classification', Values: ['SecurityUpdates'] }],
      }),
    );
    expect(security.Patches?.every((p) => p.Classification === 'SecurityUpdates')).toBe(true);
  });

  it('DescribePatchGroupState counts the group as the per-instance states do', async () => {
    const state = await aws.ssm.send(new DescribePatchGroupStateCommand({ PatchGroup: 'PRD' }));
    const prd =
      (await aws.ssm.send(new DescribeInstancePatchStatesForPatchGroupCommand({ PatchGroup: 'PRD' })))
        .InstancePatchStates ?? [];
    expect(state.Instances).toBe(prd.length);
    expect(state.InstancesWithMissingPatches).toBe(prd.filter((s) => s.MissingCount! > 0).length);
    expect(state.InstancesWithInstalledPendingRebootPatches).toBe(
      prd.filter((s) => s.InstalledPendingRebootCount! > 0).length,
    );
    expect((await aws.ssm.send(new DescribePatchGroupStateCommand({ PatchGroup: 'NOPE' }))).Instances).toBe(0);
  });
});

describe('DescribeInstanceInformation and stopped instances', () => {
  it('leaves a stopped instance out, as AWS documents, while EC2 lists it; started again, it is back', async () => {
    const sim = await startFleetSimulator({ port: 0, seed: 1 });
    const aws = clients(sim.url);
    const managed = async () =>
      (
        (
          await aws.ssm.send(
            new DescribeInstanceInformationCommand({ Filters: [{ Key: 'tag:Patch Group', Values: ['STG'] }] }),
          )
        ).InstanceInformationList ?? []
      ).map((i) => i.InstanceId);
    const ec2 = async (name: string) =>
      (await aws.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: [name] }] })))
        .Reservations?.[0]?.Instances?.[0];
    try {
      const batch = await ec2('stg-batch-1');
      expect(batch?.State?.Name).toBe('stopped');
      expect(await managed()).not.toContain(batch?.InstanceId);
      const web = (await ec2('stg-web-1'))!.InstanceId!;
      expect(await managed()).toContain(web);
      sim.setInstance(web, { state: 'stopped' });
      expect(await managed()).not.toContain(web);
      expect(
        await aws.ssm.send(
          new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [web] }] }),
        ),
      ).toMatchObject({ InstanceInformationList: [] });
      expect((await ec2('stg-web-1'))?.State?.Name).toBe('stopped');
      sim.setInstance(web, { state: 'running' });
      expect(await managed()).toContain(web);
    } finally {
      aws.destroy();
      await sim.close();
    }
  });
});
