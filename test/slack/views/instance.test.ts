/** `/patch instance`: what a person reads, escaping of everything AWS sends, names not ids, and the caps. */
import type { InstancePatch } from '../../../src/patching/fleet-types';
import type { InstanceDetail, InstanceOperation, InstanceReport } from '../../../src/patching/instance-detail';
import { instanceView } from '../../../src/slack/views/instance';
import { EVIL_NAME, HOUR, NOW, expectNamesNotIds, expectWithinLimits, readable } from './fixtures';

function patch(n: number, severity: string, cves = 1, state: InstancePatch['state'] = 'Missing'): InstancePatch {
  return {
    title: `ALAS2-2026-${String(n).padStart(4, '0')}`,
    kbId: `pkg-${n}.x86_64`,
    classification: 'Security',
    severity,
    state,
    installedTime: undefined,
    cveIds: Array.from({ length: cves }, (_, i) => `CVE-2026-${n}${i}`),
  };
}

function op(
  id: string,
  outcome: InstanceOperation['outcome'],
  verdict: InstanceOperation['verdict'],
): InstanceOperation {
  return {
    operationId: id,
    kind: 'install',
    status: verdict === 'succeeded' ? 'succeeded' : 'failed',
    verdict,
    requestedBy: 'U0ALICE001',
    createdAt: new Date(NOW.getTime() - 2 * HOUR),
    finishedAt: new Date(NOW.getTime() - HOUR),
    outcome,
  };
}

function detail(overrides: Partial<InstanceDetail> = {}): InstanceDetail {
  return {
    instanceId: 'i-00000000000000003',
    name: 'prd-web-3',
    scope: 'prod',
    region: 'eu-west-1',
    group: 'PRD',
    ec2State: 'running',
    pingStatus: 'Online',
    agentVersion: '3.3.1142.0',
    lastPingAt: new Date(NOW.getTime() - 5 * 60_000),
    platformName: 'Amazon Linux',
    platformVersion: '2',
    patchState: {
      patchGroup: 'PRD',
      baselineId: 'pb-0123456789abcdef0',
      lastOperation: 'Scan',
      lastOperationEndedAt: new Date(NOW.getTime() - 3 * HOUR),
      lastScanAt: new Date(NOW.getTime() - 3 * HOUR),
      lastInstallAt: new Date(NOW.getTime() - 50 * HOUR),
      lastInstallFrom: 'operation',
      missingCount: 2,
      failedCount: 1,
      installedPendingRebootCount: 1,
      criticalNonCompliantCount: 1,
      securityNonCompliantCount: 2,
    },
    patches: {
      missing: [patch(1, 'Critical', 2), patch(2, 'Important')],
      failed: [patch(3, 'Medium', 0, 'Failed')],
      pendingReboot: [patch(4, 'Low', 0, 'InstalledPendingReboot')],
    },
    operations: [
      op('op-aaaaaa', { kind: 'failed', status: 'Failed', statusDetails: 'Failed', responseCode: 1 }, 'failed'),
      op('op-bbbbbb', { kind: 'target' }, 'succeeded'),
      op('op-cccccc', { kind: 'excluded', reason: 'SSM agent ConnectionLost' }, 'succeeded'),
    ],
    operationsSearched: 12,
    readProblems: [],
    ...overrides,
  };
}

const one = (d: InstanceDetail, failures: InstanceReport['failures'] = []): InstanceReport => ({
  kind: 'one',
  query: { name: d.name ?? d.instanceId },
  instance: d,
  failures,
});

