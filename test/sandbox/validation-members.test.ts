/** Required members, time filters and patch group names are validated as AWS does, with AWS's error codes. */
import {
  CancelCommandCommand,
  DescribeInstancePatchStatesCommand,
  DescribeInstancePatchStatesForPatchGroupCommand,
  DescribeInstancePatchesCommand,
  DescribeMaintenanceWindowExecutionsCommand,
  DescribeMaintenanceWindowsCommand,
  GetCommandInvocationCommand,
  GetMaintenanceWindowCommand,
  GetPatchBaselineForPatchGroupCommand,
  DescribePatchGroupStateCommand,
  ListCommandsCommand,
  RegisterPatchBaselineForPatchGroupCommand,
  SendCommandCommand,
} from '@aws-sdk/client-ssm';
import { failure } from './helpers';
import { aws, sim, useSimulated } from './simulated';

describe('request validation', () => {
  useSimulated({ timing: { pendingMs: 10, runMs: 10 } });
  beforeEach(() => sim.resetStats());

  it('missing required members are ValidationExceptions that name the member', async () => {
    const cases: [() => Promise<unknown>, string][] = [
      [() => aws.ssm.send(new DescribeInstancePatchesCommand({} as never)), "Value null at 'instanceId'"],
      [() => aws.ssm.send(new DescribeInstancePatchStatesCommand({} as never)), "Value null at 'instanceIds'"],
      [
        () => aws.ssm.send(new DescribeInstancePatchStatesForPatchGroupCommand({} as never)),
        "Value null at 'patchGroup'",
      ],
      [() => aws.ssm.send(new GetMaintenanceWindowCommand({} as never)), "Value null at 'windowId'"],
      [() => aws.ssm.send(new SendCommandCommand({} as never)), "Value null at 'documentName'"],
      [() => aws.ssm.send(new CancelCommandCommand({} as never)), "Value null at 'commandId'"],
      [
        () =>
          aws.ssm.send(new GetCommandInvocationCommand({ CommandId: '00000000-0000-4000-8000-000000000000' } as never)),
        "Value null at 'instanceId'",
      ],
    ];
    for (const [call, message] of cases) {
      const err = await failure(call());
      expect(err.name).toBe('ValidationException');
      expect(err.message).toContain(message);
    }
    expect(Object.values(sim.stats().rejected).reduce((a, b) => a + b, 0)).toBe(cases.length);
  });

  it('time filters take the documented whole seconds (2024-07-07T00:00:00Z), not fractions', async () => {
    const windowId = (await aws.ssm.send(new DescribeMaintenanceWindowsCommand({}))).WindowIdentities![0]!.WindowId!;
    const listed = await failure(
      aws.ssm.send(new ListCommandsCommand({ Filters: [{ key: 'InvokedAfter', value: '2026-12-02T02:00:37.268Z' }] })),
    );
    expect(listed.name).toBe('ValidationException');
    expect(listed.message).toContain('whole seconds');
    const executions = await failure(
      aws.ssm.send(
        new DescribeMaintenanceWindowExecutionsCommand({
          WindowId: windowId,
          Filters: [{ Key: 'ExecutedAfter', Values: ['2026-12-02T02:00:37.268Z'] }],
        }),
      ),
    );
    expect(executions.name).toBe('ValidationException');
    await expect(
      aws.ssm.send(new ListCommandsCommand({ Filters: [{ key: 'InvokedAfter', value: '2026-12-02T02:00:37Z' }] })),
    ).resolves.toBeDefined();
    await expect(
      aws.ssm.send(
        new DescribeMaintenanceWindowExecutionsCommand({
          WindowId: windowId,
          Filters: [{ Key: 'ExecutedBefore', Values: ['2026-12-02T02:00:37+01:00'] }],
        }),
      ),
    ).resolves.toBeDefined();
  });

  it('PatchGroup: every operation that takes one refuses a name outside the model (1..256 characters of its pattern) as AWS does', async () => {
    const baselineId = (
      await aws.ssm.send(
        new GetPatchBaselineForPatchGroupCommand({ PatchGroup: 'STG', OperatingSystem: 'AMAZON_LINUX_2' }),
      )
    ).BaselineId!;
    const calls = (group: string) => [
      () =>
        aws.ssm.send(
          new GetPatchBaselineForPatchGroupCommand({ PatchGroup: group, OperatingSystem: 'AMAZON_LINUX_2' }),
        ),
      () => aws.ssm.send(new DescribeInstancePatchStatesForPatchGroupCommand({ PatchGroup: group })),
      () => aws.ssm.send(new DescribePatchGroupStateCommand({ PatchGroup: group })),
      () => aws.ssm.send(new RegisterPatchBaselineForPatchGroupCommand({ BaselineId: baselineId, PatchGroup: group })),
    ];
    for (const call of calls('prd#1')) {
      const err = await failure(call());
      expect(err.name).toBe('ValidationException');
      expect(err.message).toBe(
        "1 validation error detected: Value 'prd#1' at 'patchGroup' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$",
      );
    }
    for (const call of calls(''))
      expect((await failure(call())).message).toContain('Member must have length greater than or equal to 1');
    for (const call of calls('a'.repeat(257)))
      expect((await failure(call())).message).toContain('Member must have length less than or equal to 256');
    // Letters of any script, spaces and the listed punctuation are names SSM accepts.
    for (const call of calls('Ünïcödé Prod/eu=1+a@b:c_d.e').slice(0, 3)) await expect(call()).resolves.toBeDefined();
  });

  it('RegisterPatchBaselineForPatchGroup registers once per operating system and refuses a second baseline', async () => {
    const stg = (
      await aws.ssm.send(
        new GetPatchBaselineForPatchGroupCommand({ PatchGroup: 'STG', OperatingSystem: 'AMAZON_LINUX_2' }),
      )
    ).BaselineId!;
    const prd = (
      await aws.ssm.send(
        new GetPatchBaselineForPatchGroupCommand({ PatchGroup: 'PRD', OperatingSystem: 'AMAZON_LINUX_2' }),
      )
    ).BaselineId!;
    expect(
      await aws.ssm.send(new RegisterPatchBaselineForPatchGroupCommand({ BaselineId: stg, PatchGroup: 'QA web' })),
    ).toMatchObject({ BaselineId: stg, PatchGroup: 'QA web' });
    expect(
      (
        await aws.ssm.send(
          new GetPatchBaselineForPatchGroupCommand({ PatchGroup: 'QA web', OperatingSystem: 'AMAZON_LINUX_2' }),
        )
      ).BaselineId,
    ).toBe(stg);
    await expect(
      aws.ssm.send(new RegisterPatchBaselineForPatchGroupCommand({ BaselineId: stg, PatchGroup: 'QA web' })),
    ).resolves.toBeDefined();
    expect(
      (
        await failure(
          aws.ssm.send(new RegisterPatchBaselineForPatchGroupCommand({ BaselineId: prd, PatchGroup: 'QA web' })),
        )
      ).name,
    ).toBe('AlreadyExistsException');
    expect(
      (
        await failure(
          aws.ssm.send(
            new RegisterPatchBaselineForPatchGroupCommand({ BaselineId: 'pb-0123456789abcdef0', PatchGroup: 'QA' }),
          ),
        )
      ).name,
    ).toBe('DoesNotExistException');
  });
});
