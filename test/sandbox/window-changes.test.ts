/**
 * UpdateMaintenanceWindow and DeleteMaintenanceWindow through the real SDK: a disabled window has no
 * next run, Cutoff must stay under Duration, and a deleted window is DoesNotExistException from then on
 * (the SSM API reference's fields, ranges and errors).
 */
import {
  DeleteMaintenanceWindowCommand,
  DescribeMaintenanceWindowsCommand,
  GetMaintenanceWindowCommand,
  UpdateMaintenanceWindowCommand,
} from '@aws-sdk/client-ssm';
import type { FleetSimulator } from '@patchbot/sandbox/aws';
import type { clients } from './helpers';
import { startLifecycle } from './lifecycle-world';

describe('changing and deleting a maintenance window', () => {
  let sim: FleetSimulator;
  let aws: ReturnType<typeof clients>;
  beforeEach(async () => {
    ({ sim, aws } = await startLifecycle());
  });
  afterEach(async () => {
    aws.destroy();
    await sim.close();
  });

  const windowId = async (name: string) => {
    const listed = await aws.ssm.send(
      new DescribeMaintenanceWindowsCommand({ Filters: [{ Key: 'Name', Values: [name] }] }),
    );
    return listed.WindowIdentities![0]!.WindowId!;
  };

  it('disables a window: it keeps its schedule and has no next run until enabled again', async () => {
    const WindowId = await windowId('patch-prd');
    expect((await aws.ssm.send(new GetMaintenanceWindowCommand({ WindowId }))).NextExecutionTime).toBeDefined();
    const updated = await aws.ssm.send(new UpdateMaintenanceWindowCommand({ WindowId, Enabled: false }));
    expect(updated).toMatchObject({ WindowId, Name: 'patch-prd', Enabled: false });
    const disabled = await aws.ssm.send(new GetMaintenanceWindowCommand({ WindowId }));
    expect(disabled.Enabled).toBe(false);
    expect(disabled.NextExecutionTime).toBeUndefined();
    expect(disabled.Schedule).toBe(updated.Schedule);
    await aws.ssm.send(new UpdateMaintenanceWindowCommand({ WindowId, Enabled: true }));
    expect((await aws.ssm.send(new GetMaintenanceWindowCommand({ WindowId }))).NextExecutionTime).toBeDefined();
    expect(sim.changes('UpdateMaintenanceWindow')).toHaveLength(2);
  });

  it('refuses a Cutoff not under the Duration, and changes nothing', async () => {
    const WindowId = await windowId('patch-prd');
    const before = await aws.ssm.send(new GetMaintenanceWindowCommand({ WindowId }));
    await expect(
      aws.ssm.send(new UpdateMaintenanceWindowCommand({ WindowId, Duration: 2, Cutoff: 2 })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    const after = await aws.ssm.send(new GetMaintenanceWindowCommand({ WindowId }));
    expect({ Duration: after.Duration, Cutoff: after.Cutoff }).toEqual({
      Duration: before.Duration,
      Cutoff: before.Cutoff,
    });
  });

  it('deletes a window: it is gone from the list, and asking for it is DoesNotExistException', async () => {
    const WindowId = await windowId('patch-prd');
    expect(await aws.ssm.send(new DeleteMaintenanceWindowCommand({ WindowId }))).toMatchObject({ WindowId });
    await expect(aws.ssm.send(new GetMaintenanceWindowCommand({ WindowId }))).rejects.toMatchObject({
      name: 'DoesNotExistException',
    });
    const listed = await aws.ssm.send(new DescribeMaintenanceWindowsCommand({}));
    expect(listed.WindowIdentities?.map((w) => w.WindowId)).not.toContain(WindowId);
    await expect(aws.ssm.send(new DeleteMaintenanceWindowCommand({ WindowId }))).rejects.toMatchObject({
      name: 'DoesNotExistException',
    });
  });
});
