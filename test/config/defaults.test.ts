import { parseConfigText } from '../../src/config';
import { DEFAULT_RATE_LIMIT } from '../../src/config/rate-limit';

const MINIMAL = 'groups: {PRD: {channel: C1, operators: [U1]}}';

describe('defaults', () => {
  it('fill a minimal document', () => {
    expect(parseConfigText(MINIMAL, 'patchbot.yml', {})).toEqual({
      aws: {
        scopes: [{ name: 'default', regions: ['us-east-1'], rateLimit: { requestsPerSecond: 5, burst: 4 } }],
        rateLimit: { requestsPerSecond: 5, burst: 4 },
      },
      groups: [
        {
          name: 'PRD',
          tagKey: 'Patch Group',
          tagValue: 'PRD',
          channel: 'C1',
          operators: ['U1'],
          operatingSystem: 'AMAZON_LINUX_2',
          scopes: ['default'],
          approval: {
            required: false,
            approvers: [],
            minApprovals: 1,
            expiresAfterMs: 4 * 3_600_000,
            allowSelfApproval: false,
            requireReason: false,
          },
          install: { rebootOption: 'RebootIfNeeded', maxConcurrency: '10%', maxErrors: '0', timeoutSeconds: 7200 },
          scanMaxAgeMs: 24 * 3_600_000,
          changeCalendars: [],
          freeze: { overrideApprovers: [] },
          sla: { criticalMs: 7 * 86_400_000, importantMs: 30 * 86_400_000 },
        },
      ],
      schedules: {
        timezone: 'UTC',
        compliancePoll: { cron: '*/15 * * * *', timezone: 'UTC', enabled: true },
        windowPoll: { cron: '*/5 * * * *', timezone: 'UTC', enabled: true },
        digest: { cron: '0 9 * * 1-5', timezone: 'UTC', enabled: true },
      },
      windows: { channels: {}, fallback: 'group' },
      slack: { updateIntervalMs: 5000 },
      log: { level: 'info' },
      history: { retentionDays: 400 },
      sla: { criticalMs: 7 * 86_400_000, importantMs: 30 * 86_400_000 },
    });
  });

  it.each([
    [{ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'ap-south-1' }, 'eu-west-1'],
    [{ AWS_DEFAULT_REGION: 'ap-south-1' }, 'ap-south-1'],
    [{ AWS_REGION: '', AWS_DEFAULT_REGION: 'ap-south-1' }, 'ap-south-1'],
    [{}, 'us-east-1'],
  ])('the default scope takes its region from %j', (env, region) => {
    expect(parseConfigText(MINIMAL, 'patchbot.yml', env).aws.scopes).toEqual([
      { name: 'default', regions: [region], rateLimit: DEFAULT_RATE_LIMIT },
    ]);
  });

  it('give the default scope also when aws has no scopes', () => {
    const config = parseConfigText(`aws: {}\n${MINIMAL}`, 'patchbot.yml', { AWS_REGION: 'eu-north-1' });
    expect(config.aws.scopes).toEqual([{ name: 'default', regions: ['eu-north-1'], rateLimit: DEFAULT_RATE_LIMIT }]);
  });

  it('let LOG_LEVEL override log.level', () => {
    expect(parseConfigText(`log: {level: warn}\n${MINIMAL}`, 'patchbot.yml', {}).log.level).toBe('warn');
    expect(parseConfigText(`log: {level: warn}\n${MINIMAL}`, 'patchbot.yml', { LOG_LEVEL: 'debug' }).log.level).toBe(
      'debug',
    );
  });

  it('let a schedule keep its own time zone and be turned off', () => {
    const config = parseConfigText(
      `${MINIMAL}\nschedules:\n  timezone: America/New_York\n  digest: {timezone: Asia/Tokyo, enabled: false}`,
      'patchbot.yml',
      {},
    );
    expect(config.schedules.digest).toEqual({ cron: '0 9 * * 1-5', timezone: 'Asia/Tokyo', enabled: false });
    expect(config.schedules.windowPoll.timezone).toBe('America/New_York');
  });

  it('resolve promoteFrom to the canonical name, accept numbers for AWS rates and a 12-digit account number', () => {
    const config = parseConfigText(
      [
        'aws:',
        '  scopes:',
        '    - {name: main, accountId: 123456789012, regions: [us-east-1]}',
        'groups:',
        '  STG: {channel: C1, operators: [U1]}',
        '  PRD: {channel: C2, operators: [U1, U1], promoteFrom: stg, install: {maxConcurrency: 5, maxErrors: 0}}',
      ].join('\n'),
      'patchbot.yml',
      {},
    );
    expect(config.aws.scopes[0]?.accountId).toBe('123456789012');
    const prd = config.groups[1];
    expect(prd?.promoteFrom).toBe('STG');
    expect(prd?.operators).toEqual(['U1']);
    expect(prd?.install).toMatchObject({ maxConcurrency: '5', maxErrors: '0' });
  });

  it('allow YAML anchors and merge keys to share settings', () => {
    const config = parseConfigText(
      [
        'groups:',
        '  STG: &base',
        '    channel: C1',
        '    operators: [U1]',
        '    approval: {required: true, approvers: [S1]}',
        '  PRD:',
        '    <<: *base',
        '    channel: C2',
      ].join('\n'),
      'patchbot.yml',
      {},
    );
    expect(config.groups[1]).toMatchObject({
      name: 'PRD',
      channel: 'C2',
      operators: ['U1'],
      approval: { required: true, approvers: ['S1'] },
    });
  });
});
