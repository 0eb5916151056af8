/** The pollers' views: a compliance diff, a window result and the daily digest, small and fleet-sized. */
import { complianceDiffView, digestView, percent, windowResultView } from '../../../src/slack/views';
import type { ComplianceDiff, DigestData, DigestGroup, WindowResult } from '../../../src/patching/poll/poll-results';
import { EVIL, EVIL_NAME, HOUR, NOW, expectWithinLimits, measure, readable } from './fixtures';

const id = (n: number) => `i-${n.toString(16).padStart(17, '0')}`;
const line = (n: number, name?: string) => ({
  instanceId: id(n),
  name: name ?? `web-prd-${String(n).padStart(4, '0')}`,
  scope: 'prod',
  region: 'us-east-1',
});
const OPENSSL = { title: 'openssl: CVE-2026-0001', severity: 'Critical', classification: 'Security' };
const KERNEL = { title: 'kernel-6.1.80 (ALAS-2026-1001)', severity: 'Important', classification: 'Security' };

function smallDiff(overrides: Partial<ComplianceDiff> = {}): ComplianceDiff {
  return {
    group: 'PRD',
    generatedAt: NOW,
    scopes: [{ scope: 'prod', region: 'us-east-1' }],
    cost: { scopes: 1, instances: 0, patchStates: 0, patchListsFetched: 0 },
    becameNonCompliant: [
      { ...line(1, 'web-prd-01'), newlyMissing: [OPENSSL, KERNEL] },
      { ...line(2, 'web-prd-02'), newlyMissing: [KERNEL] },
    ],
    becameCompliant: [line(3, 'db-prd-01')],
    appeared: [],
    disappeared: [],
    becameUnreachable: [line(4, 'batch-prd-01')],
    lastOperationFailed: [],
    failures: [],
    ...overrides,
  };
}

/** 10,000 instances changed, hostile strings first, in two regions, a scope failure. */
function hugeDiff(n = 10_000): ComplianceDiff {
  const sev = ['Critical', 'Important', 'Medium', 'Low'];
  const patches = Array.from({ length: 300 }, (_, i) => ({
    title: i === 0 ? EVIL_NAME : `2026-03 Security update for pkg-${i} (ALAS-2026-${2000 + i})`,
    severity: sev[i % 4] as string,
    classification: 'Security',
  }));
  const inst = (i: number) => ({
    ...line(i + 1, i === 0 ? EVIL_NAME : undefined),
    region: i % 2 === 0 ? 'us-east-1' : 'eu-west-1',
  });
  return {
    group: 'PRD',
    generatedAt: NOW,
    scopes: [{ scope: 'prod', region: 'us-east-1' }],
    cost: { scopes: 1, instances: 0, patchStates: 0, patchListsFetched: 0 },
    becameNonCompliant: Array.from({ length: n }, (_, i) => ({
      ...inst(i),
      newlyMissing: patches.slice(i % 290, (i % 290) + 1 + (i % 10)),
    })),
    becameCompliant: Array.from({ length: n }, (_, i) => inst(n + i)),
    appeared: Array.from({ length: n }, (_, i) => inst(2 * n + i)),
    disappeared: Array.from({ length: n }, (_, i) => inst(3 * n + i)),
    becameUnreachable: Array.from({ length: n }, (_, i) => inst(4 * n + i)),
    lastOperationFailed: Array.from({ length: n }, (_, i) => inst(5 * n + i)),
    failures: [{ scope: 'dr', region: 'ap-south-1', message: `AccessDenied ${EVIL_NAME}` }],
  };
}

