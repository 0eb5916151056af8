/**
 * Every SSM read the gateway makes answers through the real SDK client, and the answers parse:
 * dates are Dates, enums carry AWS's values, and the seeded fleet looks like a fleet.
 */
import {
  DescribeInstanceInformationCommand,
  DescribeInstancePatchStatesCommand,
  DescribeInstancePatchStatesForPatchGroupCommand,
  DescribeInstancePatchesCommand,
  DescribeMaintenanceWindowExecutionTaskInvocationsCommand,
  DescribeMaintenanceWindowExecutionTasksCommand,
  DescribeMaintenanceWindowExecutionsCommand,
  DescribeMaintenanceWindowTargetsCommand,
  DescribeMaintenanceWindowTasksCommand,
  DescribeMaintenanceWindowsCommand,
  DescribePatchBaselinesCommand,
  DescribePatchGroupStateCommand,
  DescribePatchGroupsCommand,
  GetMaintenanceWindowCommand,
  GetPatchBaselineCommand,
  GetPatchBaselineForPatchGroupCommand,
  ListCommandsCommand,
  type InstanceInformation,
} from '@aws-sdk/client-ssm';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { clients } from './helpers';

describe('SSM reads through the real SDK', () => {
  let sim: FleetSimulator;
  let aws: ReturnType<typeof clients>;
  let all: InstanceInformation[];

  beforeAll(async () => {
    sim = await startFleetSimulator({ port: 0, seed: 1 });
    aws = clients(sim.url);
    all =
      (await aws.ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 50 }))).InstanceInformationList ?? [];
  });
  afterAll(async () => {
    aws.destroy();
    await sim.close();
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

  it('baselines and patch groups: registrations, rules, and the WINDOWS default of GetPatchBaselineForPatchGroup', async () => {
    const groups = (await aws.ssm.send(new DescribePatchGroupsCommand({}))).Mappings ?? [];
    expect(groups.map((g) => `${g.PatchGroup}:${g.BaselineIdentity?.BaselineName}`)).toEqual([
      'PRD:PRD-AL2Baseline',
      'STG:STG-AL2Baseline',
      'WIN:WIN-WindowsBaseline',
    ]);
    const baselines =
      (await aws.ssm.send(new DescribePatchBaselinesCommand({ MaxResults: 100 }))).BaselineIdentities ?? [];
    // One AWS default per operating system SSM knows.
    expect(baselines.filter((b) => b.DefaultBaseline)).toHaveLength(15);
    expect(new Set(baselines.filter((b) => b.DefaultBaseline).map((b) => b.OperatingSystem)).size).toBe(15);
    const own = await aws.ssm.send(
      new DescribePatchBaselinesCommand({ Filters: [{ Key: 'OWNER', Values: ['Self'] }] }),
    );
    expect(own.BaselineIdentities).toHaveLength(3);

    const linux = await aws.ssm.send(
      new GetPatchBaselineForPatchGroupCommand({ PatchGroup: 'STG', OperatingSystem: 'AMAZON_LINUX_2' }),
    );
    const baseline = await aws.ssm.send(new GetPatchBaselineCommand({ BaselineId: linux.BaselineId! }));
    expect(baseline.Name).toBe('STG-AL2Baseline');
    expect(baseline.OperatingSystem).toBe('AMAZON_LINUX_2');
    expect(baseline.PatchGroups).toEqual(['STG']);
    expect(baseline.CreatedDate).toBeInstanceOf(Date);
    const rule = baseline.ApprovalRules?.PatchRules?.[0];
    expect(rule?.ApproveAfterDays).toBe(1);
    expect(rule?.PatchFilterGroup?.PatchFilters).toEqual(
      expect.arrayContaining([
        { Key: 'CLASSIFICATION', Values: ['Security'] },
        { Key: 'SEVERITY', Values: ['Critical', 'Important'] },
      ]),
    );

    // Without OperatingSystem AWS answers for WINDOWS: a Linux group gets the Windows default.
    const windows = await aws.ssm.send(new GetPatchBaselineForPatchGroupCommand({ PatchGroup: 'STG' }));
    expect(windows.OperatingSystem).toBe('WINDOWS');
    expect((await aws.ssm.send(new GetPatchBaselineCommand({ BaselineId: windows.BaselineId! }))).Name).toBe(
      'AWS-DefaultPatchBaseline',
    );
  });

  it('every operating system has its AWS default baseline, with the approval rules of its family', async () => {
    const expected: Record<string, string> = {
      WINDOWS: 'AWS-DefaultPatchBaseline',
      AMAZON_LINUX: 'AWS-AmazonLinuxDefaultPatchBaseline',
      AMAZON_LINUX_2: 'AWS-AmazonLinux2DefaultPatchBaseline',
      AMAZON_LINUX_2022: 'AWS-AmazonLinux2022DefaultPatchBaseline',
      AMAZON_LINUX_2023: 'AWS-AmazonLinux2023DefaultPatchBaseline',
      UBUNTU: 'AWS-UbuntuDefaultPatchBaseline',
      DEBIAN: 'AWS-DebianDefaultPatchBaseline',
      RASPBIAN: 'AWS-DefaultRaspbianPatchBaseline',
      REDHAT_ENTERPRISE_LINUX: 'AWS-RedHatDefaultPatchBaseline',
      CENTOS: 'AWS-CentOSDefaultPatchBaseline',
      ORACLE_LINUX: 'AWS-OracleLinuxDefaultPatchBaseline',
      ROCKY_LINUX: 'AWS-RockyLinuxDefaultPatchBaseline',
      ALMA_LINUX: 'AWS-AlmaLinuxDefaultPatchBaseline',
      SUSE: 'AWS-SuseDefaultPatchBaseline',
      MACOS: 'AWS-MacOSDefaultPatchBaseline',
    };
    const filters = async (os: string) => {
      const { BaselineId } = await aws.ssm.send(
        new GetPatchBaselineForPatchGroupCommand({ PatchGroup: 'no-such-group', OperatingSystem: os as never }),
      );
      expect(BaselineId).toMatch(/^arn:aws:ssm:us-east-1:\d{12}:patchbaseline\/pb-[0-9a-f]{17}$/);
      const b = await aws.ssm.send(new GetPatchBaselineCommand({ BaselineId: BaselineId! }));
      expect(b.Name).toBe(expected[os]);
      expect(b.OperatingSystem).toBe(os);
      return (b.ApprovalRules?.PatchRules ?? []).map((r) =>
        Object.fromEntries((r.PatchFilterGroup?.PatchFilters ?? []).map((f) => [f.Key, f.Values])),
      );
    };
    for (const os of Object.keys(expected)) await filters(os);
    expect(await filters('WINDOWS')).toEqual([
      { CLASSIFICATION: ['CriticalUpdates', 'SecurityUpdates'], MSRC_SEVERITY: ['Critical', 'Important'] },
    ]);
    expect(await filters('AMAZON_LINUX_2023')).toEqual([
      { CLASSIFICATION: ['Security'], SEVERITY: ['Critical', 'Important'] },
      { CLASSIFICATION: ['Bugfix'] },
    ]);
    expect(await filters('ORACLE_LINUX')).toEqual([
      { CLASSIFICATION: ['Security'], SEVERITY: ['Important', 'Moderate'] },
      { CLASSIFICATION: ['Bugfix'] },
    ]);
    for (const os of ['UBUNTU', 'DEBIAN', 'RASPBIAN']) {
      expect(await filters(os)).toEqual([
        { PRIORITY: ['Required', 'Important', 'Standard', 'Optional', 'Extra'], SECTION: ['*'] },
      ]);
    }
    // Registered baselines still win over the default for their own operating system only.
    expect(
      (
        await aws.ssm.send(
          new GetPatchBaselineCommand({
            BaselineId: (
              await aws.ssm.send(
                new GetPatchBaselineForPatchGroupCommand({ PatchGroup: 'STG', OperatingSystem: 'AMAZON_LINUX_2023' }),
              )
            ).BaselineId!,
          }),
        )
      ).Name,
    ).toBe('AWS-AmazonLinux2023DefaultPatchBaseline');
  });

  it('maintenance windows: next run from cron and time zone, targets, tasks, seeded history', async () => {
    const windows = (await aws.ssm.send(new DescribeMaintenanceWindowsCommand({}))).WindowIdentities ?? [];
    expect(windows.map((w) => w.Name).sort()).toEqual(['patch-prd', 'patch-stg', 'patch-window-am2']);
    const am2 = windows.find((w) => w.Name === 'patch-window-am2')!;
    expect(am2).toMatchObject({ Schedule: 'cron(00 17 * * ? *)', Duration: 1, Cutoff: 0, Enabled: true });
    expect(am2.NextExecutionTime).toMatch(/^\d{4}-\d\d-\d\dT17:00Z$/);
    const next = new Date(am2.NextExecutionTime!).getTime();
    expect(next).toBeGreaterThan(Date.now());
    expect(next - Date.now()).toBeLessThanOrEqual(86_400_000);
    const stg = windows.find((w) => w.Name === 'patch-stg')!;
    expect(stg.ScheduleTimezone).toBe('Europe/Berlin');
    expect(stg.NextExecutionTime).toMatch(/T03:00\+0[12]:00$/);
    expect(new Date(stg.NextExecutionTime!).getUTCDay()).toBe(2); // Tuesday

    const detail = await aws.ssm.send(new GetMaintenanceWindowCommand({ WindowId: am2.WindowId! }));
    expect(detail.CreatedDate).toBeInstanceOf(Date);
    const named = await aws.ssm.send(
      new DescribeMaintenanceWindowsCommand({ Filters: [{ Key: 'Name', Values: ['patch-stg'] }] }),
    );
    expect(named.WindowIdentities?.map((w) => w.Name)).toEqual(['patch-stg']);

    const targets =
      (await aws.ssm.send(new DescribeMaintenanceWindowTargetsCommand({ WindowId: am2.WindowId! }))).Targets ?? [];
    expect(targets.flatMap((t) => t.Targets ?? [])).toEqual(
      expect.arrayContaining([
        { Key: 'tag:PatchWindowTaskAM2', Values: ['SCAN'] },
        { Key: 'tag:PatchWindowTaskAM2', Values: ['INSTALL'] },
      ]),
    );
    const tasks =
      (await aws.ssm.send(new DescribeMaintenanceWindowTasksCommand({ WindowId: am2.WindowId! }))).Tasks ?? [];
    expect(tasks.map((t) => [t.Priority, t.TaskArn, t.Type, t.TaskParameters?.Operation?.Values])).toEqual([
      [1, 'AWS-RunPatchBaseline', 'RUN_COMMAND', ['Scan']],
      [2, 'AWS-RunPatchBaseline', 'RUN_COMMAND', ['Install']],
    ]);
    const groupWindow =
      (await aws.ssm.send(new DescribeMaintenanceWindowTargetsCommand({ WindowId: stg.WindowId! }))).Targets ?? [];
    expect(groupWindow[0]?.Targets).toEqual([{ Key: 'tag:Patch Group', Values: ['STG'] }]);

    const executions =
      (await aws.ssm.send(new DescribeMaintenanceWindowExecutionsCommand({ WindowId: am2.WindowId! })))
        .WindowExecutions ?? [];
    expect(executions).toHaveLength(1);
    expect(executions[0]?.StartTime).toBeInstanceOf(Date);
    expect(executions[0]?.EndTime).toBeInstanceOf(Date);
    const execTasks =
      (
        await aws.ssm.send(
          new DescribeMaintenanceWindowExecutionTasksCommand({ WindowExecutionId: executions[0]!.WindowExecutionId! }),
        )
      ).WindowExecutionTaskIdentities ?? [];
    expect(execTasks).toHaveLength(2);
    const invocations =
      (
        await aws.ssm.send(
          new DescribeMaintenanceWindowExecutionTaskInvocationsCommand({
            WindowExecutionId: executions[0]!.WindowExecutionId!,
            TaskId: execTasks[0]!.TaskExecutionId!,
          }),
        )
      ).WindowExecutionTaskInvocationIdentities ?? [];
    expect(invocations.length).toBeGreaterThan(0);
    const commands = await aws.ssm.send(new ListCommandsCommand({ CommandId: invocations[0]!.ExecutionId! }));
    expect(commands.Commands?.[0]?.DocumentName).toBe('AWS-RunPatchBaseline');
    const before = await aws.ssm.send(
      new DescribeMaintenanceWindowExecutionsCommand({
        WindowId: am2.WindowId!,
        Filters: [{ Key: 'ExecutedBefore', Values: ['2000-01-01T00:00:00Z'] }],
      }),
    );
    expect(before.WindowExecutions).toEqual([]);
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
