/**
 * AWS's request rules are enforced with AWS's error codes, and every rejection is counted, so a
 * test can prove a client never sent an out-of-range request.
 */
import {
  CancelCommandCommand,
  DescribeInstanceInformationCommand,
  DescribeInstancePatchStatesCommand,
  DescribeInstancePatchStatesForPatchGroupCommand,
  DescribeInstancePatchesCommand,
  DescribeMaintenanceWindowExecutionsCommand,
  DescribeMaintenanceWindowsCommand,
  DescribePatchBaselinesCommand,
  DescribePatchGroupsCommand,
  GetCommandInvocationCommand,
  GetMaintenanceWindowCommand,
  GetPatchBaselineCommand,
  GetPatchBaselineForPatchGroupCommand,
  DescribePatchGroupStateCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  RegisterPatchBaselineForPatchGroupCommand,
  SendCommandCommand,
  type SendCommandCommandInput,
} from '@aws-sdk/client-ssm';
import { DescribeInstancesCommand, RebootInstancesCommand } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { clients, failure } from './helpers';

const SCAN: SendCommandCommandInput = {
  DocumentName: 'AWS-RunPatchBaseline',
  Parameters: { Operation: ['Scan'] },
  Targets: [{ Key: 'tag:Patch Group', Values: ['STG'] }],
};
const ids = (n: number) => Array.from({ length: n }, (_, i) => `i-${i.toString(16).padStart(17, '0')}`);

