/**
 * AWS-RunPatchBaseline's InstallOverrideList: an Install fetches the YAML list from the simulator's
 * S3 as it starts and installs exactly the listed patches that apply; a list it cannot fetch or read
 * fails that invocation with the reason on stderr. The journal and sim.overrideList show what was used.
 */
import { DescribeInstancePatchesCommand, GetCommandInvocationCommand } from '@aws-sdk/client-ssm';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ManualClock } from '../../src/clock';
import type { FleetSimulator } from '@patchbot/sandbox/aws';
import { OverrideListError, parseOverrideList } from '@patchbot/sandbox/aws/fleet/override-list';
import { s3Client, type clients, failure } from './helpers';
import { PENDING, RUN, shorthands, startLifecycle } from './lifecycle-world';

describe('InstallOverrideList', () => {
  let sim: FleetSimulator;
  let clock: ManualClock;
  let aws: ReturnType<typeof clients>;
  let s3: S3Client;
  const { byName, send } = shorthands(() => aws);

  beforeEach(async () => {
    ({ sim, clock, aws } = await startLifecycle());
    sim.createBucket('patchbot-lists');
    s3 = s3Client(sim.url);
  });
  afterEach(async () => {
    s3.destroy();
    aws.destroy();
    await sim.close();
  });

  const put = (Key: string, Body: string) => s3.send(new PutObjectCommand({ Bucket: 'patchbot-lists', Key, Body }));
  const patches = async (InstanceId: string, state?: string) =>
    (
      await aws.ssm.send(
        new DescribeInstancePatchesCommand({
          InstanceId,
          ...(state ? { Filters: [{ Key: 'State', Values: [state] }] } : {}),
        }),
      )
    ).Patches ?? [];
  const install = (InstanceIds: string[], url: string) =>
    send({
      InstanceIds,
      Parameters: { Operation: ['Install'], RebootOption: ['NoReboot'], InstallOverrideList: [url] },
    });
  const detail = (CommandId: string, InstanceId: string) =>
    aws.ssm.send(new GetCommandInvocationCommand({ CommandId, InstanceId }));

  it('installs exactly the listed Linux packages that apply, and nothing else the baseline approves', async () => {
    const id = await byName('stg-app-1');
    const missing = await patches(id, 'Missing');
    expect(missing.length).toBeGreaterThanOrEqual(3);
    const chosen = missing.slice(0, 2);
    const names = chosen.map((p) => p.KBId!.split(':')[0]!);
    // The user guide's layout: "-" on its own line, then id and title, quoted.
    const yaml = [
      '# promoted from STG',
      'patches:',
      ...names.flatMap((name) => ['    -', `        id: '${name}'`]),
      '    -',
      "        id: 'not-installed-here.x86_64'",
      "        title: 'not-installed-here.x86_64:0:1.0-1.amzn2'",
    ].join('\n');
    await put('promote/PRD.yaml', yaml);
    const sent = await install([id], 's3://patchbot-lists/promote/PRD.yaml');
    expect(sim.changes('SendCommand').at(-1)?.detail).toMatchObject({
      installOverrideList: 's3://patchbot-lists/promote/PRD.yaml',
      parameters: { InstallOverrideList: ['s3://patchbot-lists/promote/PRD.yaml'], Operation: ['Install'] },
    });
    expect(sim.overrideList(sent.CommandId!)).toBeUndefined();
    clock.advance(PENDING + RUN);
    expect(sim.overrideList(sent.CommandId!)).toEqual({
      url: 's3://patchbot-lists/promote/PRD.yaml',
      instanceId: id,
      patches: [
        ...names.map((name) => ({ id: name })),
        { id: 'not-installed-here.x86_64', title: 'not-installed-here.x86_64:0:1.0-1.amzn2' },
      ],
    });
    const out = await detail(sent.CommandId!, id);
    expect(out.Status).toBe('Success');
    expect(out.StandardOutputContent).toContain('Install override list: s3://patchbot-lists/promote/PRD.yaml');
    const after = new Map((await patches(id)).map((p) => [p.KBId!, p.State]));
    for (const p of chosen) expect(after.get(p.KBId!)).toBe('InstalledPendingReboot');
    for (const p of missing.slice(2)) expect(after.get(p.KBId!)).toBe('Missing');
  });

  it('narrows a package to a version with title, takes the https path-style URL, and Windows KB ids', async () => {
    const linux = await byName('stg-app-1');
    const windows = await byName('win-iis-1');
    const [a, b] = await patches(linux, 'Missing');
    const winMissing = await patches(windows, 'Missing');
    expect(winMissing.length).toBeGreaterThanOrEqual(2);
    await put(
      'pinned.yaml',
      [
        'patches:',
        `  - id: ${a!.KBId!.split(':')[0]}`,
        `    title: ${a!.KBId}`,
        `  - id: ${b!.KBId!.split(':')[0]}`,
        `    title: '${b!.KBId!.split(':')[0]}:0:0.0.0-0.amzn2'`,
        `  - id: ${winMissing[0]!.KBId}`,
      ].join('\n'),
    );
    const sent = await install([linux, windows], 'https://s3.us-east-1.amazonaws.com/patchbot-lists/pinned.yaml');
    clock.advance(2 * (PENDING + RUN));
    const l = new Map((await patches(linux)).map((p) => [p.KBId!, p.State]));
    expect(l.get(a!.KBId!)).toBe('InstalledPendingReboot');
    expect(l.get(b!.KBId!)).toBe('Missing');
    const w = new Map((await patches(windows)).map((p) => [p.KBId!, p.State]));
    expect(w.get(winMissing[0]!.KBId!)).toBe('InstalledPendingReboot');
    expect(w.get(winMissing[1]!.KBId!)).toBe('Missing');
    expect(sim.overrideList(sent.CommandId!, windows)?.instanceId).toBe(windows);
  });

  it('fails the invocation, installing nothing, when the list is missing, denied or not a list', async () => {
    const id = await byName('stg-app-1');
    const before = await patches(id, 'Missing');
    const missingKey = await install([id], 's3://patchbot-lists/nothing-here.yaml');
    clock.advance(PENDING + RUN);
    const gone = await detail(missingKey.CommandId!, id);
    expect(gone).toMatchObject({ Status: 'Failed', StatusDetails: 'Failed', ResponseCode: 1 });
    expect(gone.StandardErrorContent).toContain('An error occurred (NoSuchKey) when calling the GetObject operation');
    expect(gone.StandardErrorContent).toContain('s3://patchbot-lists/nothing-here.yaml');
    expect(sim.overrideList(missingKey.CommandId!)).toBeUndefined();

    await put('list.yaml', 'patches:\n  - id: kernel.x86_64\n');
    sim.configure({ deny: [{ action: 's3:GetObject' }] });
    const denied = await install([id], 's3://patchbot-lists/list.yaml');
    clock.advance(PENDING + RUN);
    expect((await detail(denied.CommandId!, id)).StandardErrorContent).toContain('(AccessDenied)');
    sim.configure({ deny: [] });

    await put('broken.yaml', 'packages:\n  - kernel\n');
    const broken = await install([id], 's3://patchbot-lists/broken.yaml');
    clock.advance(PENDING + RUN);
    const bad = await detail(broken.CommandId!, id);
    expect(bad.Status).toBe('Failed');
    expect(bad.StandardErrorContent).toContain('not a valid override list');

    const elsewhere = await install([id], 'https://example.com/list.yaml');
    clock.advance(PENDING + RUN);
    expect((await detail(elsewhere.CommandId!, id)).StandardErrorContent).toContain('reaches only its own S3');
    expect((await patches(id, 'Missing')).map((p) => p.KBId)).toEqual(before.map((p) => p.KBId));
  });

  it('refuses a value outside the document’s allowed pattern at SendCommand', async () => {
    const id = await byName('stg-app-1');
    const refused = await failure(install([id], 'ftp://patchbot-lists/list.yaml'));
    expect(refused.name).toBe('InvalidParameters');
    expect(refused.message).toContain('InstallOverrideList');
  });

  it('reads the documented YAML forms and names what is wrong with others', () => {
    expect(parseOverrideList('patches:\n  - id: "KB5071204"\n    title: Cumulative Update\n')).toEqual([
      { id: 'KB5071204', title: 'Cumulative Update' },
    ]);
    expect(parseOverrideList('patches: []\n')).toEqual([]);
    expect(parseOverrideList("patches:\n  -\n    id: 'dhcp*'  # every dhcp package\n")).toEqual([{ id: 'dhcp*' }]);
    expect(() => parseOverrideList('- id: kernel.x86_64')).toThrow(OverrideListError);
    expect(() => parseOverrideList('patches:\n  - title: only a title\n')).toThrow(/has no id/);
    expect(() => parseOverrideList('patches:\n  - id x\n')).toThrow(/line 2/);
  });
});
