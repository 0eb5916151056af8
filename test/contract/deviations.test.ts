/** The documented deviations match nothing else; the XML reader and the models installer. */
import { deviationOf, newerThanModel } from './deviations';
import { parseXml } from './xml';
import { BOTOCORE_INSTALL, ensureBotocoreModels } from '../support/botocore';

describe('documented deviations and members newer than the model', () => {
  const d = (over: Partial<Parameters<typeof deviationOf>[0]>) =>
    ({
      service: 'ssm',
      operation: 'DescribeInstancePatches',
      direction: 'response',
      path: 'Patches[0].State',
      rule: 'enum',
      detail: '"Missing" is not one of ...',
      ...over,
    }) as Parameters<typeof deviationOf>[0];

  it('match only the documented values', () => {
    expect(deviationOf(d({}))?.id).toBe('patch-state-wire-spelling');
    expect(deviationOf(d({ detail: '"Missed" is not one of ...' }))).toBeUndefined();
    expect(deviationOf(d({ direction: 'request' }))).toBeUndefined();
    expect(
      deviationOf(
        d({
          operation: 'ListCommands',
          path: 'Commands[0].NotificationConfig.NotificationType',
          detail: '"" is not one of Command, Invocation',
        }),
      )?.id,
    ).toBe('command-unset-members-empty');
    expect(
      deviationOf(
        d({
          operation: 'ListCommands',
          path: 'Commands[0].NotificationConfig.NotificationType',
          detail: '"Everything" is not one of Command, Invocation',
        }),
      ),
    ).toBeUndefined();
    expect(
      deviationOf(
        d({
          service: 'ec2',
          operation: 'DescribeInstances',
          path: 'Reservations[0].Instances[0].Platform',
          detail: '"linux" is not one of Windows',
        }),
      ),
    ).toBeUndefined();
  });

  it('call a member newer only when the SDK patchbot runs has it', () => {
    const unknown = (member: string) =>
      d({
        rule: 'unknown member',
        path: `InstancePatchStates[0].${member}`,
        unknown: { shape: 'InstancePatchState', member },
      });
    expect(newerThanModel(unknown('AvailableSecurityUpdateCount'))).toBe(true);
    expect(newerThanModel(unknown('AvailableSecurityUpdates'))).toBe(false);
  });

  it('reads an S3 header or query parameter by the SDK’s bindings: a member, or a literal in the operation’s URI', () => {
    const s3 = (shape: string, member: string) =>
      d({ service: 's3', operation: 'PutObject', rule: 'unknown member', path: member, unknown: { shape, member } });
    expect(newerThanModel(s3('PutObjectRequest', 'x-amz-checksum-crc64nvme'))).toBe(true);
    expect(newerThanModel(s3('PutObjectRequest', 'X-Amz-Checksum-CRC64NVME'))).toBe(true);
    expect(newerThanModel(s3('PutObjectRequest', 'x-amz-checksum-crc65'))).toBe(false);
    expect(newerThanModel(s3('PutObject', 'x-id'))).toBe(true);
    expect(newerThanModel(s3('PutObject', 'x-version'))).toBe(false);
  });
});

describe('the XML reader and the models installer', () => {
  it('keeps repeated and empty elements and refuses what is not well-formed', () => {
    const root = parseXml('<?xml version="1.0"?><a x="1"><b/><b>&lt;&#233;</b><c></c></a>');
    expect(root.children.map((c) => [c.name, c.text])).toEqual([
      ['b', ''],
      ['b', '<é'],
      ['c', ''],
    ]);
    expect(() => parseXml('<a><b></a>')).toThrow(/closes/);
    expect(() => parseXml('<a>&nbsp;</a>')).toThrow(/entity/);
  });

  it('names the command to run where it cannot install the models', () => {
    expect(() => ensureBotocoreModels(() => undefined, '/nonexistent/botocore/data')).toThrow(BOTOCORE_INSTALL);
  });
});
