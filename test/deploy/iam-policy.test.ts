/**
 * deploy/iam/*.json against the code: the policies allow exactly the AWS actions src/aws/ performs,
 * SendCommand runs only AWS-RunPatchBaseline, and the cross-account documents agree with the config.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PATCH_DOCUMENT } from '../../src/aws/gateway';
import { parseConfigText } from '../../src/config';
import {
  NEEDS_NO_PERMISSION,
  ROOT,
  allowedActions,
  asList,
  comparePolicy,
  deriveAwsActions,
  readSources,
  type PolicyDocument,
} from './derive';

const readPolicy = (name: string): PolicyDocument =>
  JSON.parse(readFileSync(join(ROOT, 'deploy', 'iam', name), 'utf8')) as PolicyDocument;

const permissions = readPolicy('patchbot-policy.json');
const assumeRole = readPolicy('patchbot-assume-role-policy.json');
const trust = readPolicy('target-role-trust-policy.json');
/** The identity policies: what the bot's credentials (or a scope's role) may do. */
const identityPolicies = [permissions, assumeRole];

const awsSources = readSources('src/aws');
const derived = deriveAwsActions(awsSources);

/** IAM's wildcard match of an ARN pattern (`*` any run, `?` one character). */
const arnMatches = (pattern: string, arn: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(arn);

describe('deriveAwsActions', () => {
  it('reads every AWS call there is: nothing but src/aws/ imports the SDK', () => {
    const importsSdk = (f: { text: string }) => /from '@aws-sdk\//.test(f.text);
    const elsewhere = [...readSources('src', ['src/aws']), ...readSources('commands')]
      .filter(importsSdk)
      .map((f) => f.path);
    expect(elsewhere).toEqual([]);
    expect(awsSources.some(importsSdk)).toBe(true);
  });

  it('finds the calls the gateway makes, paginated or not', () => {
    expect(derived).toEqual(
      expect.arrayContaining(['ssm:SendCommand', 'ssm:DescribeInstancePatchStates', 'ec2:RebootInstances']),
    );
    expect(derived).toContain('sts:AssumeRole');
    expect(derived).toContain('s3:PutObject');
    expect(derived.every((a) => /^(ssm|ec2|sts|s3):[A-Z]\w+$/.test(a))).toBe(true);
  });

  it('reports a newly used command as missing from the policy', () => {
    const gateway = awsSources.find((s) => s.path === join('src', 'aws', 'gateway.ts'));
    if (!gateway) throw new Error('src/aws/gateway.ts not found');
    const changed = gateway.text
      .replace(
        "from '@aws-sdk/client-ssm';",
        "from '@aws-sdk/client-ssm';\nimport { SendAutomationSignalCommand } from '@aws-sdk/client-ssm';",
      )
      .concat(
        '\nconst signal = (c: any) => c.send(new SendAutomationSignalCommand({ AutomationExecutionId: "x", SignalType: "Approve" }));\n',
      );
    const actions = deriveAwsActions([
      ...awsSources.filter((s) => s !== gateway),
      { path: gateway.path, text: changed },
    ]);
    expect(comparePolicy(actions, allowedActions(identityPolicies))).toEqual({
      missing: ['ssm:SendAutomationSignal'],
      unused: [],
    });
  });

  it('ignores type imports and reads namespace imports', () => {
    const text = [
      "import { type SendCommandCommandOutput, SSMClient, paginateListCommands as pages } from '@aws-sdk/client-ssm';",
      "import * as ec2 from '@aws-sdk/client-ec2';",
      'new ec2.StopInstancesCommand({});',
    ].join('\n');
    expect(deriveAwsActions([{ path: 'x.ts', text }])).toEqual(['ec2:StopInstances', 'ssm:ListCommands']);
  });
});

describe('deploy/iam policies', () => {
  it('allow exactly the actions src/aws/ performs (GetCallerIdentity needs no permission)', () => {
    const { missing, unused } = comparePolicy(derived, allowedActions(identityPolicies));
    const problems = [
      missing.length > 0 ? `deploy/iam lacks actions the code performs: ${missing.join(', ')}` : '',
      unused.length > 0 ? `deploy/iam allows actions the code never performs: ${unused.join(', ')}` : '',
    ].filter((p) => p !== '');
    if (problems.length > 0) throw new Error(problems.join('\n'));
    expect(derived).toEqual(expect.arrayContaining([...NEEDS_NO_PERMISSION]));
  });

  it('use only Allow statements with exact action names', () => {
    for (const doc of [...identityPolicies, trust]) {
      expect(doc.Version).toBe('2012-10-17');
      for (const s of doc.Statement) {
        expect(s.Effect).toBe('Allow');
        for (const a of asList(s.Action)) expect(a).not.toMatch(/\*/);
      }
    }
  });

  it('let SendCommand run only the document the gateway sends', () => {
    const send = permissions.Statement.filter((s) => asList(s.Action).includes('ssm:SendCommand'));
    expect(send).toHaveLength(1);
    const documents = asList(send[0]?.Resource).filter((r) => r.includes(':document/'));
    expect(documents).toEqual([`arn:aws:ssm:*::document/${PATCH_DOCUMENT}`]);
    expect(asList(send[0]?.Resource)).toContain('arn:aws:ec2:*:*:instance/*');
  });

  it('let GetCalendarState read only SSM documents (Change Calendars are documents)', () => {
    const read = permissions.Statement.filter((s) => asList(s.Action).includes('ssm:GetCalendarState'));
    expect(read).toHaveLength(1);
    expect(asList(read[0]?.Action)).toEqual(['ssm:GetCalendarState']);
    expect(asList(read[0]?.Resource)).toEqual(['arn:aws:ssm:*:*:document/*']);
  });

  it('let RebootInstances touch only instances with a patch-group tag', () => {
    const reboot = permissions.Statement.filter((s) => asList(s.Action).includes('ec2:RebootInstances'));
    expect(reboot.length).toBeGreaterThan(0);
    const tagKeys = reboot.map((s) => {
      expect(asList(s.Resource)).toEqual(['arn:aws:ec2:*:*:instance/*']);
      const keys = Object.keys(s.Condition?.Null ?? {});
      expect(keys).toHaveLength(1);
      return (keys[0] ?? '').replace('aws:ResourceTag/', '');
    });
    // Every tag key the config accepts for a group (tagKey's enum in src/config/group-schema.ts).
    const schema = readFileSync(join(ROOT, 'src', 'config', 'group-schema.ts'), 'utf8');
    const accepted = [...(/tagKey:\s*z\.enum\(\[([^\]]*)\]/.exec(schema)?.[1] ?? '').matchAll(/'([^']+)'/g)].map(
      (m) => m[1],
    );
    expect(accepted.length).toBeGreaterThan(0);
    expect(tagKeys.sort()).toEqual(accepted.sort());
  });

  it('let the bot write objects only under the override lists prefix patchbot.example.yml names', () => {
    const put = permissions.Statement.filter((s) => asList(s.Action).includes('s3:PutObject'));
    expect(put).toHaveLength(1);
    expect(asList(put[0]?.Action)).toEqual(['s3:PutObject']);
    const example = parseConfigText(
      readFileSync(join(ROOT, 'patchbot.example.yml'), 'utf8'),
      'patchbot.example.yml',
      {},
    );
    const prefixes = example.groups.flatMap((g) => (g.install.overrideList ? [g.install.overrideList.prefix] : []));
    expect(prefixes.length).toBeGreaterThan(0);
    for (const prefix of prefixes) {
      expect(
        asList(put[0]?.Resource).some((r) => arnMatches(r, `arn:aws:s3:::<override-list-bucket>/${prefix}/op-1.yaml`)),
      ).toBe(true);
    }
    // Objects only, under one prefix: never a whole bucket or every bucket.
    for (const r of asList(put[0]?.Resource)) expect(r).toMatch(/^arn:aws:s3:::[^/*]+\/[^*]+\/\*$/);
  });

  it('put mutating actions only in resource-scoped statements', () => {
    const onStar = permissions.Statement.filter((s) => asList(s.Resource).includes('*')).flatMap((s) =>
      asList(s.Action),
    );
    expect(onStar).not.toContain('ssm:SendCommand');
    expect(onStar).not.toContain('ec2:RebootInstances');
    expect(onStar).not.toContain('s3:PutObject');
  });
});

describe('cross-account roles', () => {
  const example = parseConfigText(readFileSync(join(ROOT, 'patchbot.example.yml'), 'utf8'), 'patchbot.example.yml', {});
  const roleScopes = example.aws.scopes.filter((s) => s.roleArn);

  it('let the bot assume every role patchbot.example.yml names', () => {
    expect(roleScopes.length).toBeGreaterThan(0);
    const resources = assumeRole.Statement.flatMap((s) => asList(s.Resource));
    for (const scope of roleScopes) expect(resources.some((r) => arnMatches(r, scope.roleArn as string))).toBe(true);
  });

  it('trust the bot and require the external id the config sends', () => {
    expect(trust.Statement).toHaveLength(1);
    const [s] = trust.Statement;
    expect(asList(s?.Action)).toEqual(['sts:AssumeRole']);
    expect(asList(s?.Principal?.AWS)).toEqual([
      expect.stringMatching(/^arn:aws:iam::\d{12}:(root|role\/[\w+=,.@-]+)$/),
    ]);
    const externalIds = example.aws.scopes.map((sc) => sc.externalId).filter((x): x is string => x !== undefined);
    expect(externalIds.length).toBeGreaterThan(0);
    expect(externalIds).toContain(s?.Condition?.StringEquals?.['sts:ExternalId']);
  });
});
