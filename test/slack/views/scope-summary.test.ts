/** The one-line "where" of a group: instances, accounts (scope names) and regions, and its use in views. */
import { countByScope, scopeSpread, scopeSummary } from '../../../src/slack/views/scope-summary';
import { digestView } from '../../../src/slack/views/digest';
import { scopeHealthView } from '../../../src/slack/views/scope-health';
import { statusView } from '../../../src/slack/views/status';
import { planSections } from '../../../src/slack/views/plan';
import { blocks } from '../../../src/slack/views/blocks';
import type { DigestData, DigestGroup } from '../../../src/patching/poll/poll-results';
import { NOW, expectWithinLimits, readable, smallPlan, smallStatus } from './fixtures';

const sc = (scope: string, region: string, instances: number) => ({ scope, region, instances });

describe('scopeSummary', () => {
  it('counts distinct scope names as accounts and distinct regions, with thousands separators', () => {
    expect(
      scopeSummary('PRD', [
        sc('prod-a', 'us-east-1', 600),
        sc('prod-a', 'eu-west-1', 400),
        sc('prod-b', 'ap-south-1', 204),
      ]),
    ).toBe('PRD: 1,204 instances in 2 accounts, 3 regions');
  });

  it('gets singular and plural right', () => {
    expect(scopeSummary('PRD', [sc('a', 'us-east-1', 1), sc('a', 'eu-west-1', 0)])).toBe(
      'PRD: 1 instance in 1 account, 2 regions',
    );
    expect(scopeSummary('PRD', [sc('a', 'us-east-1', 2), sc('b', 'us-east-1', 3)])).toBe(
      'PRD: 5 instances in 2 accounts, 1 region',
    );
  });

  it('leaves out "in …" for exactly one scope and region', () => {
    expect(scopeSummary('PRD', [sc('a', 'us-east-1', 12_345)])).toBe('PRD: 12,345 instances');
    expect(scopeSummary('PRD', [sc('a', 'us-east-1', 1)])).toBe('PRD: 1 instance');
    expect(scopeSummary('PRD', [])).toBe('PRD: 0 instances');
    expect(scopeSpread([sc('a', 'us-east-1', 1)])).toBe('');
  });

  it('counts instance lines per scope and region', () => {
    const lines = [
      { scope: 'a', region: 'r1' },
      { scope: 'b', region: 'r1' },
      { scope: 'a', region: 'r1' },
    ];
    expect(countByScope(lines)).toEqual([sc('a', 'r1', 2), sc('b', 'r1', 1)]);
  });
});

describe('the summary in views', () => {
  it('status: under the verdict, escaped', () => {
    const one = readable(statusView(smallStatus()));
    expect(one).toContain('PRD: 12 instances');
    const many = statusView(
      smallStatus({
        group: 'PRD<x>',
        scopes: [sc('prod', 'us-east-1', 1_000), sc('prod', 'eu-west-1', 4), sc('dr', 'eu-west-1', 200)],
      }),
    );
    expectWithinLimits(many);
    expect(readable(many)).toContain('PRD&lt;x&gt;: 1,204 instances in 2 accounts, 2 regions');
  });

  const group = (overrides: Partial<DigestGroup> = {}): DigestGroup => ({
    group: 'PRD',
    instances: 1_204,
    compliant: 1_000,
    nonCompliant: 204,
    rate: 1_000 / 1_204,
    missingBySeverity: { critical: 0, security: 0, other: 0 },
    changeSinceLast: undefined,
    mostMissed: [],
    windowRuns: [],
    pendingApprovals: [],
    staleScans: 0,
    unreachable: 0,
    ...overrides,
  });
  const digest = (groups: DigestGroup[], failures: DigestData['failures'] = []): DigestData => ({
    channel: 'C0PRDPATCH',
    generatedAt: NOW,
    since: undefined,
    groups,
    failures,
  });

  it('digest: per group, only when it spans scopes; failures name their group', () => {
    const spread = group({
      scopes: [sc('a', 'us-east-1', 1_000), sc('b', 'us-east-1', 100), sc('b', 'eu-west-1', 104)],
    });
    const m = digestView(
      digest(
        [spread, group({ group: 'STG', scopes: [sc('a', 'us-east-1', 1_204)] })],
        [{ group: 'PRD', scope: 'c', region: 'us-east-1', message: 'Grant ssm:DescribeInstanceInformation.' }],
      ),
      NOW,
    );
    expectWithinLimits(m);
    const text = readable(m);
    expect(text).toContain('*PRD* · 83.0% compliant (1,000 of 1,204) · 1,204 instances in 2 accounts, 2 regions');
    expect(text).not.toMatch(/\*STG\*[^\n"]*accounts/);
    expect(text).toContain('• *PRD* in *c · us-east-1*: Grant ssm:DescribeInstanceInformation.');
  });

  it('digest in compact mode: the spread on the group line', () => {
    const many = Array.from({ length: 13 }, (_, i) =>
      group({ group: `G${i}`, scopes: [sc('a', 'us-east-1', 600), sc('b', 'eu-west-1', 604)] }),
    );
    expect(readable(digestView(digest(many), NOW))).toContain('• *G1* 83.0% (1,000/1,204) · in 2 accounts, 2 regions');
  });

  it('plan card: the targets summary when they span scopes', () => {
    const plan = smallPlan();
    const spanning = smallPlan({
      targets: plan.targets.map((t, i) => (i < 3 ? { ...t, scope: 'dr', region: 'eu-west-1' } : t)),
    });
    expect(JSON.stringify(blocks(planSections(spanning, NOW)))).toContain(
      'Targets: PRD: 8 instances in 2 accounts, 2 regions',
    );
    expect(JSON.stringify(blocks(planSections(plan, NOW)))).not.toContain('Targets: PRD:');
  });
});

describe('scopeHealthView', () => {
  it('names the scope that started failing, with the advice, and the one answering again', () => {
    const m = scopeHealthView(
      {
        group: 'PRD',
        started: [
          {
            scope: 'partner',
            region: 'us-east-1',
            message:
              'AWS refused ssm:DescribeInstanceInformation. Grant the IAM action ssm:DescribeInstanceInformation.',
          },
        ],
        failing: [{ scope: 'partner', region: 'us-east-1', message: 'x' }],
        recovered: [{ scope: 'main', region: 'eu-west-1' }],
      },
      NOW,
    );
    expectWithinLimits(m);
    expect(m.text).toBe(
      '⚠️ PRD: could not read 1 scope (partner · us-east-1) · ✅ PRD: 1 scope answers again (main · eu-west-1)',
    );
    expect(readable(m)).toContain('Grant the IAM action ssm:DescribeInstanceInformation');
    expect(readable(m)).toContain('*Answering again*');
  });
});
