/**
 * AWS's limits on page sizes and on SendCommand are enforced with AWS's error codes, and every rejection
 * is counted, so a test can prove a client never sent an out-of-range request.
 */
import {
  DescribeInstanceInformationCommand,
  DescribeInstancePatchStatesCommand,
  DescribeInstancePatchStatesForPatchGroupCommand,
  DescribeInstancePatchesCommand,
  DescribeMaintenanceWindowExecutionsCommand,
  DescribeMaintenanceWindowsCommand,
  DescribePatchBaselinesCommand,
  DescribePatchGroupsCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
  type SendCommandCommandInput,
} from '@aws-sdk/client-ssm';
import { failure } from './helpers';
import { aws, sim, useSimulated } from './simulated';

const SCAN: SendCommandCommandInput = {
  DocumentName: 'AWS-RunPatchBaseline',
  Parameters: { Operation: ['Scan'] },
  Targets: [{ Key: 'tag:Patch Group', Values: ['STG'] }],
};
const ids = (n: number) => Array.from({ length: n }, (_, i) => `i-${i.toString(16).padStart(17, '0')}`);

describe('request validation', () => {
  useSimulated({ timing: { pendingMs: 10, runMs: 10 } });
  beforeEach(() => sim.resetStats());

  it.each([
    ['DescribeInstanceInformation', 4, () => new DescribeInstanceInformationCommand({ MaxResults: 4 })],
    ['DescribeInstanceInformation', 51, () => new DescribeInstanceInformationCommand({ MaxResults: 51 })],
    [
      'DescribeInstancePatchStates',
      9,
      () => new DescribeInstancePatchStatesCommand({ InstanceIds: [], MaxResults: 9 }),
    ],
    [
      'DescribeInstancePatchStatesForPatchGroup',
      101,
      () => new DescribeInstancePatchStatesForPatchGroupCommand({ PatchGroup: 'STG', MaxResults: 101 }),
    ],
    [
      'DescribeInstancePatches',
      9,
      () => new DescribeInstancePatchesCommand({ InstanceId: 'i-00000000000000000', MaxResults: 9 }),
    ],
    ['DescribePatchGroups', 0, () => new DescribePatchGroupsCommand({ MaxResults: 0 })],
    ['DescribePatchBaselines', 101, () => new DescribePatchBaselinesCommand({ MaxResults: 101 })],
    ['DescribeMaintenanceWindows', 9, () => new DescribeMaintenanceWindowsCommand({ MaxResults: 9 })],
    [
      'DescribeMaintenanceWindowExecutions',
      101,
      () => new DescribeMaintenanceWindowExecutionsCommand({ WindowId: 'mw-0123456789abcdef0', MaxResults: 101 }),
    ],
    ['ListCommands', 51, () => new ListCommandsCommand({ MaxResults: 51 })],
    ['ListCommandInvocations', 0, () => new ListCommandInvocationsCommand({ MaxResults: 0 })],
  ] as const)('%s rejects MaxResults %d with ValidationException', async (operation, value, command) => {
    const err = await failure(aws.ssm.send(command() as never));
    expect(err.name).toBe('ValidationException');
    expect(err.message).toContain(`Value '${value}' at 'maxResults' failed to satisfy constraint`);
    expect(err.$metadata?.httpStatusCode).toBe(400);
    expect(err.$metadata?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sim.stats().rejected).toEqual({ [operation]: 1 });
  });

  it('rejects 51 InstanceIds, 6 Targets, 51 target values and a 101-character Comment', async () => {
    const cases: [SendCommandCommandInput | DescribeInstancePatchStatesCommand, string][] = [
      [{ ...SCAN, Targets: undefined, InstanceIds: ids(51) }, "at 'instanceIds'"],
      [
        { ...SCAN, Targets: Array.from({ length: 6 }, () => ({ Key: 'tag:Patch Group', Values: ['STG'] })) },
        "at 'targets'",
      ],
      [{ ...SCAN, Targets: [{ Key: 'tag:Name', Values: ids(51) }] }, "at 'targets.1.member.values'"],
      [{ ...SCAN, Comment: 'x'.repeat(101) }, "at 'comment'"],
      [{ ...SCAN, TimeoutSeconds: 29 }, "at 'timeoutSeconds'"],
      [{ ...SCAN, MaxConcurrency: '0' }, "at 'maxConcurrency'"],
      [{ ...SCAN, MaxErrors: '101%' }, "at 'maxErrors'"],
    ];
    for (const [input, where] of cases) {
      const err = await failure(aws.ssm.send(new SendCommandCommand(input as SendCommandCommandInput)));
      expect(err.name).toBe('ValidationException');
      expect(err.message).toContain(where);
    }
    const states = await failure(aws.ssm.send(new DescribeInstancePatchStatesCommand({ InstanceIds: ids(51) })));
    expect(states.message).toContain("at 'instanceIds'");
    expect(sim.stats().rejected).toEqual({ SendCommand: cases.length, DescribeInstancePatchStates: 1 });
    // A 100-character comment is fine.
    await aws.ssm.send(new SendCommandCommand({ ...SCAN, Comment: 'x'.repeat(100) }));
  });

  it('SendCommand: both or neither of InstanceIds and Targets, unknown document, bad parameters, unknown instance', async () => {
    const both = await failure(aws.ssm.send(new SendCommandCommand({ ...SCAN, InstanceIds: ids(1) })));
    expect(both.name).toBe('ValidationException');
    const neither = await failure(aws.ssm.send(new SendCommandCommand({ ...SCAN, Targets: undefined })));
    expect(neither.name).toBe('ValidationException');
    expect(
      (await failure(aws.ssm.send(new SendCommandCommand({ ...SCAN, DocumentName: 'AWS-RunShellScript' })))).name,
    ).toBe('InvalidDocument');
    expect(
      (await failure(aws.ssm.send(new SendCommandCommand({ ...SCAN, Parameters: { Operation: ['Upgrade'] } })))).name,
    ).toBe('InvalidParameters');
    expect((await failure(aws.ssm.send(new SendCommandCommand({ ...SCAN, Parameters: {} })))).name).toBe(
      'InvalidParameters',
    );
    expect(
      (
        await failure(
          aws.ssm.send(
            new SendCommandCommand({ ...SCAN, Parameters: { Operation: ['Scan'], RebootOption: ['Always'] } }),
          ),
        )
      ).name,
    ).toBe('InvalidParameters');
    expect(
      (
        await failure(
          aws.ssm.send(new SendCommandCommand({ ...SCAN, Targets: undefined, InstanceIds: ['i-0123456789abcdef0'] })),
        )
      ).name,
    ).toBe('InvalidInstanceId');
    expect(
      (
        await failure(
          aws.ssm.send(new SendCommandCommand({ ...SCAN, Targets: [{ Key: 'resource-groups:Name', Values: ['x'] }] })),
        )
      ).name,
    ).toBe('InvalidTarget');
    expect(sim.stats().rejectedCodes).toMatchObject({
      'SendCommand:InvalidDocument': 1,
      'SendCommand:InvalidParameters': 3,
      'SendCommand:InvalidInstanceId': 1,
    });
  });
});