describe('instanceView, one instance', () => {
  const m = instanceView(one(detail()), NOW);
  const text = readable(m);

  it('is within limits and names people, not ids', () => {
    expectWithinLimits(m);
    expectNamesNotIds(m);
  });

  it('leads with the verdict, then where it is', () => {
    expect(m.text).toBe('⚠️ prd-web-3: 2 missing patches (1 critical) · 1 failed · reboot pending');
    expect(text).toContain('Instance prd-web-3');
    expect(text).toContain('*prd-web-3* `i-00000000000000003` · group *PRD* · prod · eu-west-1');
  });

  it('shows agent, platform, group, last scan and last install', () => {
    for (const field of [
      '*Agent*\nOnline · last ping 5m ago',
      '*Agent version*\n3.3.1142.0',
      '*Platform*\nAmazon Linux 2',
      '*Patch group*\nPRD',
      '*Last scan*\n2026-03-10 09:00 UTC (3h ago)',
      '*Last install*\n2026-03-08 10:00 UTC (2d 2h ago)',
      '*Pending reboot*\nyes, 1 patch',
    ])
      expect(text).toContain(field);
  });

  it('lists missing patches worst first with their CVE ids, failed and pending-reboot ones apart', () => {
    expect(text).toContain('• *Critical* ALAS2-2026-0001 `pkg-1.x86_64` — CVE-2026-10, CVE-2026-11');
    expect(text.indexOf('ALAS2-2026-0001')).toBeLessThan(text.indexOf('ALAS2-2026-0002'));
    expect(text).toContain('*Failed patches (1)*\n• *Medium* ALAS2-2026-0003');
    expect(text).toContain('`/patch reboot PRD`');
  });

  it('says what each operation did to this instance, the requester as a mention', () => {
    expect(text).toContain('❌ `op-aaaaaa` install · failed on it (Failed, exit code 1) · requested by <@U0ALICE001>');
    expect(text).toContain('✅ `op-bbbbbb` install · succeeded on it');
    expect(text).toContain('`op-cccccc` install · left it out: SSM agent ConnectionLost');
  });

  it('says where the last install time comes from when it is an InstalledTime', () => {
    const d = detail();
    const fromPatches = detail({ patchState: { ...d.patchState!, lastInstallFrom: 'patches' } });
    expect(readable(instanceView(one(fromPatches), NOW))).toContain(
      '*Last install*\n2026-03-08 10:00 UTC (2d 2h ago) (its newest installed patch)',
    );
    const none = detail({ patchState: { ...d.patchState!, lastInstallAt: undefined, lastInstallFrom: undefined } });
    expect(readable(instanceView(one(none), NOW))).toContain('*Last install*\nnone reported by SSM');
  });

  it('says when no operation touched it, and how many were searched', () => {
    const none = readable(instanceView(one(detail({ operations: [] })), NOW));
    expect(none).toContain("No patchbot operation among *PRD*'s last 12 names this instance.");
  });

  it('an unreachable, never-scanned instance says so', () => {
    const d = detail({
      pingStatus: 'ConnectionLost',
      patchState: undefined,
      patches: { missing: [], failed: [], pendingReboot: [] },
    });
    const v = instanceView(one(d), NOW);
    expect(v.text).toBe('⚠️ prd-web-3: never scanned · unreachable');
    expect(readable(v)).toContain('*Agent*\nSSM agent connection lost · last ping 5m ago');
  });

  it('a read that failed and a scope that failed are shown beside what was found', () => {
    const v = readable(
      instanceView(
        one(detail({ readProblems: ['patches: AccessDenied: grant ssm:DescribeInstancePatches'] }), [
          { scope: 'dr', region: 'us-west-2', message: 'Access denied: grant ec2:DescribeInstances' },
        ]),
        NOW,
      ),
    );
    expect(v).toContain('Could not read everything about it');
    expect(v).toContain('ssm:DescribeInstancePatches');
    expect(v).toContain('*These scopes could not be searched*');
    expect(v).toContain('*dr · us-west-2*: Access denied: grant ec2:DescribeInstances');
    expect(v).toContain('*Missing patches, worst first (2)*');
  });
});

describe('instanceView escapes everything AWS sends', () => {
  const evilPatch = { ...patch(9, '<!here>', 1), title: EVIL_NAME, kbId: EVIL_NAME, cveIds: ['<!channel>'] };
  const d = detail({
    name: EVIL_NAME,
    platformName: '<!channel>',
    agentVersion: '<@U0BOB00001>',
    patches: { missing: [evilPatch], failed: [], pendingReboot: [] },
    operations: [op('op-dddddd', { kind: 'excluded', reason: EVIL_NAME }, 'succeeded')],
  });
  const m = instanceView(one(d), NOW);
  const text = readable(m);

  it('leaves no live mention, link or broadcast', () => {
    expect(text).not.toMatch(/<!channel>|<!here>|<https:|<@U0BOB00001>/);
    expect(m.text).not.toMatch(/<!channel>/);
    expect(text).toContain('&lt;!channel&gt;');
    expectWithinLimits(m);
  });

  it('escapes the query of an empty answer and of an ambiguous one', () => {
    const none = instanceView({ kind: 'none', query: { name: EVIL_NAME }, groups: ['PRD'], failures: [] }, NOW);
    const many = instanceView(
      {
        kind: 'many',
        query: { name: EVIL_NAME },
        matches: [detail({ name: EVIL_NAME }), detail({ name: EVIL_NAME, instanceId: 'i-00000000000000004' })],
        failures: [],
      },
      NOW,
    );
    for (const v of [none, many]) {
      expect(readable(v)).not.toMatch(/<!channel>|<https:/);
      expect(v.text).not.toMatch(/<!channel>/);
      // The hostile name itself holds a user id, shown as text: only the live forms are checked.
      expectWithinLimits(v);
    }
  });
});

describe('instanceView caps long lists', () => {
  const missing = Array.from({ length: 400 }, (_, i) => patch(i + 1, i % 2 ? 'Important' : 'Critical', 30));
  const failed = Array.from({ length: 60 }, (_, i) => patch(1000 + i, 'Low', 3, 'Failed'));
  const ops = Array.from({ length: 10 }, (_, i) =>
    op(`op-${String(i).padStart(6, '0')}`, { kind: 'target' }, 'succeeded'),
  );
  const m = instanceView(one(detail({ patches: { missing, failed, pendingReboot: failed }, operations: ops })), NOW);
  const text = readable(m);

  it('stays within limits and ends each list with "…and N more"', () => {
    expectWithinLimits(m);
    expect(text).toContain('*Missing patches, worst first (400)*');
    expect(text).toMatch(/…and 3\d\d more/);
    expect(text).toMatch(/…and 5\d more/);
  });

  it('shows at most five CVE ids a patch and counts the rest', () => {
    expect(text).toContain('CVE-2026-13, CVE-2026-14 (+25 more)');
    expect(text).not.toContain('CVE-2026-15');
  });

  it('lists many matches with where each is and how to choose', () => {
    const matches = Array.from({ length: 300 }, (_, i) =>
      detail({ instanceId: `i-${String(i).padStart(17, '0')}`, region: i % 2 ? 'eu-west-1' : 'us-east-1' }),
    );
    const v = instanceView({ kind: 'many', query: { name: 'web' }, matches, failures: [] }, NOW);
    expectWithinLimits(v);
    const t = readable(v);
    expect(t).toContain('300 instances match "web"');
    expect(t).toMatch(/…and 28\d more/);
    expect(t).toContain('`/patch instance i-…`');
  });
});
