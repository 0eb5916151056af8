/** Wrong group settings name the path, what was expected and what was found. */
import { parseConfigText } from '../../src/config';
import { GROUP, issuesOf, messagesOf } from './helpers';

const GROUP_KEYS =
  'tagKey, tagValue, channel, operators, operatingSystem, scopes, approval, install, scanMaxAge, promoteFrom, changeCalendars, freeze, sla';

describe('wrong documents name the path, what was expected and what was found', () => {
  it('a bad duration', () => {
    expect(issuesOf(`groups:\n  PRD:\n    ${GROUP}\n    approval:\n      expiresAfter: soon`)).toEqual([
      'groups.PRD.approval.expiresAfter: expected a duration like "4h", got "soon" (line 6, column 21)',
    ]);
  });

  it('a change calendar that is neither a document name nor a document ARN', () => {
    expect(messagesOf(`groups:\n  PRD:\n    ${GROUP}\n    changeCalendars: [ok-freeze, "no way"]`)).toEqual([
      'groups.PRD.changeCalendars[1]: expected a Change Calendar name (3 to 128 of A-Z a-z 0-9 _ . -) or its document ARN (arn:aws:ssm:<region>:<account>:document/<name>), got "no way"',
    ]);
    const arn = 'arn:aws:ssm:us-east-1:123456789012:document/shared-freeze';
    const ok = parseConfigText(
      `groups:\n  PRD:\n    ${GROUP}\n    changeCalendars: [ok-freeze, "${arn}", ok-freeze]`,
      'p.yml',
      {},
    );
    expect(ok.groups[0]?.changeCalendars).toEqual(['ok-freeze', arn]);
  });

  it('a freeze override one person could never grant (it takes two)', () => {
    expect(messagesOf(`groups:\n  PRD:\n    ${GROUP}\n    freeze:\n      overrideApprovers: [U2]`)).toEqual([
      'groups.PRD.freeze.overrideApprovers: a freeze override takes two different override approvers, so expected at least two (or a user group), got only U2',
    ]);
    for (const fine of ['[S2]', '[U2, U3]']) {
      const config = parseConfigText(
        `groups:\n  PRD:\n    ${GROUP}\n    freeze:\n      overrideApprovers: ${fine}`,
        'p.yml',
        {},
      );
      expect(config.groups[0]?.freeze.overrideApprovers.length).toBeGreaterThan(0);
    }
  });

  it('a duration without a unit', () => {
    expect(messagesOf(`groups:\n  PRD:\n    ${GROUP}\n    scanMaxAge: 4`)).toEqual([
      'groups.PRD.scanMaxAge: expected a duration like "4h", got the number 4',
    ]);
  });

  it('a tag key that is neither form', () => {
    expect(issuesOf(`groups:\n  PRD:\n    ${GROUP}\n    tagKey: patch-group`)).toEqual([
      'groups.PRD.tagKey: expected "Patch Group" or "PatchGroup", got "patch-group" (line 5, column 13)',
    ]);
  });

  it('a tag value SSM would refuse as a patch group name (pattern, 1 to 256 characters)', () => {
    const what =
      'expected a tag value SSM accepts as a patch group name: 1 to 256 letters, digits, spaces and _ . : / = + - @';
    expect(issuesOf(`groups:\n  PRD:\n    ${GROUP}\n    tagValue: "prd#1"`)).toEqual([
      `groups.PRD.tagValue: ${what}, got "prd#1" (line 5, column 15)`,
    ]);
    expect(messagesOf(`groups:\n  PRD:\n    ${GROUP}\n    tagValue: "prd*"`)).toEqual([
      `groups.PRD.tagValue: ${what}, got "prd*"`,
    ]);
    expect(messagesOf(`groups:\n  PRD:\n    ${GROUP}\n    tagValue: ""`)).toEqual([
      `groups.PRD.tagValue: ${what}, got an empty string`,
    ]);
    const long = 'a'.repeat(257);
    expect(messagesOf(`groups:\n  PRD:\n    ${GROUP}\n    tagValue: ${long}`)).toEqual([
      `groups.PRD.tagValue: expected a tag value of at most 256 characters (SSM's limit for a patch group name), got "${long.slice(0, 77)}..."`,
    ]);
  });

  it('accepts every patch group name SSM does: letters of any script, spaces, digits and _ . : / = + - @', () => {
    for (const value of ['Prod Web', 'prod/eu-1', 'team=ops+db@x:y_z.1', 'Ünïcödé 組 ٣', 'a'.repeat(256)]) {
      const config = parseConfigText(
        `groups:\n  PRD:\n    ${GROUP}\n    tagValue: ${JSON.stringify(value)}`,
        'patchbot.yml',
        {},
      );
      expect(config.groups[0]?.tagValue).toBe(value);
    }
  });

  it('an unknown key, with the keys that are allowed', () => {
    expect(issuesOf(`groups:\n  PRD:\n    ${GROUP}\n    bogus: 1`)).toEqual([
      `groups.PRD.bogus: unknown key (expected one of: ${GROUP_KEYS}) (line 5, column 5)`,
    ]);
  });

  it('a misspelt key, with a suggestion', () => {
    expect(messagesOf(`groups:\n  PRD:\n    ${GROUP}\n    install:\n      maxconcurrency: 5`)).toEqual([
      'groups.PRD.install.maxconcurrency: unknown key (did you mean "maxConcurrency"? expected one of: runIn, rebootOption, maxConcurrency, maxErrors, timeoutSeconds, outputS3, overrideList)',
    ]);
  });

  it('install.overrideList: a bucket name S3 would refuse', () => {
    expect(messagesOf(`groups:\n  PRD:\n    ${GROUP}\n    install:\n      overrideList: {bucket: My_Bucket}`)).toEqual([
      expect.stringMatching(
        /^groups\.PRD\.install\.overrideList\.bucket: expected an S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, e\.g\. "patchbot-output", got "My_Bucket"/,
      ),
    ]);
  });

  it('an unknown top-level key', () => {
    expect(issuesOf(`groups:\n  PRD: {${GROUP.replace('\n    ', ', ')}}\nnotifications: {}`)).toEqual([
      'notifications: unknown key (expected one of: aws, groups, schedules, windows, slack, log, history, sla) (line 3, column 1)',
    ]);
  });

  it('promoteFrom naming a group that does not exist', () => {
    expect(
      issuesOf(
        `groups:\n  STG: {${GROUP.replace('\n    ', ', ')}}\n  PRD: {${GROUP.replace('\n    ', ', ')}, promoteFrom: QA}\n  WIN: {${GROUP.replace('\n    ', ', ')}}`,
      ),
    ).toEqual(['groups.PRD.promoteFrom: unknown group "QA" (groups: STG, PRD, WIN) (line 3, column 52)']);
  });

  it('promoteFrom naming its own group, and a promotion cycle', () => {
    expect(messagesOf(`groups:\n  PRD: {${GROUP.replace('\n    ', ', ')}, promoteFrom: prd}`)).toEqual([
      'groups.PRD.promoteFrom: a group cannot promote from itself',
    ]);
    const g = GROUP.replace('\n    ', ', ');
    expect(
      messagesOf(
        `groups:\n  QA: {${g}, promoteFrom: PRD}\n  STG: {${g}, promoteFrom: QA}\n  PRD: {${g}, promoteFrom: STG}`,
      ),
    ).toEqual([
      'groups.QA.promoteFrom: promotion cycle STG → PRD → QA → STG: patches must start from a group without promoteFrom',
    ]);
  });

  it('a missing channel and empty operators', () => {
    expect(issuesOf(`groups:\n  PRD:\n    operators: []`)).toEqual([
      'groups.PRD.channel: missing (expected a Slack channel id like "C0123ABC" or a channel name like "#patching") (line 2, column 3)',
      'groups.PRD.operators: expected at least one operator (a Slack user id U…/W… or user group id S…), got an empty list (line 3, column 5)',
    ]);
  });

  it('bad Slack ids', () => {
    expect(messagesOf(`groups:\n  PRD:\n    channel: general\n    operators: [alice, U1]`)).toEqual([
      'groups.PRD.channel: expected a Slack channel id like "C0123ABC" or a channel name like "#patching", got "general"',
      'groups.PRD.operators[0]: expected a Slack user id like "U0123ABC" or a user group id like "S0123ABC", got "alice"',
    ]);
  });

  it('group names: bad characters and duplicates that differ only in case', () => {
    expect(messagesOf(`groups:\n  PRD:\n    ${GROUP}\n  prd:\n    ${GROUP}\n  "web servers":\n    ${GROUP}`)).toEqual([
      'groups.prd: duplicate group name: "prd" and "PRD" differ only in case (group names are case-insensitive)',
      'groups["web servers"]: invalid name: expected a group name of letters, digits, "-", "_" and "." only, got "web servers"',
    ]);
  });

  it('approval: required without approvers', () => {
    expect(issuesOf(`groups:\n  PRD:\n    ${GROUP}\n    approval:\n      required: true`)).toEqual([
      'groups.PRD.approval.approvers: approval.required is true, so expected at least one approver (a Slack user id U…/W… or user group id S…), got none (line 5, column 5)',
    ]);
  });

  it('approval: more approvals than approvers', () => {
    expect(
      messagesOf(`groups:\n  PRD:\n    ${GROUP}\n    approval: {required: true, approvers: [U2, U3], minApprovals: 3}`),
    ).toEqual(['groups.PRD.approval.minApprovals: expected at most 2 (the number of approvers listed: U2, U3), got 3']);
  });

  it('approval: an operator who is the only approver cannot get approval without self-approval', () => {
    expect(messagesOf(`groups:\n  PRD:\n    ${GROUP}\n    approval: {required: true, approvers: [U1]}`)).toEqual([
      "groups.PRD.approval: U1 is both an operator and the only approver, and allowSelfApproval is false, so U1's own requests could never be approved; add another approver or set allowSelfApproval: true",
    ]);
    expect(
      messagesOf(`groups:\n  PRD:\n    ${GROUP}\n    approval: {required: true, approvers: [U1, U2], minApprovals: 2}`),
    ).toEqual([
      'groups.PRD.approval: minApprovals is 2 and 2 approvers are listed, but U1 is also an operator and may not approve their own requests (allowSelfApproval is false), so such a request could never get 2 approvals; add an approver, lower minApprovals, or set allowSelfApproval: true',
    ]);
    // Allowed: self-approval on, or a user group among the approvers (counted when approving).
    expect(() =>
      parseConfigText(
        `groups:\n  PRD:\n    ${GROUP}\n    approval: {required: true, approvers: [U1], allowSelfApproval: true}`,
        'f',
        {},
      ),
    ).not.toThrow();
    expect(() =>
      parseConfigText(
        `groups:\n  PRD:\n    ${GROUP}\n    approval: {required: true, approvers: [S1], minApprovals: 3}`,
        'f',
        {},
      ),
    ).not.toThrow();
  });

  it('install settings out of range', () => {
    expect(
      messagesOf(
        `groups:\n  PRD:\n    ${GROUP}\n    install: {rebootOption: Always, maxConcurrency: "0", maxErrors: "10 %", timeoutSeconds: 10}`,
      ),
    ).toEqual([
      'groups.PRD.install.rebootOption: expected "RebootIfNeeded" or "NoReboot", got "Always"',
      'groups.PRD.install.maxConcurrency: expected a number of instances like "10" or a percentage like "10%" (at least 1, at most 100%), got "0"',
      'groups.PRD.install.maxErrors: expected a number of errors like "0" or "5", or a percentage like "10%", got "10 %"',
      'groups.PRD.install.timeoutSeconds: expected a whole number of seconds from 30 to 2592000 (30 days), got the number 10',
    ]);
  });

  it('an operating system in the wrong case', () => {
    expect(messagesOf(`groups:\n  WIN:\n    ${GROUP}\n    operatingSystem: windows`)).toEqual([
      'groups.WIN.operatingSystem: expected an SSM operating system: AMAZON_LINUX_2, AMAZON_LINUX_2023, AMAZON_LINUX_2022, AMAZON_LINUX, WINDOWS, UBUNTU, DEBIAN, REDHAT_ENTERPRISE_LINUX, CENTOS, ORACLE_LINUX, ROCKY_LINUX, ALMA_LINUX, SUSE, MACOS, RASPBIAN, got "windows" (did you mean "WINDOWS"?)',
    ]);
  });
});

describe('install.runIn', () => {
  it('names the form a maintenance window name or id takes', () => {
    expect(messagesOf(`groups:\n  PRD:\n    ${GROUP}\n    install:\n      runIn: "next sunday"`)).toEqual([
      expect.stringMatching(
        /^groups\.PRD\.install\.runIn: expected a maintenance window name or id \(3 to 128 of A-Z a-z 0-9 _ \. -\)/,
      ),
    ]);
  });
});
