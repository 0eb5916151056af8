/** The SSM reads of baselines, patch groups and maintenance windows answer through the real SDK client, and the answers parse. */
import {
  DescribeMaintenanceWindowExecutionTaskInvocationsCommand,
  DescribeMaintenanceWindowExecutionTasksCommand,
  DescribeMaintenanceWindowExecutionsCommand,
  DescribeMaintenanceWindowTargetsCommand,
  DescribeMaintenanceWindowTasksCommand,
  DescribeMaintenanceWindowsCommand,
  DescribePatchBaselinesCommand,
  DescribePatchGroupsCommand,
  GetMaintenanceWindowCommand,
  GetPatchBaselineCommand,
  GetPatchBaselineForPatchGroupCommand,
  ListCommandsCommand,
} from '@aws-sdk/client-ssm';
import { aws, useSimulated } from './simulated';

describe('SSM reads through the real SDK', () => {
  useSimulated({ seed: 1 });

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
