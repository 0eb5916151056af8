/** The pinned list: promote's match key, the InstallOverrideList entries and YAML, the object key, and a write S3 refuses. */
import { AwsError } from '../../src/errors';
import { overrideEntry, overrideListKey, overrideListUrl, overrideListYaml } from '../../src/patching/override-list';
import { writePinnedList } from '../../src/patching/pinned-write';
import type { ObjectPut } from '../../src/patching/ports';
import type { PatchingDeps } from '../../src/patching/deps';
import { INSTANCE_CLOCK_SKEW_MS, installedBy, promotionKey } from '../../src/patching/promote';
import type { Operation } from '../../src/store';
import type { PinnedList } from '../../src/patching/promote-record';

describe('promotionKey', () => {
  it('matches a Windows KB by its id alone (InstalledOther may report no title)', () => {
    expect(promotionKey({ kbId: 'KB5034441', title: '' })).toBe(
      promotionKey({ kbId: 'kb5034441', title: '2024-01 Update' }),
    );
  });

  it('tells two versions of one Linux package apart (KBId name.arch, Title the version)', () => {
    const a = promotionKey({ kbId: 'openssl.x86_64', title: 'openssl.x86_64:1:1.0.2k-24.amzn2' });
    const b = promotionKey({ kbId: 'openssl.x86_64', title: 'openssl.x86_64:1:1.0.2k-25.amzn2' });
    expect(a).not.toBe(b);
  });
});

describe('overrideEntry', () => {
  it('pins a Linux package by name.arch and its exact version, wherever SSM puts the version', () => {
    const version = 'kernel.x86_64:0:5.10.1-1.amzn2';
    expect(overrideEntry({ kbId: version, title: 'ALAS2-2026-0001' })).toEqual({ id: 'kernel.x86_64', title: version });
    expect(overrideEntry({ kbId: 'kernel.x86_64', title: version })).toEqual({ id: 'kernel.x86_64', title: version });
  });

  it('lists a Windows update by its KB id', () => {
    expect(overrideEntry({ kbId: 'KB5034441', title: '2024-01 Security Update (KB5034441)' })).toEqual({
      id: 'KB5034441',
    });
  });
});

describe('overrideListYaml', () => {
  it('writes the documented shape, every value quoted so none can break the list', () => {
    expect(overrideListYaml([{ id: 'KB1' }, { id: "it's.noarch", title: "it's.noarch:0:1-1" }])).toBe(
      "patches:\n  - id: 'KB1'\n  - id: 'it''s.noarch'\n    title: 'it''s.noarch:0:1-1'\n",
    );
  });

  it('keys the object by the operation id under the prefix, so a retry rewrites the same object', () => {
    expect(overrideListKey('/promote/lists/', 'op-1')).toBe('promote/lists/op-1.yaml');
    expect(overrideListKey('', 'op-1')).toBe('op-1.yaml');
    expect(overrideListUrl('b', 'promote/op-1.yaml')).toBe('s3://b/promote/op-1.yaml');
  });
});

describe('writePinnedList', () => {
  const pinned: PinnedList = {
    fromGroup: 'STG',
    operationId: 'op-stg',
    ranFrom: new Date('2026-03-01T02:00:00Z'),
    ranTo: new Date('2026-03-01T02:30:00Z'),
    instances: 2,
    patches: [
      { title: 'ALAS', kbId: 'a.x86_64:0:1-1', installedOn: 2, entry: { id: 'a.x86_64', title: 'a.x86_64:0:1-1' } },
    ],
    overrideList: { bucket: 'lists', prefix: 'p' },
  };
  const where = { scope: 'default', region: 'us-east-1' };

  it('writes the same bytes to the same key every time and answers its URL', async () => {
    const puts: ObjectPut[] = [];
    const objects = { putObject: async (put: ObjectPut) => void puts.push(put) };
    expect(await writePinnedList(objects, { id: 'op-9' }, pinned, where)).toEqual({ url: 's3://lists/p/op-9.yaml' });
    await writePinnedList(objects, { id: 'op-9' }, pinned, where);
    expect(puts).toHaveLength(2);
    expect(puts[0]).toEqual(puts[1]);
    expect(puts[0]).toMatchObject({ bucket: 'lists', key: 'p/op-9.yaml', scope: 'default', region: 'us-east-1' });
    expect(puts[0]?.body).toBe("patches:\n  - id: 'a.x86_64'\n    title: 'a.x86_64:0:1-1'\n");
  });

  it('a refused write answers why, naming the object, and never throws', async () => {
    const denied = new AwsError(
      'AWS_ACCESS_DENIED',
      'denied',
      { service: 's3', operation: 'PutObject', scope: 'default', region: 'us-east-1' },
      { userMessage: 'AWS denied s3:PutObject in scope default (us-east-1).' },
    );
    const objects = { putObject: async () => Promise.reject(denied) };
    const written = await writePinnedList(objects, { id: 'op-9' }, pinned, where);
    expect(written).toEqual({
      failed: {
        code: 'AWS_ACCESS_DENIED',
        message:
          'The pinned patch list could not be written to s3://lists/p/op-9.yaml (bucket lists), so nothing was sent. AWS denied s3:PutObject in scope default (us-east-1).',
      },
    });
  });
});

describe('installedBy', () => {
  const sentAt = new Date('2026-03-01T02:00:00Z');
  const finishedAt = new Date('2026-03-01T02:30:00Z');
  const op = {
    id: 'op-src001',
    createdAt: new Date('2026-03-01T01:55:00Z'),
    updatedAt: finishedAt,
    finishedAt,
    result: {
      sentAt: sentAt.toISOString(),
      sendSet: [{ scope: 'default', region: 'us-east-1', instanceIds: ['i-1'] }],
    },
  } as unknown as Operation;
  const at = (minutes: number) => new Date(sentAt.getTime() + minutes * 60_000);
  const gateway = (installedAt: Date[]) =>
    ({
      scope: 'default',
      region: 'us-east-1',
      listInstancePatches: async () =>
        new Map([
          [
            'i-1',
            installedAt.map((installedTime, n) => ({
              kbId: `pkg${n}.x86_64`,
              title: `pkg${n}.x86_64:0:1-1`,
              installedTime,
            })),
          ],
        ]),
    }) as unknown as PatchingDeps['gateways'][number];

  it('counts what the run installed, on instance clocks a few minutes off, and nothing from well before or after', async () => {
    // An instance clock 3 minutes slow at the start, one 3 minutes fast at the end.
    expect(INSTANCE_CLOCK_SKEW_MS).toBeGreaterThan(3 * 60_000);
    const { patches } = await installedBy({ gateways: [gateway([at(10), at(-3), at(33), at(-60), at(120)])] }, op);
    expect([...patches.values()].map((p) => p.kbId).sort()).toEqual(['pkg0.x86_64', 'pkg1.x86_64', 'pkg2.x86_64']);
  });
});
