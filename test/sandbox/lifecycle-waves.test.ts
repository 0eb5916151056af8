/** Commands sent in waves, window executions that run their tasks in priority order, and patches released to part of the fleet, on a manual clock. */
import {
  DescribeInstancePatchesCommand,
  DescribeMaintenanceWindowExecutionTaskInvocationsCommand,
  DescribeMaintenanceWindowExecutionTasksCommand,
  DescribeMaintenanceWindowExecutionsCommand,
} from '@aws-sdk/client-ssm';
import { admin, clients } from './helpers';
import { ManualClock } from '../../src/clock';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { PENDING, RUN, startLifecycle, shorthands } from './lifecycle-world';

describe('patch lifecycle', () => {
  let sim: FleetSimulator;
  let clock: ManualClock;
  let aws: ReturnType<typeof clients>;
  const { byName, send, invocations, states, command } = shorthands(() => aws);

  beforeEach(async () => {
    ({ sim, clock, aws } = await startLifecycle());
  });
  afterEach(async () => {
    aws.destroy();
    await sim.close();
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
