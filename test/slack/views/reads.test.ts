/** help, groups, baseline, windows and history: the text a person reads, limits, and escaping. */
import type { MaintenanceWindow, PatchBaseline } from '../../../src/patching/fleet-types';
import { PatchbotConfigSchema } from '../../../src/config/schema';
import { baselineView, ruleText } from '../../../src/slack/views/baseline';
import { groupsView } from '../../../src/slack/views/groups';
import { helpView } from '../../../src/slack/views/help';
import { historyView } from '../../../src/slack/views/history';
import { windowsView, type WindowViewEntry } from '../../../src/slack/views/windows';
import type { HistoryEntry } from '../../../src/patching/history';
import { EVIL_NAME, HOUR, NOW, expectWithinLimits, readable } from './fixtures';

const config = PatchbotConfigSchema.parse({
  groups: {
    STG: { channel: '#stg-patching', operators: ['U0ALICE001', 'U0BOB0002'] },
    PRD: {
      channel: 'C0PRD0001',
      operators: ['U0ALICE001', 'S0OPS0001'],
      promoteFrom: 'STG',
      approval: { required: true, approvers: ['U0CAROL03', 'U0DAVE004'], minApprovals: 1 },
    },
  },
});

describe('helpView', () => {
  const m = helpView(
    [
      { name: 'status', usage: '/patch status <group>', summary: 'compliance of a group' },
      { name: 'scan', usage: '/patch scan <group>', summary: 'scan a group now' },
    ],
    ['STG', 'PRD'],
  );
  it('shows usage lines as code, so <group> is text and not a link', () => {
    expectWithinLimits(m);
    expect(readable(m)).toContain('• `/patch status &lt;group&gt;` — compliance of a group');
    expect(readable(m)).toContain('Groups: `STG`, `PRD`');
    expect(m.text).toBe('patchbot commands: status, scan');
  });
});

describe('groupsView', () => {
  const m = groupsView(config.groups);
  const text = readable(m);
  it('shows each group with tag, channel, approval, promotion and operators', () => {
    expectWithinLimits(m);
    expect(text).toContain('• *STG* — tag `Patch Group=STG` · #stg-patching · no approval needed · 2 operators');
    expect(text).toContain(
      '• *PRD* — tag `Patch Group=PRD` · <#C0PRD0001> · approval by 1 of 2 approvers · promotes from *PRD*'.replace(
        'from *PRD*',
        'from *STG*',
      ),
    );
  });
  it('says which change calendars freeze a group and whether it can be overridden', () => {
    const prd = config.groups.find((g) => g.name === 'PRD')!;
    const frozen = (overrideApprovers: string[]) =>
      readable(groupsView([{ ...prd, changeCalendars: ['prd-freeze', 'cab_freeze'], freeze: { overrideApprovers } }]));
    expect(frozen([])).toContain('frozen while *prd-freeze*, *cab_freeze* are closed (no override)');
    expect(frozen(['U1', 'U2'])).toContain('(override by 2 override approvers)');
    expect(text).not.toContain('frozen while');
  });
  it('adds live instance counts when given, and stays within limits for many groups', () => {
    expect(readable(groupsView(config.groups, { PRD: 1200 }))).toContain('2 operators · 1,200 instances');
    const many = Array.from({ length: 300 }, (_, i) => ({
      ...(config.groups[0] as (typeof config.groups)[number]),
      name: `G${i}`,
    }));
    const big = groupsView(many);
    expectWithinLimits(big);
    expect(readable(big)).toMatch(/…and [\d,]+ more/);
  });
});

const baseline = (over: Partial<PatchBaseline> = {}): PatchBaseline => ({
  baselineId: 'pb-0123456789abcdef0',
  name: 'prd-al2',
  operatingSystem: 'AMAZON_LINUX_2',
  description: 'Production baseline <!channel>',
  approvalRules: [
    {
      filters: { CLASSIFICATION: ['Security'], SEVERITY: ['Critical', 'Important'] },
      approveAfterDays: 31,
      approveUntilDate: undefined,
      complianceLevel: 'CRITICAL',
      enableNonSecurity: false,
    },
    {
      filters: { CLASSIFICATION: ['Bugfix'], SEVERITY: ['*'], PRODUCT: ['AmazonLinux2'] },
      approveAfterDays: 0,
      approveUntilDate: undefined,
      complianceLevel: 'UNSPECIFIED',
      enableNonSecurity: true,
    },
  ],
  approvedPatches: ['ALAS2-2026-001', 'kernel-5.10.*'],
  rejectedPatches: ['openssl-1.0*'],
  patchGroups: ['PRD'],
  modifiedDate: undefined,
  ...over,
});