describe('request validation', () => {
  let sim: FleetSimulator;
  let aws: ReturnType<typeof clients>;

  beforeAll(async () => {
    sim = await startFleetSimulator({ port: 0, timing: { pendingMs: 10, runMs: 10 } });
    aws = clients(sim.url);
  });
  afterAll(async () => {
    aws.destroy();
    await sim.close();
  });
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

  it('unknown things answer with the service’s own codes', async () => {
    expect(
      (await failure(aws.ssm.send(new DescribeInstancePatchesCommand({ InstanceId: 'i-0123456789abcdef0' })))).name,
    ).toBe('InvalidInstanceId');
    expect(
      (
        await failure(
          aws.ssm.send(new ListCommandInvocationsCommand({ CommandId: '00000000-0000-4000-8000-000000000000' })),
        )
      ).name,
    ).toBe('InvalidCommandId');
    expect(
      (await failure(aws.ssm.send(new ListCommandsCommand({ CommandId: '00000000-0000-4000-8000-000000000000' }))))
        .name,
    ).toBe('InvalidCommandId');
    expect(
      (await failure(aws.ssm.send(new CancelCommandCommand({ CommandId: '00000000-0000-4000-8000-000000000000' }))))
        .name,
    ).toBe('InvalidCommandId');
    expect(
      (
        await failure(
          aws.ssm.send(
            new GetCommandInvocationCommand({
              CommandId: '00000000-0000-4000-8000-000000000000',
              InstanceId: 'i-0123456789abcdef0',
            }),
          ),
        )
      ).name,
    ).toBe('InvocationDoesNotExist');
    expect(
      (await failure(aws.ssm.send(new GetMaintenanceWindowCommand({ WindowId: 'mw-0123456789abcdef0' })))).name,
    ).toBe('DoesNotExistException');
    expect(
      (await failure(aws.ssm.send(new GetPatchBaselineCommand({ BaselineId: 'pb-0123456789abcdef0' })))).name,
    ).toBe('DoesNotExistException');
    expect(
      (
        await failure(
          aws.ssm.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: 'Color', Values: ['red'] }] })),
        )
      ).name,
    ).toBe('InvalidFilterKey');
    expect(
      (
        await failure(
          aws.ssm.send(
            new DescribeInstanceInformationCommand({ Filters: [{ Key: 'PingStatus', Values: ['Sleeping'] }] }),
          ),
        )
      ).name,
    ).toBe('InvalidInstanceInformationFilterValue');
    expect(
      (
        await failure(
          aws.ssm.send(
            new DescribeInstancePatchStatesForPatchGroupCommand({
              PatchGroup: 'STG',
              Filters: Array.from({ length: 5 }, () => ({
                Key: 'MissingCount',
                Values: ['0'],
                Type: 'Equal' as const,
              })),
            }),
          ),
        )
      ).name,
    ).toBe('ValidationException');
    expect(
      (
        await failure(
          aws.ssm.send(
            new DescribeInstancePatchesCommand({
              InstanceId: 'i-0123456789abcdef0',
              Filters: [{ Key: 'Color', Values: ['x'] }],
            }),
          ),
        )
      ).name,
    ).toBe('InvalidInstanceId');
  });

  it('an unknown SSM operation is an UnknownOperationException; an unknown Query action is InvalidAction', async () => {
    const ssm = await fetch(sim.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonSSM.LaunchRockets', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    expect(ssm.status).toBe(400);
    expect(ssm.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(ssm.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await ssm.json()).toMatchObject({ __type: 'UnknownOperationException' });
    const ec2 = await fetch(sim.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=TerminateInstances&Version=2016-11-15',
    });
    expect(ec2.status).toBe(400);
    expect(await ec2.text()).toMatch(
      /<Response><Errors><Error><Code>InvalidAction<\/Code><Message>.*<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>/,
    );
    const broken = await fetch(sim.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonSSM.ListCommands', 'content-type': 'application/x-amz-json-1.1' },
      body: '{"MaxResults":',
    });
    expect(await broken.json()).toMatchObject({ __type: 'SerializationException' });
    expect(sim.stats().rejected).toEqual({ LaunchRockets: 1, TerminateInstances: 1, ListCommands: 1 });
  });

  it('EC2: InstanceIds with MaxResults, MaxResults out of range, malformed and unknown ids, unknown filter', async () => {
    const combo = await failure(
      aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'], MaxResults: 5 })),
    );
    expect(combo.name).toBe('InvalidParameterCombination');
    expect(combo.$metadata?.httpStatusCode).toBe(400);
    expect((await failure(aws.ec2.send(new DescribeInstancesCommand({ MaxResults: 4 })))).name).toBe(
      'InvalidParameterValue',
    );
    expect((await failure(aws.ec2.send(new DescribeInstancesCommand({ MaxResults: 1001 })))).name).toBe(
      'InvalidParameterValue',
    );
    expect((await failure(aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: ['web-1'] })))).name).toBe(
      'InvalidInstanceID.Malformed',
    );
    const unknown = await failure(aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })));
    expect(unknown.name).toBe('InvalidInstanceID.NotFound');
    expect(unknown.message).toBe("The instance ID 'i-0123456789abcdef0' does not exist");
    expect(
      (await failure(aws.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'colour', Values: ['red'] }] }))))
        .name,
    ).toBe('InvalidParameterValue');
    expect(
      (await failure(aws.ec2.send(new RebootInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })))).name,
    ).toBe('InvalidInstanceID.NotFound');
    expect(sim.stats().rejected).toEqual({ DescribeInstances: 6, RebootInstances: 1 });
  });

  it('STS: AssumeRole validates the role ARN, session name and duration', async () => {
    const base = { RoleArn: 'arn:aws:iam::222222222222:role/patchbot', RoleSessionName: 'patchbot' };
    expect((await failure(aws.sts.send(new AssumeRoleCommand({ ...base, RoleArn: 'patchbot' })))).name).toBe(
      'ValidationError',
    );
    expect((await failure(aws.sts.send(new AssumeRoleCommand({ ...base, RoleSessionName: 'x' })))).name).toBe(
      'ValidationError',
    );
    expect((await failure(aws.sts.send(new AssumeRoleCommand({ ...base, DurationSeconds: 899 })))).name).toBe(
      'ValidationError',
    );
    expect(sim.stats().rejected).toEqual({ AssumeRole: 3 });
  });
});
