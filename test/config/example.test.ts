import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AwsScope, GroupTarget } from '../../src/patching/fleet-types';
import { findGroup, loadConfig, parseConfigText } from '../../src/config';

const root = join(__dirname, '..', '..');

describe('patchbot.example.yml', () => {
  const app = loadConfig({ env: { PATCHBOT_CONFIG: 'patchbot.example.yml' }, cwd: root });
  const { config } = app;

  it('is read from PATCHBOT_CONFIG, resolved against the working directory', () => {
    expect(app.file).toBe(join(root, 'patchbot.example.yml'));
    expect(app.env.configPath).toBe('patchbot.example.yml');
  });

  it('resolves the scopes, taking the account from the role where given', () => {
    expect(config.aws.scopes).toEqual([
      {
        name: 'staging',
        accountId: '012345678901',
        regions: ['eu-central-1'],
        rateLimit: { requestsPerSecond: 5, burst: 4 },
      },
      {
        name: 'production',
        accountId: '210987654321',
        roleArn: 'arn:aws:iam::210987654321:role/patchbot',
        externalId: 'patchbot-prd',
        regions: ['eu-central-1', 'eu-west-1'],
        rateLimit: { requestsPerSecond: 3, burst: 3 },
      },
    ]);
    expect(config.aws.rateLimit).toEqual({ requestsPerSecond: 5, burst: 4 });
  });

  it('lists the groups in document order, normalized', () => {
    expect(config.groups.map((g) => g.name)).toEqual(['STG', 'PRD', 'WIN']);
    expect(findGroup(config, 'prd')).toEqual({
      name: 'PRD',
      tagKey: 'Patch Group',
      tagValue: 'PRD',
      channel: 'C0123PROD',
      operators: ['S0OPS1234'],
      operatingSystem: 'AMAZON_LINUX_2023',
      scopes: ['production'],
      approval: {
        required: true,
        approvers: ['U0BOB0001', 'U0CAROL01', 'S0LEADS12'],
        minApprovals: 1,
        expiresAfterMs: 2 * 3_600_000,
        allowSelfApproval: false,
        requireReason: true,
      },
      install: {
        runIn: 'patch-prd',
        rebootOption: 'RebootIfNeeded',
        maxConcurrency: '10%',
        maxErrors: '0',
        timeoutSeconds: 7200,
        overrideList: { bucket: 'example-patchbot-lists', prefix: 'patchbot/override-lists' },
      },
      scanMaxAgeMs: 6 * 3_600_000,
      promoteFrom: 'STG',
      changeCalendars: ['prd-change-freeze'],
      freeze: { overrideApprovers: ['U0CAROL01', 'S0LEADS12'] },
      sla: { criticalMs: 7 * 86_400_000, importantMs: 30 * 86_400_000 },
    });
  });

  it('keeps the Windows group on its own tag, OS, reboot option and all scopes', () => {
    const win = findGroup(config, 'win');
    expect(win).toMatchObject({
      tagKey: 'PatchGroup',
      tagValue: 'windows-prd',
      channel: '#patching-windows',
      operatingSystem: 'WINDOWS',
      scopes: ['staging', 'production'],
      approval: { required: true, minApprovals: 2, expiresAfterMs: 5_400_000 },
      install: { rebootOption: 'NoReboot', maxConcurrency: '2', maxErrors: '0', timeoutSeconds: 10800 },
      scanMaxAgeMs: 86_400_000,
      promoteFrom: undefined,
      sla: { criticalMs: 7 * 86_400_000, importantMs: 45 * 86_400_000 },
    });
    expect(findGroup(config, 'STG')).toMatchObject({
      install: { maxConcurrency: '50%', maxErrors: '1', timeoutSeconds: 3600 },
      scanMaxAgeMs: 43_200_000,
    });
  });

  it('gives every schedule its time zone', () => {
    expect(config.schedules).toEqual({
      timezone: 'Europe/Berlin',
      compliancePoll: { cron: '*/15 * * * *', timezone: 'Europe/Berlin', enabled: true },
      windowPoll: { cron: '*/5 * * * *', timezone: 'Europe/Berlin', enabled: true },
      digest: { cron: '0 8 * * 1-5', timezone: 'Europe/Berlin', enabled: true },
    });
  });

  it('routes windows and keeps the other settings', () => {
    expect(config.windows).toEqual({
      channels: { 'prd-nightly-install': 'C0123PROD', 'mw-0abc123def4567890': '#patching-windows' },
      fallback: 'group',
    });
    expect(config.slack).toEqual({ updateIntervalMs: 5000 });
    expect(config.log).toEqual({ level: 'info' });
  });

  it('parses the same from its text', () => {
    const text = readFileSync(join(root, 'patchbot.example.yml'), 'utf8');
    expect(parseConfigText(text, 'patchbot.example.yml', {})).toEqual(config);
  });

  it('fits the AWS gateway types as they are', () => {
    const scopes: AwsScope[] = config.aws.scopes;
    const targets: GroupTarget[] = config.groups;
    expect(scopes).toHaveLength(2);
    expect(targets.map((t) => `${t.tagKey}=${t.tagValue}/${t.operatingSystem}`)).toEqual([
      'Patch Group=STG/AMAZON_LINUX_2023',
      'Patch Group=PRD/AMAZON_LINUX_2023',
      'PatchGroup=windows-prd/WINDOWS',
    ]);
  });
});