describe('baselineView', () => {
  const prd = config.groups[1]!;
  it('reads approval rules as a person would', () => {
    expect(ruleText(baseline().approvalRules[0]!)).toBe(
      'Security · Critical, Important · approved 31 days after release · compliance CRITICAL',
    );
    expect(ruleText(baseline().approvalRules[1]!)).toBe(
      'Bugfix · all · product AmazonLinux2 · approved on release · non-security updates included',
    );
  });

  it('shows name, id, OS, description, rules and patch lists, once for identical regions', () => {
    const m = baselineView(
      prd,
      [
        { scope: 'prod', region: 'us-east-1', baseline: baseline() },
        { scope: 'prod', region: 'eu-west-1', baseline: baseline({ baselineId: 'pb-0eu' }) },
      ],
      [],
    );
    const text = readable(m);
    expectWithinLimits(m);
    expect(text).toContain(
      '*prd-al2* `pb-0123456789abcdef0` · AMAZON_LINUX_2\nProduction baseline &lt;!channel&gt;\nUsed in prod · us-east-1, prod · eu-west-1 (`pb-0eu`)',
    );
    expect(text).toContain('1. Security · Critical, Important · approved 31 days after release · compliance CRITICAL');
    expect(text).toContain('*Approved patches (2)*: `ALAS2-2026-001`, `kernel-5.10.*`');
    expect(text).toContain('*Rejected patches (1)*: `openssl-1.0*`');
  });

  it('caps long patch lists, puts them in the thread, and shows failures', () => {
    const ids = Array.from({ length: 5_000 }, (_, i) => `ALAS2-2026-${i}`);
    const many = Array.from({ length: 6 }, (_, i) => ({
      scope: `s${i}`,
      region: 'us-east-1',
      baseline: baseline({ name: `b${i}`, approvedPatches: ids, rejectedPatches: ids }),
    }));
    const m = baselineView(prd, many, [
      { scope: 'dr', region: 'ap-south-1', message: 'AccessDenied: grant ssm:GetPatchBaselineForPatchGroup.' },
    ]);
    expectWithinLimits(m);
    const text = readable(m);
    expect(text).toMatch(/\*Approved patches \(5,000\)\*: .*…and [\d,]+ more/);
    expect(text).toContain('*3 more baselines*');
    expect(text).toContain('AccessDenied: grant ssm:GetPatchBaselineForPatchGroup.');
    expect((m.thread ?? []).length).toBeGreaterThan(0);
  });

  it('says when no baseline was found', () => {
    const m = baselineView(prd, [], []);
    expectWithinLimits(m);
    expect(readable(m)).toContain('No baseline was found for *PRD* (AMAZON_LINUX_2).');
  });
});

const win = (over: Partial<MaintenanceWindow> = {}): MaintenanceWindow => ({
  windowId: 'mw-0123456789abcdef0',
  name: 'prd-nightly-scan',
  enabled: true,
  schedule: 'cron(0 3 ? * * *)',
  scheduleTimezone: 'Europe/Berlin',
  durationHours: 4,
  cutoffHours: 1,
  nextExecutionTime: new Date(NOW.getTime() + 5 * HOUR + 3 * 60_000),
  ...over,
});