describe('complianceDiffView, small change', () => {
  const m = complianceDiffView(smallDiff(), NOW);
  const text = readable(m);

  it('is within limits', () => expectWithinLimits(m));

  it('leads with the summary line', () => {
    expect(m.text).toBe(
      'PRD compliance changed: 2 instances became non-compliant (1 critical patch newly missing) · 1 became compliant · 1 agent unreachable',
    );
    expect(m.blocks[0]).toMatchObject({ type: 'header', text: { text: 'PRD compliance changed' } });
    expect((m.blocks[1] as { text: { text: string } }).text.text).toBe(
      '*2 instances became non-compliant (1 critical patch newly missing) · 1 became compliant · 1 agent unreachable*',
    );
  });

  it('groups patches shared by the instances, worst first, with who misses them', () => {
    expect(text).toContain(
      '*🔴 Became non-compliant (2)*\n• *web-prd-01* `i-00000000000000001`\n• *web-prd-02* `i-00000000000000002`',
    );
    expect(text).toContain(
      '*🆕 Newly missing patches (2)*, worst first\n• Critical · Security · openssl: CVE-2026-0001 — 1 instance: web-prd-01\n• Important · Security · kernel-6.1.80 (ALAS-2026-1001) — 2 instances: web-prd-01, web-prd-02',
    );
  });

  it('lists the patches under each instance when they do not share them', () => {
    const one = complianceDiffView(
      smallDiff({
        becameNonCompliant: [{ ...line(1, 'web-prd-01'), newlyMissing: [KERNEL, OPENSSL] }],
        becameCompliant: [],
        becameUnreachable: [],
      }),
      NOW,
    );
    expectWithinLimits(one);
    expect(readable(one)).toContain(
      '*🔴 Became non-compliant (1)*\n• *web-prd-01* `i-00000000000000001`\n    ↳ Critical: openssl: CVE-2026-0001 · Important: kernel-6.1.80 (ALAS-2026-1001)',
    );
    expect(readable(one)).not.toContain('Newly missing patches');
  });

  it('names the other kinds of change and says when', () => {
    expect(text).toContain('*✅ Became compliant (1)*\n• *db-prd-01* `i-00000000000000003`');
    expect(text).toContain(
      '*📡 Agent unreachable (1)* — SSM cannot scan or patch these:\n• *batch-prd-01* `i-00000000000000004`',
    );
    expect(text).not.toContain('Appeared');
    expect(text).toContain('Changes since the previous poll · 2026-03-10 12:00 UTC');
    expect(m.thread).toBeUndefined();
  });

  it('covers appeared, disappeared, failed operations and failures', () => {
    const d = complianceDiffView(
      smallDiff({
        becameNonCompliant: [],
        becameCompliant: [],
        becameUnreachable: [],
        appeared: [line(5)],
        disappeared: [line(6)],
        lastOperationFailed: [line(7)],
        failures: [{ scope: 'dr', region: 'ap-south-1', message: 'AccessDenied' }],
      }),
      NOW,
    );
    expectWithinLimits(d);
    expect(d.text).toBe('PRD compliance changed: 1 failed their last patch operation · 1 appeared · 1 disappeared');
    const t = readable(d);
    expect(t).toContain('*➕ Appeared (1)*');
    expect(t).toContain('*➖ Disappeared (1)*');
    expect(t).toContain('*❌ Last patch operation failed (1)*');
    expect(t).toContain('*dr · ap-south-1*: AccessDenied');
  });

  it('escapes hostile names and patch titles', () => {
    const evil = complianceDiffView(
      smallDiff({
        group: EVIL_NAME,
        becameNonCompliant: [
          {
            ...line(1, EVIL_NAME),
            newlyMissing: [{ title: EVIL_NAME, severity: EVIL[0] as string, classification: EVIL[2] as string }],
          },
        ],
      }),
      NOW,
    );
    expectWithinLimits(evil);
    const t = readable(evil);
    expect(t).toContain('&lt;!channel&gt;');
    expect(t).toContain('&lt;@U0ALICE001&gt;');
    expect(t).not.toContain('<@U0ALICE001>');
  });
});

describe('complianceDiffView, 10,000 instances changed in every way', () => {
  const m = complianceDiffView(hugeDiff(), NOW);

  it('stays within every limit, thread included', () => {
    expectWithinLimits(m);
    const size = measure(m);
    expect(size.blocks).toBeLessThanOrEqual(12);
    expect(size.thread).toBeLessThanOrEqual(4 + 4 + 2 * 5);
  });

  it('says how many in the summary and caps each list with a pointer to the thread', () => {
    expect(m.text).toContain('10,000 instances became non-compliant (75 critical patches newly missing)');
    const t = readable(m);
    expect(t).toContain('…and ');
    expect(t).toContain('more (see the thread)');
    expect(t).toContain('· prod · eu-west-1');
  });
});

