/**
 * The patch lifecycle of one command, driven by a manual clock so every step is exact: Pending → InProgress →
 * Success/Failed, compliance reported when a Scan or Install finishes, a reboot seen at the next scan; failures,
 * stopped instances and cancels.
 */
import {
  CancelCommandCommand,
  DescribeInstanceInformationCommand,
  DescribeInstancePatchesCommand,
  GetCommandInvocationCommand,
  type InstanceInformation,
} from '@aws-sdk/client-ssm';
import { DescribeInstancesCommand, RebootInstancesCommand } from '@aws-sdk/client-ec2';
import { admin, type clients, failure } from './helpers';
import type { ManualClock } from '../../src/clock';
import type { FleetSimulator } from '@patchbot/sandbox/aws';
import { PENDING, RUN, startLifecycle, shorthands } from './lifecycle-world';

describe('patch lifecycle', () => {
  let sim: FleetSimulator;
  let clock: ManualClock;
  let aws: ReturnType<typeof clients>;
  let fleet: InstanceInformation[];
  const { byName, send, invocations, states, command } = shorthands(() => aws);

  beforeEach(async () => {
    ({ sim, clock, aws, fleet } = await startLifecycle());
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
});
