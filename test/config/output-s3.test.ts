/** install.outputS3: where SSM writes a group's command output. */
import { parseConfigText } from '../../src/config';
import { GROUP, messagesOf } from './helpers';

const withOutput = (yaml: string) => `groups:\n  PRD:\n    ${GROUP}\n    install:\n      outputS3:\n${yaml}`;

describe('install.outputS3', () => {
  it('reads the bucket and a prefix without its trailing slash', () => {
    const config = parseConfigText(
      withOutput('        bucket: patchbot-output\n        prefix: runs/prd/\n'),
      'p.yml',
      {},
    );
    expect(config.groups[0]!.install.outputS3).toEqual({ bucket: 'patchbot-output', prefix: 'runs/prd' });
  });

  it('is absent unless configured, and a prefix is optional', () => {
    expect(parseConfigText(`groups:\n  PRD:\n    ${GROUP}\n`, 'p.yml', {}).groups[0]!.install.outputS3).toBeUndefined();
    const config = parseConfigText(withOutput('        bucket: patchbot-output\n'), 'p.yml', {});
    expect(config.groups[0]!.install.outputS3).toEqual({ bucket: 'patchbot-output', prefix: undefined });
  });

  it('refuses a bucket name S3 would refuse, naming the valid form', () => {
    expect(messagesOf(withOutput('        bucket: Patchbot_Output\n'))).toEqual([
      expect.stringMatching(
        /^groups\.PRD\.install\.outputS3\.bucket: expected an S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens/,
      ),
    ]);
  });

  it('refuses a key it does not know, listing those it does', () => {
    expect(messagesOf(withOutput('        bucket: patchbot-output\n        region: eu-west-1\n'))).toEqual([
      expect.stringContaining('expected one of: bucket, prefix'),
    ]);
  });
});