function smallWindow(overrides: Partial<WindowResult> = {}): WindowResult {
  return {
    scope: 'prod',
    region: 'us-east-1',
    statusDetails: undefined,
    durationMs: undefined,
    windowId: 'mw-0123456789abcdef0',
    windowName: 'patch-window-am2',
    executionId: '2b0d6b3f-9a7c-4c1e-8d5e-0c9f6e4a1b2c',
    status: 'SUCCESS',
    startTime: new Date('2026-03-09T17:00:00Z'),
    endTime: new Date('2026-03-09T17:42:10Z'),
    tasks: [
      {
        taskExecutionId: 't-1',
        taskArn: 'AWS-RunPatchBaseline',
        operation: 'Scan',
        status: 'SUCCESS',
        statusDetails: undefined,
        failed: [],
      },
      {
        taskExecutionId: 't-2',
        taskArn: 'AWS-RunPatchBaseline',
        operation: 'Install',
        status: 'SUCCESS',
        statusDetails: undefined,
        failed: [
          { instanceId: id(7), name: 'db-prd-01', status: 'FAILED', statusDetails: 'Failed' },
          { instanceId: id(8), name: 'batch-prd-01', status: 'TIMED_OUT', statusDetails: 'Delivery Timed Out' },
        ],
      },
    ],
    groups: ['PRD'],
    ...overrides,
  };
}

describe('windowResultView', () => {
  const m = windowResultView(smallWindow());
  const text = readable(m);

  it('is within limits', () => expectWithinLimits(m));

  it('leads with window, status, start and duration', () => {
    expect(m.text).toBe('🛠 patch-window-am2 · ✅ SUCCESS · 42m 10s · 2 instances failed or timed out');
    expect((m.blocks[0] as { text: { text: string } }).text.text).toBe(
      '🛠 *patch-window-am2* · ✅ SUCCESS · started 17:00 UTC · 42m 10s\nPatched *PRD* · `mw-0123456789abcdef0` · prod · us-east-1',
    );
  });

  it('lists each task with its status, and the failed instances with SSM details', () => {
    expect(text).toContain(
      '*Tasks (2)*\n• *Scan* · ✅ SUCCESS\n• *Install* · ✅ SUCCESS · 2 instances failed or timed out',
    );
    expect(text).toContain(
      '*Install · failed or timed out (2)*\n• *db-prd-01* `i-00000000000000007` — FAILED · Failed\n• *batch-prd-01* `i-00000000000000008` — TIMED_OUT · Delivery Timed Out',
    );
    expect(text).toContain(
      'Execution `2b0d6b3f-9a7c-4c1e-8d5e-0c9f6e4a1b2c` · started 2026-03-09 17:00 UTC · ended 2026-03-09 17:42 UTC',
    );
    expect(m.thread).toBeUndefined();
  });

  it('shows why a window failed, with its emoji', () => {
    const f = windowResultView(
      smallWindow({
        status: 'FAILED',
        statusDetails: 'One or more tasks failed.',
        durationMs: 5 * 60_000,
        tasks: [
          {
            taskExecutionId: 't',
            taskArn: 'arn:aws:ssm:us-east-1::document/AWS-RunPatchBaseline',
            status: 'FAILED',
            statusDetails: 'Step timed out',
            failed: [],
          },
        ],
      }),
    );
    expectWithinLimits(f);
    const t = readable(f);
    expect(t).toContain('🛠 *patch-window-am2* · ❌ FAILED · started 17:00 UTC · 5m\nOne or more tasks failed.');
    expect(t).toContain('• *AWS-RunPatchBaseline* · ❌ FAILED — Step timed out');
  });

  it('escapes hostile window names, instance names and details', () => {
    const e = windowResultView(
      smallWindow({
        windowName: EVIL_NAME,
        groups: [EVIL_NAME],
        tasks: [
          {
            taskExecutionId: 't',
            taskArn: EVIL_NAME,
            status: EVIL_NAME,
            statusDetails: EVIL_NAME,
            failed: [{ instanceId: id(1), name: EVIL_NAME, status: EVIL_NAME, statusDetails: EVIL_NAME }],
          },
        ],
      }),
    );
    expectWithinLimits(e);
    expect(readable(e)).toContain('&lt;!channel&gt;');
  });

  it('keeps 5,000 failed instances within every limit, the rest in the thread', () => {
    const failed = Array.from({ length: 5_000 }, (_, i) => ({
      instanceId: id(i + 1),
      name: i === 0 ? EVIL_NAME : `web-prd-${i}`,
      status: i % 2 ? 'TIMED_OUT' : 'FAILED',
      statusDetails: i % 2 ? 'Execution Timed Out' : `Failed ${EVIL[i % EVIL.length]}`,
    }));
    const big = windowResultView(
      smallWindow({
        status: 'FAILED',
        tasks: [
          {
            taskExecutionId: 't-1',
            taskArn: 'AWS-RunPatchBaseline',
            operation: 'Scan',
            status: 'FAILED',
            statusDetails: undefined,
            failed: failed.slice(0, 1_000),
          },
          {
            taskExecutionId: 't-2',
            taskArn: 'AWS-RunPatchBaseline',
            operation: 'Install',
            status: 'FAILED',
            statusDetails: undefined,
            failed,
          },
        ],
      }),
    );
    expectWithinLimits(big);
    expect(measure(big)).toMatchObject({ blocks: 5, thread: 8 });
    expect(readable(big)).toContain('*Install · failed or timed out (5,000)*');
    expect(readable(big)).toContain('more (see the thread)');
    expect(big.thread?.length).toBeGreaterThan(0);
  });
});

