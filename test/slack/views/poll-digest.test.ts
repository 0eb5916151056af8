/** The daily digest view, for one channel with two groups and for 30 groups of 10,000 instances. */
import { digestView, percent } from '../../../src/slack/views';
import type { DigestData, DigestGroup } from '../../../src/patching/poll/poll-results';
import { EVIL_NAME, HOUR, NOW, expectWithinLimits, measure, readable } from './fixtures';

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
