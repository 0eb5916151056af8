/**
 * The patch lifecycle on a simulated fleet, driven by a manual clock so every step is exact:
 * commands move Pending → InProgress → Success/Failed, reported compliance changes only when a
 * Scan or Install finishes, a reboot is seen at the next scan, and windows run their tasks in
 * priority order.
 */
import {
  CancelCommandCommand,
  DescribeInstanceInformationCommand,
  DescribeInstancePatchStatesCommand,
  DescribeInstancePatchesCommand,
  DescribeMaintenanceWindowExecutionTaskInvocationsCommand,
  DescribeMaintenanceWindowExecutionTasksCommand,
  DescribeMaintenanceWindowExecutionsCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
  type SendCommandCommandInput,
  type InstanceInformation,
} from '@aws-sdk/client-ssm';
import { DescribeInstancesCommand, RebootInstancesCommand } from '@aws-sdk/client-ec2';
import { ManualClock } from '../../src/clock';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { admin, clients, failure } from './helpers';

const PENDING = 1000;
const RUN = 4000;

describe('patch lifecycle', () => {
  let sim: FleetSimulator;
  let clock: ManualClock;
  let aws: ReturnType<typeof clients>;
  let fleet: InstanceInformation[];

  const byName = async (name: string) => {
    const out = await aws.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: [name] }] }));
    return out.Reservations![0]!.Instances![0]!.InstanceId!;
  };
  const send = async (input: Partial<SendCommandCommandInput>) =>
    (
      await aws.ssm.send(
        new SendCommandCommand({ DocumentName: 'AWS-RunPatchBaseline', Parameters: { Operation: ['Scan'] }, ...input }),
      )
    ).Command!;
  const invocations = async (commandId: string) =>
    new Map(
      (
        (await aws.ssm.send(new ListCommandInvocationsCommand({ CommandId: commandId, Details: true })))
          .CommandInvocations ?? []
      ).map((i) => [i.InstanceId!, i]),
    );
  const states = async (ids: string[]) =>
    new Map(
      (
        (await aws.ssm.send(new DescribeInstancePatchStatesCommand({ InstanceIds: ids }))).InstancePatchStates ?? []
      ).map((s) => [s.InstanceId!, s]),
    );
  const command = async (commandId: string) =>
    (await aws.ssm.send(new ListCommandsCommand({ CommandId: commandId }))).Commands![0]!;

  beforeEach(async () => {
    clock = new ManualClock('2026-03-10T12:00:00Z');
    sim = await startFleetSimulator({ port: 0, seed: 2, clock, timing: { pendingMs: PENDING, runMs: RUN } });
    aws = clients(sim.url);
    fleet = (await aws.ssm.send(new DescribeInstanceInformationCommand({}))).InstanceInformationList ?? [];
  });
  afterEach(async () => {
    aws.destroy();
    await sim.close();
  });

  it('scan → install NoReboot → EC2 reboot → scan', async () => {
    const stg = fleet.filter((i) => i.PingStatus === 'Online').map((i) => i.InstanceId!);
    const before = await states(stg);
    const scan = await send({ Targets: [{ Key: 'tag:Patch Group', Values: ['STG'] }], Comment: 'patchbot op-scan1' });
    expect(scan).toMatchObject({ Status: 'Pending', TargetCount: 6, CompletedCount: 0, Comment: 'patchbot op-scan1' });
    expect(scan.RequestedDateTime).toEqual(clock.now());
    expect([...(await invocations(scan.CommandId!)).values()].every((i) => i.Status === 'Pending')).toBe(true);
    clock.advance(PENDING);
    expect([...(await invocations(scan.CommandId!)).values()].map((i) => i.Status)).toContain('InProgress');
    expect((await command(scan.CommandId!)).Status).toBe('InProgress');
    clock.advance(RUN);
    const scanned = await invocations(scan.CommandId!);
    const stopped = await byName('stg-batch-1');
    expect(scanned.get(stopped)).toMatchObject({ Status: 'Failed', StatusDetails: 'Undeliverable' });
    const reachable = [...scanned.values()].filter((i) => i.Status === 'Success').map((i) => i.InstanceId!);
    expect(reachable).toHaveLength(5);
    expect(await command(scan.CommandId!)).toMatchObject({
      CompletedCount: 6,
      ErrorCount: 1,
      StatusDetails: 'Incomplete',
    });
    const afterScan = await states(reachable);
    for (const id of reachable) {
      expect(afterScan.get(id)?.OperationEndTime).toEqual(clock.now());
      expect(afterScan.get(id)?.Operation).toBe('Scan');
      expect(afterScan.get(id)?.SnapshotId).not.toBe(before.get(id)?.SnapshotId);
    }
    const missing = reachable.filter((id) => afterScan.get(id)!.MissingCount! > 0);
    expect(missing.length).toBeGreaterThan(0);

    const install = await send({
      InstanceIds: reachable,
      Parameters: { Operation: ['Install'], RebootOption: ['NoReboot'] },
    });
    clock.advance(PENDING + RUN / 2);
    // Mid-run the report is still the scan's: compliance changes only when the install finishes.
    expect((await states(missing)).get(missing[0]!)?.Operation).toBe('Scan');
    clock.advance(RUN / 2);
    expect([...(await invocations(install.CommandId!)).values()].every((i) => i.Status === 'Success')).toBe(true);
    const installed = await states(reachable);
    for (const id of missing) {
      const s = installed.get(id)!;
      expect(s).toMatchObject({ Operation: 'Install', RebootOption: 'NoReboot', MissingCount: 0 });
      expect(s.InstalledPendingRebootCount).toBeGreaterThan(0);
      expect(s.LastNoRebootInstallOperationTime).toEqual(clock.now());
      const pending = await aws.ssm.send(
        new DescribeInstancePatchesCommand({
          InstanceId: id,
          Filters: [{ Key: 'State', Values: ['InstalledPendingReboot'] }],
        }),
      );
      expect(pending.Patches).toHaveLength(s.InstalledPendingRebootCount!);
    }

    await aws.ec2.send(new RebootInstancesCommand({ InstanceIds: missing }));
    // The reboot changed the disk, not the report.
    expect((await states(missing)).get(missing[0]!)?.InstalledPendingRebootCount).toBeGreaterThan(0);
    const rescan = await send({ InstanceIds: missing });
    clock.advance(PENDING + RUN);
    expect((await command(rescan.CommandId!)).Status).toBe('Success');
    for (const s of (await states(missing)).values()) {
      expect(s).toMatchObject({
        Operation: 'Scan',
        MissingCount: 0,
        InstalledPendingRebootCount: 0,
        CriticalNonCompliantCount: 0,
      });
      expect(s.InstalledCount).toBeGreaterThan(0);
    }
    expect((await failure(aws.ec2.send(new RebootInstancesCommand({ InstanceIds: [stopped] })))).name).toBe(
      'IncorrectState',
    );
  });

  it('install with RebootIfNeeded installs and reboots: compliant at once', async () => {
    const id = await byName('stg-app-1');
    expect((await states([id])).get(id)!.MissingCount).toBeGreaterThan(0);
    await send({ InstanceIds: [id], Parameters: { Operation: ['Install'], RebootOption: ['RebootIfNeeded'] } });
    clock.advance(PENDING + RUN);
    expect((await states([id])).get(id)).toMatchObject({
      Operation: 'Install',
      RebootOption: 'RebootIfNeeded',
      MissingCount: 0,
      InstalledPendingRebootCount: 0,
    });
  });

  it('an unreachable agent ends Failed/Undeliverable; an instance told to fail ends Failed with exit code 1', async () => {
    const lost = await byName('prd-app-3');
    const flaky = await byName('prd-web-1');
    sim.setInstance(flaky, { failNext: true });
    const sent = await send({ InstanceIds: [lost, flaky] });
    clock.advance(PENDING + RUN);
    const result = await invocations(sent.CommandId!);
    expect(result.get(lost)).toMatchObject({ Status: 'Failed', StatusDetails: 'Undeliverable' });
    expect(result.get(lost)?.CommandPlugins?.[0]).toMatchObject({ Name: 'PatchLinux', ResponseCode: -1 });
    expect(result.get(flaky)).toMatchObject({ Status: 'Failed', StatusDetails: 'Failed' });
    const detail = await aws.ssm.send(
      new GetCommandInvocationCommand({ CommandId: sent.CommandId!, InstanceId: flaky }),
    );
    expect(detail).toMatchObject({ Status: 'Failed', ResponseCode: 1, PluginName: 'PatchLinux' });
    expect(detail.StandardErrorContent).not.toBe('');
    expect(detail.ExecutionStartDateTime).toBe(new Date(clock.now().getTime() - RUN).toISOString());
    expect(detail.ExecutionElapsedTime).toBe('PT4.000S');
    expect(await command(sent.CommandId!)).toMatchObject({
      Status: 'Failed',
      StatusDetails: 'Failed',
      ErrorCount: 2,
      CompletedCount: 2,
    });
    // failNext is consumed: the next command succeeds.
    const again = await send({ InstanceIds: [flaky] });
    clock.advance(PENDING + RUN);
    expect((await invocations(again.CommandId!)).get(flaky)?.Status).toBe('Success');
  });

  it('stopping an instance through the admin endpoint makes it undeliverable; starting it brings it back', async () => {
    const id = await byName('win-ad-1');
    expect((await admin(sim.url, `/_sandbox/instances/${id}`, { state: 'stopped' })).json).toMatchObject({
      state: 'stopped',
      pingStatus: 'ConnectionLost',
    });
    const ec2 = await aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    expect(ec2.Reservations![0]!.Instances![0]!.State).toEqual({ Code: 80, Name: 'stopped' });
    const sent = await send({ InstanceIds: [id] });
    clock.advance(PENDING);
    expect((await invocations(sent.CommandId!)).get(id)).toMatchObject({
      Status: 'Failed',
      StatusDetails: 'Undeliverable',
    });
    expect(await command(sent.CommandId!)).toMatchObject({ Status: 'Failed', StatusDetails: 'Undeliverable' });
    await admin(sim.url, `/_sandbox/instances/${id}`, { state: 'running' });
    const info = await aws.ssm.send(
      new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [id] }] }),
    );
    expect(info.InstanceInformationList![0]!.PingStatus).toBe('Online');
  });

  it('cancel moves unfinished invocations to Cancelled and applies no effect', async () => {
    const ids = fleet
      .filter((i) => i.PingStatus === 'Online')
      .slice(0, 3)
      .map((i) => i.InstanceId!);
    const before = await states(ids);
    const sent = await send({
      InstanceIds: ids,
      Parameters: { Operation: ['Install'], RebootOption: ['NoReboot'] },
      MaxConcurrency: '1',
    });
    clock.advance(PENDING + RUN); // the first wave finished
    await aws.ssm.send(new CancelCommandCommand({ CommandId: sent.CommandId! }));
    clock.advance(10 * (PENDING + RUN));
    const result = await invocations(sent.CommandId!);
    expect(result.get(ids[0]!)?.Status).toBe('Success');
    expect([result.get(ids[1]!)?.Status, result.get(ids[2]!)?.Status]).toEqual(['Cancelled', 'Cancelled']);
    expect((await command(sent.CommandId!)).Status).toBe('Cancelled');
    const after = await states(ids);
    expect(after.get(ids[1]!)?.SnapshotId).toBe(before.get(ids[1]!)?.SnapshotId);
    expect(after.get(ids[0]!)?.Operation).toBe('Install');
  });

  it('MaxConcurrency sends in waves; waves that cannot start before TimeoutSeconds end DeliveryTimedOut', async () => {
    await sim.close();
    clock = new ManualClock('2026-03-10T12:00:00Z');
    sim = await startFleetSimulator({ port: 0, seed: 2, clock, timing: { pendingMs: 1000, runMs: 20_000 } });
    aws.destroy();
    aws = clients(sim.url);
    const ids = ['stg-web-1', 'stg-web-2', 'stg-web-3'];
    const instanceIds = await Promise.all(ids.map(byName));
    const sent = await send({ InstanceIds: instanceIds, MaxConcurrency: '1', TimeoutSeconds: 30 });
    clock.advance(21_000);
    let result = await invocations(sent.CommandId!);
    expect(instanceIds.map((id) => result.get(id)?.Status)).toEqual(['Success', 'Pending', 'Pending']);
    clock.advance(60_000);
    result = await invocations(sent.CommandId!);
    expect(instanceIds.map((id) => `${result.get(id)?.Status}/${result.get(id)?.StatusDetails}`)).toEqual([
      'Success/Success',
      'Success/Success',
      'TimedOut/DeliveryTimedOut',
    ]);
    expect(await command(sent.CommandId!)).toMatchObject({
      DeliveryTimedOutCount: 1,
      CompletedCount: 3,
      StatusDetails: 'Incomplete',
    });
  });

  it('a window execution runs its tasks in priority order, each a real command', async () => {
    const { json } = await admin(sim.url, '/_sandbox/windows/patch-window-am2/execute', {});
    const executionId = json.windowExecutionId as string;
    expect(executionId).toMatch(/^[0-9a-f-]{36}$/);
    const windowId = json.windowId as string;
    const executions =
      (await aws.ssm.send(new DescribeMaintenanceWindowExecutionsCommand({ WindowId: windowId }))).WindowExecutions ??
      [];
    expect(executions[0]).toMatchObject({ WindowExecutionId: executionId, Status: 'PENDING' });
    const tasksNow = async () =>
      (await aws.ssm.send(new DescribeMaintenanceWindowExecutionTasksCommand({ WindowExecutionId: executionId })))
        .WindowExecutionTaskIdentities ?? [];
    expect((await tasksNow()).map((t) => t.Status)).toEqual(['PENDING', 'PENDING']);
    expect((await tasksNow())[1]?.StartTime).toBeUndefined();
    clock.advance(PENDING);
    expect((await tasksNow()).map((t) => t.Status)).toEqual(['IN_PROGRESS', 'PENDING']);
    // The scan runs in waves of MaxConcurrency 50%; the install starts when the last wave ends.
    let midway = await tasksNow();
    while (midway[0]?.Status !== 'SUCCESS') {
      expect(midway[1]?.Status).toBe('PENDING');
      clock.advance(PENDING + RUN);
      midway = await tasksNow();
    }
    expect(midway[1]?.StartTime).toEqual(midway[0]?.EndTime);
    clock.advance(10 * (PENDING + RUN));
    const done = await tasksNow();
    // The install targets include prd-app-3, whose agent is lost: that task fails.
    expect(done.map((t) => t.Status)).toEqual(['SUCCESS', 'FAILED']);
    const execution = (await aws.ssm.send(new DescribeMaintenanceWindowExecutionsCommand({ WindowId: windowId })))
      .WindowExecutions![0]!;
    expect(execution).toMatchObject({
      Status: 'FAILED',
      StatusDetails: 'One or more tasks in the orchestration failed.',
    });
    expect(execution.EndTime).toBeInstanceOf(Date);

    const install =
      (
        await aws.ssm.send(
          new DescribeMaintenanceWindowExecutionTaskInvocationsCommand({
            WindowExecutionId: executionId,
            TaskId: done[1]!.TaskExecutionId!,
          }),
        )
      ).WindowExecutionTaskInvocationIdentities ?? [];
    expect(new Set(install.map((i) => i.ExecutionId)).size).toBe(1);
    const commandId = install[0]!.ExecutionId!;
    const commandInvocations = await invocations(commandId);
    expect(commandInvocations.size).toBe(install.length);
    for (const inv of install) {
      expect(inv.Status).toBe(
        commandInvocations.get(JSON.parse(inv.Parameters!).instanceIds[0])?.Status === 'Success' ? 'SUCCESS' : 'FAILED',
      );
      expect(inv.WindowTargetId).toBeDefined();
    }
    const lost = await byName('prd-app-3');
    expect(commandInvocations.get(lost)?.StatusDetails).toBe('Undeliverable');
    const installedIds = install
      .map((i) => JSON.parse(i.Parameters!).instanceIds[0] as string)
      .filter((id) => id !== lost);
    for (const s of (await states(installedIds)).values())
      expect(s).toMatchObject({ Operation: 'Install', MissingCount: 0 });
    expect((await command(commandId)).Parameters).toEqual({ Operation: ['Install'], RebootOption: ['RebootIfNeeded'] });
  });

  it('a released patch is missing where it was released; rescan reports it at once, by each baseline’s rule', async () => {
    const release = await admin(sim.url, '/_sandbox/patches', {
      title: 'ALAS2-2026-9001',
      classification: 'Security',
      severity: 'Critical',
      releasedDaysAgo: 3,
      group: 'STG',
      rescan: true,
    });
    expect(release.status).toBe(200);
    const stg = release.json.instanceIds as string[];
    expect(stg.length).toBe(7); // the PatchGroup-spelled and the stopped instance count too
    const patch = await aws.ssm.send(
      new DescribeInstancePatchesCommand({
        InstanceId: stg[0]!,
        Filters: [{ Key: 'KBId', Values: ['ALAS2-2026-9001'] }],
      }),
    );
    expect(patch.Patches).toMatchObject([{ Title: 'ALAS2-2026-9001', State: 'Missing', Severity: 'Critical' }]);
    const prd = sim.releasePatch({
      title: 'ALAS2-2026-9002',
      classification: 'Security',
      severity: 'Critical',
      releasedDaysAgo: 3,
      group: 'PRD',
      rescan: true,
    });
    // Three days old: PRD's baseline approves after 31 days, so the scan does not report it missing.
    const stoppedStg = await byName('stg-batch-1');
    const unscanned = await aws.ssm.send(
      new DescribeInstancePatchesCommand({
        InstanceId: stoppedStg,
        Filters: [{ Key: 'KBId', Values: ['ALAS2-2026-9001'] }],
      }),
    );
    expect(unscanned.Patches).toEqual([]); // a stopped instance cannot be scanned
    const prdPatch = await aws.ssm.send(
      new DescribeInstancePatchesCommand({
        InstanceId: prd.instanceIds[0]!,
        Filters: [{ Key: 'KBId', Values: ['ALAS2-2026-9002'] }],
      }),
    );
    expect(prdPatch.Patches).toEqual([]);
    // Without rescan the report waits for the next scan.
    const quiet = sim.releasePatch({
      title: 'ALAS2-2026-9003',
      classification: 'Security',
      severity: 'Important',
      releasedDaysAgo: 5,
      instanceIds: [stg[0]!],
    });
    expect(quiet.os).toBe('AMAZON_LINUX_2');
    const unseen = await aws.ssm.send(
      new DescribeInstancePatchesCommand({
        InstanceId: stg[0]!,
        Filters: [{ Key: 'KBId', Values: ['ALAS2-2026-9003'] }],
      }),
    );
    expect(unseen.Patches).toEqual([]);
    await send({ InstanceIds: [stg[0]!] });
    clock.advance(PENDING + RUN);
    const seen = await aws.ssm.send(
      new DescribeInstancePatchesCommand({
        InstanceId: stg[0]!,
        Filters: [{ Key: 'KBId', Values: ['ALAS2-2026-9003'] }],
      }),
    );
    expect(seen.Patches).toMatchObject([{ State: 'Missing' }]);
  });
});