describe('windowsView', () => {
  const entries: WindowViewEntry[] = [
    {
      scope: 'prod',
      region: 'us-east-1',
      window: win({ name: 'later', nextExecutionTime: new Date(NOW.getTime() + 30 * HOUR) }),
      groups: ['PRD'],
      targets: ['tag:Patch Group=PRD'],
    },
    {
      scope: 'prod',
      region: 'us-east-1',
      window: win(),
      groups: ['PRD'],
      lastExecution: {
        windowId: 'mw-0123456789abcdef0',
        executionId: 'e-1',
        status: 'FAILED',
        statusDetails: `One or more tasks failed ${EVIL_NAME}`,
        startTime: new Date(NOW.getTime() - 21 * HOUR),
        endTime: undefined,
      },
    },
    { scope: 'prod', region: 'us-east-1', window: win({ name: 'off', enabled: false }), groups: [] },
  ];
  const m = windowsView(entries, [], NOW);
  const text = readable(m);

  it('shows schedule, duration, next and last run, soonest first', () => {
    expectWithinLimits(m);
    expect(text).toContain('*later* `mw-0123456789abcdef0` · *PRD*\nTargets `tag:Patch Group=PRD`\nSchedule');
    expect(text).toContain(
      '*prd-nightly-scan* `mw-0123456789abcdef0` · *PRD*\nSchedule `cron(0 3 ? * * *)` Europe/Berlin · 4 hours (no new tasks in the last 1 hour)\nNext run in 5h 3m · 2026-03-10 17:03 UTC\nLast run: ❌ FAILED 21h ago · 2026-03-09 15:00 UTC — One or more tasks failed &lt;!channel&gt;',
    );
    expect(text.indexOf('prd-nightly-scan')).toBeLessThan(text.indexOf('*later*'));
    expect(text).toContain('⏸ Disabled: it will not run');
    expect(text.indexOf('*later*')).toBeLessThan(text.indexOf('*off*'));
  });

  it('caps many windows and puts the rest in the thread', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({
      scope: 'prod',
      region: 'us-east-1',
      window: win({ name: `w${i}` }),
      groups: ['PRD'],
    }));
    const big = windowsView(many, [], NOW);
    expectWithinLimits(big);
    expect(readable(big)).toContain('…and 28 more windows (in the thread)');
    expect(big.thread?.length).toBeGreaterThan(0);
  });

  it('says when there are none', () => {
    expect(readable(windowsView([], [], NOW))).toContain('No maintenance windows target these groups.');
  });
});

describe('historyView', () => {
  const entry = (i: number, over: Partial<HistoryEntry> = {}): HistoryEntry => ({
    operationId: `op-${i}`,
    kind: 'scan',
    group: 'PRD',
    status: 'succeeded',
    verdict: 'succeeded',
    requestedBy: 'U0ALICE001',
    createdAt: new Date(NOW.getTime() - (i + 1) * HOUR),
    finishedAt: undefined,
    summary: '3 of 12 non-compliant',
    ...over,
  });
  it('shows one line per operation: id, kind, group, status, who, when, summary', () => {
    const m = historyView(
      [entry(1), entry(2, { status: 'failed', verdict: 'failed', summary: EVIL_NAME, requestedBy: '<!channel>' })],
      'PRD',
      NOW,
    );
    expectWithinLimits(m);
    const text = readable(m);
    expect(text).toContain(
      '✅ `op-1` scan *PRD* · succeeded · requested by <@U0ALICE001> · 2026-03-10 10:00 UTC (2h ago) — 3 of 12 non-compliant',
    );
    expect(text).toContain('❌ `op-2` scan *PRD* · failed · requested by &lt;!channel&gt;');
    expect(text).toContain('Recent operations on PRD');
  });
  it('says who rejected or cancelled an operation, by mention', () => {
    const text = readable(
      historyView(
        [
          entry(1, {
            kind: 'install',
            status: 'rejected',
            verdict: 'rejected',
            closedBy: 'U0BOB00001',
            summary: 'rejected: freeze week',
          }),
        ],
        'PRD',
        NOW,
      ),
    );
    expect(text).toContain('🚫 `op-1` install *PRD* · was rejected by <@U0BOB00001> · requested by <@U0ALICE001> ·');
    expect(text).toContain('— rejected: freeze week');
  });
  it('fits many long entries and says when there are none', () => {
    expectWithinLimits(
      historyView(
        Array.from({ length: 200 }, (_, i) => entry(i, { summary: 'x'.repeat(500) })),
        undefined,
        NOW,
      ),
    );
    expect(readable(historyView([], 'PRD', NOW))).toContain(
      'No operations yet on *PRD*. `/patch scan PRD` runs the first one.',
    );
  });
});