function group(name: string, overrides: Partial<DigestGroup> = {}): DigestGroup {
  return {
    group: name,
    instances: 100,
    compliant: 92,
    nonCompliant: 8,
    rate: 0.92,
    missingBySeverity: { critical: 2, security: 5, other: 3 },
    changeSinceLast: { compliantDelta: 3, nonCompliantDelta: -3 },
    mostMissed: [
      { title: 'openssl: CVE-2026-0001', severity: 'Critical', instances: 2 },
      { title: 'kernel-6.1.80', severity: 'Important', instances: 5 },
      { title: 'curl-8.6', severity: 'Medium', instances: 4 },
      { title: 'never shown', severity: 'Low', instances: 1 },
    ],
    windowRuns: [{ windowName: 'patch-window-am2', status: 'SUCCESS', endTime: new Date(NOW.getTime() - 3 * HOUR) }],
    pendingApprovals: [
      {
        operationId: 'op-7k2m9q',
        kind: 'install',
        requestedBy: 'U0ALICE001',
        expiresAt: new Date(NOW.getTime() + 2 * HOUR),
      },
    ],
    staleScans: 3,
    unreachable: 1,
    ...overrides,
  };
}

function smallDigest(overrides: Partial<DigestData> = {}): DigestData {
  return {
    channel: 'C0PATCHING',
    generatedAt: NOW,
    since: new Date(NOW.getTime() - 24 * HOUR),
    groups: [
      group('PRD'),
      group('STG', {
        instances: 20,
        compliant: 20,
        rate: 1,
        missingBySeverity: { critical: 0, security: 0, other: 0 },
        changeSinceLast: { compliantDelta: 0, nonCompliantDelta: 0 },
        mostMissed: [],
        windowRuns: [],
        pendingApprovals: [],
        staleScans: 0,
        unreachable: 0,
      }),
    ],
    failures: [],
    ...overrides,
  };
}

