/**
 * Run Command output: per-invocation stdout and stderr in GetCommandInvocation within the API's
 * caps, realistic yum / Windows Update failures with a non-zero exit code, and the whole output in
 * S3 under Run Command's key layout when SendCommand names a bucket, with the URLs AWS reports.
 */
import { GetCommandInvocationCommand, type SendCommandCommandInput } from '@aws-sdk/client-ssm';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ManualClock } from '../../src/clock';
import type { FleetSimulator } from '@patchbot/sandbox/aws';
import { PLUGIN_OUTPUT_CAP, STDOUT_CAP, firstChars, pluginOutput } from '@patchbot/sandbox/aws/fleet/output';
import { s3Client, type clients } from './helpers';
import { PENDING, RUN, shorthands, startLifecycle } from './lifecycle-world';

describe('command output', () => {
  let sim: FleetSimulator;
  let clock: ManualClock;
  let aws: ReturnType<typeof clients>;
  let s3: S3Client;
  const { byName, send, invocations, command } = shorthands(() => aws);

  beforeEach(async () => {
    ({ sim, clock, aws } = await startLifecycle());
    sim.createBucket('patchbot-output');
    s3 = s3Client(sim.url);
  });
  afterEach(async () => {
    s3.destroy();
    aws.destroy();
    await sim.close();
  });

  const detail = (CommandId: string, InstanceId: string) =>
    aws.ssm.send(new GetCommandInvocationCommand({ CommandId, InstanceId }));
  const install = (input: Partial<SendCommandCommandInput>) =>
    send({ Parameters: { Operation: ['Install'], RebootOption: ['NoReboot'] }, ...input });
  const objectText = async (key: string) =>
    (await s3.send(new GetObjectCommand({ Bucket: 'patchbot-output', Key: key }))).Body!.transformToString();

  it('a Linux install that fails shows yum’s error on stderr and exit code 1; a Windows one Windows Update’s HRESULT', async () => {
    const linux = await byName('stg-app-1');
    const windows = await byName('win-iis-1');
    sim.setInstance(linux, { failNext: true });
    sim.setInstance(windows, { failNext: true });
    const sent = await install({ InstanceIds: [linux, windows] });
    // Nothing is shown before the run ends.
    clock.advance(PENDING);
    expect(await detail(sent.CommandId!, linux)).toMatchObject({
      Status: 'InProgress',
      StandardOutputContent: '',
      StandardErrorContent: '',
    });
    clock.advance(RUN);
    const l = await detail(sent.CommandId!, linux);
    expect(l).toMatchObject({ Status: 'Failed', ResponseCode: 1, PluginName: 'PatchLinux' });
    expect(l.StandardOutputContent).toContain('/usr/bin/yum');
    expect(l.StandardErrorContent).toMatch(/Transaction check error|repomd\.xml|Insufficient space/);
    expect(l.StandardErrorContent).toMatch(/failed to run commands: exit status 1$/);
    const w = await detail(sent.CommandId!, windows);
    expect(w).toMatchObject({ Status: 'Failed', ResponseCode: 1, PluginName: 'PatchWindows' });
    expect(w.StandardErrorContent).toMatch(/Windows Update failed to install KB\d+ with HRESULT 0x8[0-9a-f]{7}/);
    // A failed install changed nothing on the disk: the next run still has the same patches to install.
    const again = await install({ InstanceIds: [linux] });
    clock.advance(PENDING + RUN);
    expect((await detail(again.CommandId!, linux)).StandardOutputContent).toContain('will be an update');
  });

  it('a successful install lists what yum updated before the compliance summary', async () => {
    const id = await byName('stg-app-1');
    const sent = await install({ InstanceIds: [id] });
    clock.advance(PENDING + RUN);
    const out = await detail(sent.CommandId!, id);
    expect(out).toMatchObject({ Status: 'Success', ResponseCode: 0, StandardErrorContent: '' });
    expect(out.StandardOutputContent).toMatch(/---> Package \S+\.x86_64 0:\S+ will be an update/);
    expect(out.StandardOutputContent).toContain('Complete!');
    expect(out.StandardOutputContent).toContain('Operation type: Install (NoReboot)');
  });

  it('writes each invocation’s output to S3 under <prefix>/<command>/<instance>/<plugin>/<step>/ and reports the URLs', async () => {
    const linux = await byName('stg-app-1');
    const windows = await byName('win-iis-2');
    const lost = await byName('prd-app-3');
    sim.setInstance(linux, { failNext: true });
    const sent = await install({
      InstanceIds: [linux, windows, lost],
      OutputS3BucketName: 'patchbot-output',
      OutputS3KeyPrefix: 'patchbot/PRD/',
    });
    expect(sent).toMatchObject({
      OutputS3BucketName: 'patchbot-output',
      OutputS3KeyPrefix: 'patchbot/PRD/',
      OutputS3Region: 'us-east-1',
    });
    clock.advance(PENDING + RUN);
    const id = sent.CommandId!;
    const linuxKey = `patchbot/PRD/${id}/${linux}/awsrunShellScript/PatchLinux`;
    const l = await detail(id, linux);
    expect(l.StandardOutputUrl).toBe(`https://s3.us-east-1.amazonaws.com/patchbot-output/${linuxKey}/stdout`);
    expect(l.StandardErrorUrl).toBe(`https://s3.us-east-1.amazonaws.com/patchbot-output/${linuxKey}/stderr`);
    expect(await objectText(`${linuxKey}/stdout`)).toBe(l.StandardOutputContent);
    expect(await objectText(`${linuxKey}/stderr`)).toBe(l.StandardErrorContent);
    const windowsKey = `patchbot/PRD/${id}/${windows}/awsrunPowerShellScript/PatchWindows/stdout`;
    const w = await detail(id, windows);
    expect(w.Status).toBe('Success');
    expect(w.StandardOutputUrl).toBe(`https://s3.us-east-1.amazonaws.com/patchbot-output/${windowsKey}`);
    expect(await objectText(windowsKey)).toBe(w.StandardOutputContent);
    // The agent never ran on the lost instance: no output, no URL.
    expect(await detail(id, lost)).toMatchObject({ StandardOutputUrl: '', StandardErrorUrl: '' });
    const listed = await invocations(id);
    const plugin = listed.get(linux)?.CommandPlugins?.[0];
    expect(plugin).toMatchObject({
      StandardOutputUrl: l.StandardOutputUrl,
      OutputS3BucketName: 'patchbot-output',
      OutputS3KeyPrefix: 'patchbot/PRD/',
    });
    // One plugin of three ran, so the invocation-level URL stays empty, as the reference says.
    expect(listed.get(linux)?.StandardOutputUrl).toBe('');
    expect((await command(id)).OutputS3BucketName).toBe('patchbot-output');
    expect(sim.changes('SendCommand').at(-1)?.detail).toMatchObject({
      outputS3BucketName: 'patchbot-output',
      outputS3KeyPrefix: 'patchbot/PRD/',
    });
  });

  it('reports the bucket’s own region; an upload the instance may not make leaves the run as it was', async () => {
    sim.createBucket('patchbot-eu-output', { region: 'eu-west-1' });
    const id = await byName('stg-web-1');
    const eu = await send({ InstanceIds: [id], OutputS3BucketName: 'patchbot-eu-output' });
    clock.advance(PENDING + RUN);
    const out = await detail(eu.CommandId!, id);
    expect(out.StandardOutputUrl).toBe(
      `https://s3.eu-west-1.amazonaws.com/patchbot-eu-output/${eu.CommandId}/${id}/awsrunShellScript/PatchLinux/stdout`,
    );
    expect(
      sim.getObject('patchbot-eu-output', `${eu.CommandId}/${id}/awsrunShellScript/PatchLinux/stdout`),
    ).toBeDefined();
    sim.configure({ deny: [{ action: 's3:PutObject' }] });
    const denied = await send({ InstanceIds: [id], OutputS3BucketName: 'patchbot-output' });
    clock.advance(PENDING + RUN);
    expect((await detail(denied.CommandId!, id)).Status).toBe('Success');
    expect(
      sim.getObject('patchbot-output', `${denied.CommandId}/${id}/awsrunShellScript/PatchLinux/stdout`),
    ).toBeUndefined();
  });

  it('cuts stdout to its first 24,000 characters and the plugin Output to 2,500, marked', () => {
    const long = Array.from({ length: 3000 }, (_, i) => `line ${i} of yum output`).join('\n');
    expect(firstChars(long, STDOUT_CAP)).toBe(long.slice(0, STDOUT_CAP));
    expect(firstChars('short', STDOUT_CAP)).toBe('short');
    const cut = pluginOutput(long);
    expect(cut.length).toBe(PLUGIN_OUTPUT_CAP);
    expect(cut.endsWith('---Output truncated---')).toBe(true);
    expect(long.startsWith(cut.slice(0, 2000))).toBe(true);
  });
});
