/** Unknown things and operations, and EC2 and STS requests, are refused with each service's own codes. */
import {
  CancelCommandCommand,
  DescribeInstanceInformationCommand,
  DescribeInstancePatchStatesForPatchGroupCommand,
  DescribeInstancePatchesCommand,
  GetCommandInvocationCommand,
  GetMaintenanceWindowCommand,
  GetPatchBaselineCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
} from '@aws-sdk/client-ssm';
import { DescribeInstancesCommand, RebootInstancesCommand } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { failure } from './helpers';
import { aws, sim, useSimulated } from './simulated';

describe('request validation', () => {
  useSimulated({ timing: { pendingMs: 10, runMs: 10 } });
  beforeEach(() => sim.resetStats());

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