describe('digestView, one channel with two groups', () => {
  const m = digestView(smallDigest(), NOW);
  const text = readable(m);

  it('is within limits', () => expectWithinLimits(m));

  it('leads with the overall figure', () => {
    expect(m.text).toBe('Daily patch digest: 2 groups · 93.3% compliant (112 of 120 instances) · 1 pending approval');
    expect(m.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Daily patch digest' } });
  });

  it('gives each group one compact section', () => {
    expect(text).toContain(
      [
        '*PRD* · 92.0% compliant (92 of 100) · ▲ 3 compliant · ▼ 3 non-compliant since the last digest',
        'Missing: Critical 2 · Security 5 · Other 3',
        'Most missed: Critical openssl: CVE-2026-0001 (2) · Important kernel-6.1.80 (5) · Medium curl-8.6 (4)',
        'Window runs: ✅ patch-window-am2 SUCCESS 3h ago',
        '⏳ Pending approval: `op-7k2m9q` install by <@U0ALICE001> (expires in 2h)',
        '⚠ 3 stale scans · 📡 1 unreachable agent',
      ].join('\n'),
    );
    expect(text).not.toContain('never shown');
    expect(text).toContain(
      '*STG* · 100.0% compliant (20 of 20) · no change since the last digest\nMissing: none\nWindow runs: _none since the last digest_\nScans fresh · agents reachable',
    );
    expect(text).toContain('Digest for <#C0PATCHING> · since 2026-03-09 12:00 UTC · generated 2026-03-10 12:00 UTC');
    expect(m.thread).toBeUndefined();
  });

  it('never rounds up to a rate not reached', () => {
    expect(percent(0.9999)).toBe('99.9%');
    expect(percent(1)).toBe('100.0%');
    expect(percent(0)).toBe('0.0%');
  });

  it('says so on a first digest and shows failures', () => {
    const first = digestView(
      smallDigest({
        since: undefined,
        groups: [group('PRD', { changeSinceLast: undefined })],
        failures: [{ group: 'PRD', scope: 'dr', region: 'ap-south-1', message: 'AccessDenied' }],
      }),
      NOW,
    );
    expectWithinLimits(first);
    expect(readable(first)).toContain('*PRD* · 92.0% compliant (92 of 100)\n');
    expect(readable(first)).toContain('first digest');
    expect(readable(first)).toContain('*dr · ap-south-1*: AccessDenied');
  });

  it('escapes hostile group names, titles, windows and requesters', () => {
    const e = digestView(
      smallDigest({
        channel: EVIL_NAME,
        groups: [
          group(EVIL_NAME, {
            mostMissed: [{ title: EVIL_NAME, severity: EVIL_NAME, instances: 1 }],
            windowRuns: [{ windowName: EVIL_NAME, status: EVIL_NAME, endTime: undefined }],
            pendingApprovals: [
              { operationId: EVIL_NAME, kind: EVIL_NAME, requestedBy: EVIL_NAME, expiresAt: undefined },
            ],
          }),
        ],
      }),
      NOW,
    );
    expectWithinLimits(e);
    expect(readable(e)).toContain('&lt;!channel&gt;');
  });
});

describe('digestView, 30 groups of 10,000 instances', () => {
  const evil = (i: number) => (i === 0 ? EVIL_NAME : undefined);
  const groups = Array.from({ length: 30 }, (_, i) =>
    group(evil(i) ?? `GROUP-${i}`, {
      instances: 10_000,
      compliant: 9_000 - i * 100,
      rate: (9_000 - i * 100) / 10_000,
      missingBySeverity: { critical: 10_000, security: 10_000, other: 10_000 },
      changeSinceLast: { compliantDelta: -1_234, nonCompliantDelta: 1_234 },
      mostMissed: Array.from({ length: 50 }, (_, j) => ({
        title:
          evil(j) ??
          `2026-03 Cumulative Update for Windows Server 2022 for x64-based Systems (KB50${j}) with a long title`,
        severity: 'Critical',
        instances: 9_999,
      })),
      windowRuns: Array.from({ length: 40 }, (_, j) => ({
        windowName: evil(j) ?? `patch-window-${j}-with-a-long-name`,
        status: j % 3 ? 'SUCCESS' : 'FAILED',
        endTime: new Date(NOW.getTime() - j * HOUR),
      })),
      pendingApprovals: Array.from({ length: 20 }, (_, j) => ({
        operationId: `op-${i}-${j}`,
        kind: 'install',
        requestedBy: 'U0ALICE001',
        expiresAt: new Date(NOW.getTime() + HOUR),
      })),
      staleScans: 2_000,
      unreachable: 3_000,
    }),
  );
  const m = digestView(
    smallDigest({
      groups,
      failures: Array.from({ length: 20 }, (_, i) => ({
        group: 'PRD',
        scope: `scope-${i}`,
        region: 'eu-west-1',
        message: `AccessDenied ${EVIL_NAME}`,
      })),
    }),
    NOW,
  );

  it('stays within every limit, thread included', () => {
    expectWithinLimits(m);
    expect(measure(m)).toMatchObject({ blocks: 7, thread: 5 });
    expect(m.blocks.length).toBeLessThanOrEqual(10);
  });

  it('shows each group as one line and every group in full in the thread', () => {
    const t = readable(m);
    expect(t).toContain(
      '• *GROUP-1* 89.0% (8,900/10,000) ▼1,234 · critical 10,000 · ❌ 14 window runs not successful · ⏳ 20 pending · ⚠ 2,000 stale · 📡 3,000 unreachable',
    );
    expect(t).toContain('_Each group in full is in the thread._');
    const thread = (m.thread ?? []).map(readable).join('\n');
    for (let i = 1; i < 30; i++) expect(thread).toContain(`*GROUP-${i}* · `);
    expect(thread).not.toContain('more not listed here');
  });
});
