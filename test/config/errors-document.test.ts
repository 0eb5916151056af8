/** Wrong scopes, secrets, schedules and documents, and YAML problems, name the path, what was expected and what was found. */
import { ConfigError } from '../../src/errors';
import { parseConfigText } from '../../src/config';
import { GROUP, issuesOf, messagesOf } from './helpers';

describe('wrong documents name the path, what was expected and what was found', () => {
  it('an account id that lost its leading zero, and a role in another account', () => {
    const doc = [
      'aws:',
      '  scopes:',
      '    - name: prd',
      '      accountId: 012345678901',
      '      regions: [us-east-1]',
      '    - name: stg',
      '      accountId: "123456789012"',
      '      roleArn: arn:aws:iam::210987654321:role/patchbot',
      '      regions: [us-east-1]',
      `groups:\n  PRD:\n    ${GROUP}`,
    ].join('\n');
    expect(issuesOf(doc)).toEqual([
      'aws.scopes[0].accountId: expected a 12-digit account id in quotes, got the number 12345678901: YAML read it as a number and dropped its leading zeros; write accountId: "012345678901" (line 4, column 18)',
      'aws.scopes[1].roleArn: the role is in account 210987654321 but accountId is "123456789012"; they must agree (line 8, column 16)',
    ]);
  });

  it('scope problems: bad region, no regions, duplicate names, unknown scope on a group, externalId without a role', () => {
    const doc = [
      'aws:',
      '  scopes:',
      '    - {name: prd, regions: [us-east-1, Frankfurt]}',
      '    - {name: prd, regions: [], externalId: abc}',
      `groups:\n  PRD:\n    ${GROUP}\n    scopes: [production]`,
    ].join('\n');
    expect(messagesOf(doc)).toEqual([
      'aws.scopes[0].regions[1]: expected an AWS region name like "us-east-1", got "Frankfurt"',
      'aws.scopes[1].name: duplicate scope name "prd" (also aws.scopes[0])',
      'aws.scopes[1].regions: expected at least one AWS region name like "us-east-1", got an empty list',
      'aws.scopes[1].externalId: externalId is only used to assume a role: add roleArn or remove externalId',
      'groups.PRD.scopes[0]: unknown scope "production" (scopes: prd)',
    ]);
  });

  it('a secret in the YAML', () => {
    expect(issuesOf(`groups:\n  PRD:\n    ${GROUP}\nslack:\n  botToken: xoxb-1234-5678\n  signingSecret: abc`)).toEqual(
      [
        'slack.botToken: secrets are read from the environment only (SLACK_BOT_TOKEN) (line 6, column 3)',
        'slack.signingSecret: secrets are read from the environment only (SLACK_SIGNING_SECRET) (line 7, column 3)',
      ],
    );
    expect(
      messagesOf(
        `aws:\n  scopes:\n    - {name: a, regions: [us-east-1], secretAccessKey: abc}\ngroups:\n  PRD:\n    ${GROUP}`,
      ),
    ).toEqual([
      "aws.scopes[0].secretAccessKey: secrets are read from the environment only (AWS credentials come from the AWS SDK's default credential chain; set roleArn on a scope to assume a role)",
    ]);
  });

  it('never shows a token, even where a channel was expected', () => {
    const [line] = messagesOf(`groups:\n  PRD:\n    channel: xoxb-12-secret\n    operators: [U1]`);
    expect(line).toBe(
      'groups.PRD.channel: expected a Slack channel id like "C0123ABC" or a channel name like "#patching", got a value that looks like a Slack token (not shown)',
    );
  });

  it('schedules: a time zone Intl does not know, a 6-field and a garbled cron', () => {
    const doc = `groups:\n  PRD:\n    ${GROUP}\nschedules:\n  timezone: Mars/Olympus\n  digest: {cron: "0 0 9 * * 1-5"}\n  windowPoll: {cron: "every 5 minutes", timezone: Europe/Nowhere}`;
    expect(messagesOf(doc)).toEqual([
      'schedules.timezone: expected an IANA time zone like "Europe/Berlin" or "UTC", got "Mars/Olympus"',
      'schedules.digest.cron: expected a 5-field cron expression (minute hour day-of-month month day-of-week) like "*/15 * * * *", got "0 0 9 * * 1-5" (6 fields: patchbot schedules to the minute, without a seconds field)',
      'schedules.windowPoll.cron: expected a 5-field cron expression (minute hour day-of-month month day-of-week) like "*/15 * * * *", got "every 5 minutes"',
      'schedules.windowPoll.timezone: expected an IANA time zone like "Europe/Berlin" or "UTC", got "Europe/Nowhere"',
    ]);
    expect(messagesOf(`groups:\n  PRD:\n    ${GROUP}\nschedules:\n  compliancePoll: {cron: "61 * * * *"}`)).toEqual([
      'schedules.compliancePoll.cron: expected a 5-field cron expression (minute hour day-of-month month day-of-week) like "*/15 * * * *", got "61 * * * *"',
    ]);
  });

  it('windows, slack and log settings', () => {
    const doc = `groups:\n  PRD:\n    ${GROUP}\nwindows:\n  channels: {nightly: patching}\n  fallback: all\nslack: {updateIntervalSeconds: 0.5}\nlog: {level: verbose}`;
    expect(messagesOf(doc)).toEqual([
      'windows.channels.nightly: expected a Slack channel id like "C0123ABC" or a channel name like "#patching", got "patching"',
      'windows.fallback: expected "group" or "none", got "all"',
      'slack.updateIntervalSeconds: expected a whole number of seconds from 1 to 60, got the number 0.5',
      'log.level: expected one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
    ]);
  });

  it('yes/no is not a boolean (YAML 1.2)', () => {
    expect(messagesOf(`groups:\n  PRD:\n    ${GROUP}\n    approval: {required: yes}`)).toEqual([
      'groups.PRD.approval.required: expected true or false, got "yes"',
    ]);
  });

  it('no groups, or a document that is not a mapping', () => {
    expect(messagesOf('aws: {}')).toEqual([
      'groups: missing (expected a mapping of patch group names to their settings)',
    ]);
    expect(messagesOf('groups: {}')).toEqual(['groups: expected at least one patch group, got an empty mapping']);
    expect(messagesOf('- groups')).toEqual([
      'expected a mapping with the keys aws, groups, schedules, windows, slack, log, history, sla, got a list',
    ]);
  });

  it('collects every issue into one ConfigError, in document order', () => {
    let error: unknown;
    try {
      parseConfigText(
        `groups:\n  PRD:\n    channel: nope\n    operators: [U1]\n    tagKey: x\n    approval: {expiresAfter: soon}`,
        '/etc/patchbot.yml',
        {},
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as ConfigError;
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.file).toBe('/etc/patchbot.yml');
    expect(e.issues.map((i) => i.path)).toEqual([
      'groups.PRD.channel',
      'groups.PRD.tagKey',
      'groups.PRD.approval.expiresAfter',
    ]);
    expect(e.issues[0]).toMatchObject({ line: 3, column: 14 });
    expect(e.message).toBe(
      [
        '/etc/patchbot.yml: invalid configuration',
        '  groups.PRD.channel: expected a Slack channel id like "C0123ABC" or a channel name like "#patching", got "nope" (line 3, column 14)',
        '  groups.PRD.tagKey: expected "Patch Group" or "PatchGroup", got "x" (line 5, column 13)',
        '  groups.PRD.approval.expiresAfter: expected a duration like "4h", got "soon" (line 6, column 30)',
      ].join('\n'),
    );
  });
});

describe('YAML problems', () => {
  it('a syntax error names the line and column', () => {
    expect(issuesOf('groups:\n  PRD: {channel: C1, operators: [U1]\n  STG: {}')).toEqual([
      'invalid YAML at line 3, column 3: Flow map in block collection must be sufficiently indented and end with a }',
    ]);
    expect(issuesOf('groups:\n  PRD:\n\tchannel: C1')).toEqual([
      expect.stringMatching(/^invalid YAML at line 3, column 1: /),
    ]);
  });

  it('a key given twice', () => {
    expect(issuesOf(`groups:\n  PRD:\n    ${GROUP}\n  PRD:\n    ${GROUP}`)).toEqual([
      'invalid YAML at line 5, column 3: Map keys must be unique',
    ]);
  });

  it('an empty document says that PATCHBOT_CONFIG sets the path', () => {
    expect(issuesOf('# nothing here\n')).toEqual([
      'the file is empty (PATCHBOT_CONFIG sets its path); define at least groups, see patchbot.example.yml',
    ]);
  });
});
