/** IAM denials: AccessDenied in each protocol, rules by action, account and region, changed at run time. */
import {
  DescribeInstanceInformationCommand,
  DescribePatchGroupStateCommand,
  SSMClient,
  SendCommandCommand,
} from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startFleetSimulator } from '@patchbot/sandbox/aws';
import { isDenied } from '@patchbot/sandbox/aws/knobs';
import { admin, clients } from './helpers';

describe('IAM denials', () => {
  it('answers a denied action with AccessDenied in each protocol, and can be lifted at run time', async () => {
    const sim = await startFleetSimulator({ port: 0, deny: [{ action: 'ssm:SendCommand' }, { action: 'sts:*' }] });
    const config = {
      endpoint: sim.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'SANDBOXDENYKEY000001', secretAccessKey: 'x' },
      maxAttempts: 1,
    };
    const ssm = new SSMClient(config);
    const sts = new STSClient(config);
    try {
      const send = () =>
        ssm.send(
          new SendCommandCommand({
            DocumentName: 'AWS-RunPatchBaseline',
            InstanceIds: ['i-0123456789abcdef0'],
            Parameters: { Operation: ['Scan'] },
          }),
        );
      await expect(send()).rejects.toMatchObject({
        name: 'AccessDeniedException',
        message: expect.stringContaining('not authorized to perform: ssm:SendCommand'),
      });
      const assume = () =>
        sts.send(
          new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::210987654321:role/patchbot', RoleSessionName: 'patchbot' }),
        );
      await expect(assume()).rejects.toMatchObject({ name: 'AccessDenied' });
      // IAM cannot deny GetCallerIdentity: AWS answers it whatever the policies say.
      await expect(sts.send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ Account: '123456789012' });
      await expect(ssm.send(new DescribeInstanceInformationCommand({}))).resolves.toBeDefined();
      sim.configure({ deny: [] });
      await expect(assume()).resolves.toBeDefined();
    } finally {
      ssm.destroy();
      sts.destroy();
      await sim.close();
    }
  });
  it('a rule matches on action, account and region; each left out matches any', () => {
    const rules = [
      { action: 'ssm:DescribeInstanceInformation', account: '210987654321', region: 'eu-west-1' },
      { action: 'ec2:*', region: 'ap-south-1' },
    ];
    expect(isDenied(rules, 'ssm:DescribeInstanceInformation', '210987654321', 'eu-west-1')).toBe(true);
    expect(isDenied(rules, 'ssm:DescribeInstanceInformation', '210987654321', 'us-east-1')).toBe(false);
    expect(isDenied(rules, 'ssm:DescribeInstanceInformation', '123456789012', 'eu-west-1')).toBe(false);
    expect(isDenied(rules, 'ssm:SendCommand', '210987654321', 'eu-west-1')).toBe(false);
    expect(isDenied(rules, 'ec2:DescribeInstances', '123456789012', 'ap-south-1')).toBe(true);
    expect(isDenied(rules, 'ec2:DescribeInstances', '123456789012', 'us-east-1')).toBe(false);
    expect(isDenied([{ action: '*' }], 'sts:AssumeRole', '123456789012', 'us-east-1')).toBe(true);
    expect(
      isDenied(
        [{ action: '*' }, { action: 'sts:GetCallerIdentity' }],
        'sts:GetCallerIdentity',
        '123456789012',
        'us-east-1',
      ),
    ).toBe(false);
  });

  it('a region-scoped denial set through POST /_sandbox/config refuses that region only, and a bad region is a 400', async () => {
    const sim = await startFleetSimulator({
      port: 0,
      fleets: [
        { account: '123456789012', region: 'us-east-1' },
        { account: '123456789012', region: 'eu-west-1', instances: 5 },
      ],
    });
    const east = clients(sim.url, { region: 'us-east-1' });
    const west = clients(sim.url, { region: 'eu-west-1' });
    try {
      const set = await admin(sim.url, '/_sandbox/config', {
        deny: [{ action: 'ssm:DescribeInstanceInformation', account: '123456789012', region: 'eu-west-1' }],
      });
      expect(set.status).toBe(200);
      expect(set.json.knobs).toMatchObject({
        deny: [{ action: 'ssm:DescribeInstanceInformation', account: '123456789012', region: 'eu-west-1' }],
      });
      await expect(west.ssm.send(new DescribeInstanceInformationCommand({}))).rejects.toMatchObject({
        name: 'AccessDeniedException',
      });
      await expect(east.ssm.send(new DescribeInstanceInformationCommand({}))).resolves.toBeDefined();
      await expect(west.ssm.send(new DescribePatchGroupStateCommand({ PatchGroup: 'STG' }))).resolves.toBeDefined();
      const bad = await admin(sim.url, '/_sandbox/config', { deny: [{ action: 'ssm:SendCommand', region: 'Europe' }] });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.json.issues)).toContain('region');
    } finally {
      east.destroy();
      west.destroy();
      await sim.close();
    }
  });
});
