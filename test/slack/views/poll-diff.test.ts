/** The compliance diff view, for a small change and for 10,000 instances changed in every way. */
import { complianceDiffView } from '../../../src/slack/views';
import type { ComplianceDiff } from '../../../src/patching/poll/poll-results';
import { EVIL, EVIL_NAME, NOW, expectWithinLimits, measure, readable } from './fixtures';
import { line } from './poll-helpers';

const OPENSSL = { title: 'openssl: CVE-2026-0001', severity: 'Critical', classification: 'Security' };
const KERNEL = { title: 'kernel-6.1.80 (ALAS-2026-1001)', severity: 'Important', classification: 'Security' };

function smallDiff(overrides: Partial<ComplianceDiff> = {}): ComplianceDiff {
  return {
    group: 'PRD',
    generatedAt: NOW,
    scopes: [{ scope: 'prod', region: 'us-east-1' }],
    cost: { scopes: 1, instances: 0, patchStates: 0, patchListsFetched: 0, scopesUnchanged: 0 },
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
    cost: { scopes: 1, instances: 0, patchStates: 0, patchListsFetched: 0, scopesUnchanged: 0 },
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
