/**
 * EC2 instances no SSM agent registered, as AWS treats them: EC2 lists them with their tags, SSM does
 * not (DescribeInstanceInformation, patch states), Run Command refuses them by id and never reaches
 * them by tag. Launched by the `unmanagedInstances` option (kept on reset) or `POST /_sandbox/instances`.
 */
import {
  DescribeInstanceInformationCommand,
  DescribeInstancePatchesCommand,
  SendCommandCommand,
} from '@aws-sdk/client-ssm';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { admin, failure } from './helpers';
import { aws, sim, useSimulated } from './simulated';

const PRD = { 'Patch Group': 'PRD' };

describe('EC2 instances SSM does not manage', () => {
  useSimulated({ seed: 1, unmanagedInstances: [{ name: 'prd-legacy-1', tags: PRD }] });

  const ec2 = async (name: string) =>
    (await aws.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: [name] }] })))
      .Reservations?.[0]?.Instances?.[0];
  const ssmPrd = async () =>
    (
      (
        await aws.ssm.send(
          new DescribeInstanceInformationCommand({ Filters: [{ Key: 'tag:Patch Group', Values: ['PRD'] }] }),
        )
      ).InstanceInformationList ?? []
    ).map((i) => i.InstanceId);

  it('EC2 lists the launched instance with its tags, running; SSM does not list it', async () => {
    const legacy = await ec2('prd-legacy-1');
    expect(legacy?.State?.Name).toBe('running');
    expect(legacy?.Tags).toEqual(expect.arrayContaining([{ Key: 'Patch Group', Value: 'PRD' }]));
    const managed = await ssmPrd();
    expect(managed).toHaveLength(8); // the seeded PRD cast under the `Patch Group` spelling
    expect(managed).not.toContain(legacy?.InstanceId);
  });

  it('Run Command refuses it by id and does not reach it through the tag', async () => {
    const id = (await ec2('prd-legacy-1'))!.InstanceId!;
    const err = await failure(
      aws.ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWS-RunPatchBaseline',
          InstanceIds: [id],
          Parameters: { Operation: ['Scan'] },
        }),
      ),
    );
    expect(err.name).toBe('InvalidInstanceId');
    const byTag = await aws.ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunPatchBaseline',
        Targets: [{ Key: 'tag:Name', Values: ['prd-legacy-1', 'prd-web-1'] }],
        Parameters: { Operation: ['Scan'] },
      }),
    );
    expect(byTag.Command?.TargetCount).toBe(1);
    const patches = await failure(aws.ssm.send(new DescribeInstancePatchesCommand({ InstanceId: id })));
    expect(patches.name).toBe('InvalidInstanceId');
  });

  it('POST /_sandbox/instances launches one (stopped here), and reset keeps only the configured ones', async () => {
    const answer = await admin(sim.url, '/_sandbox/instances', { name: 'prd-legacy-2', tags: PRD, state: 'stopped' });
    expect(answer).toMatchObject({ status: 200, json: { name: 'prd-legacy-2', state: 'stopped', ssmManaged: false } });
    expect((await ec2('prd-legacy-2'))?.State?.Name).toBe('stopped');
    expect(await admin(sim.url, '/_sandbox/instances', { tags: PRD })).toMatchObject({
      status: 400,
      json: { error: 'BadRequest' },
    });
    sim.reset();
    expect(await ec2('prd-legacy-2')).toBeUndefined();
    expect((await ec2('prd-legacy-1'))?.State?.Name).toBe('running');
  });
});
