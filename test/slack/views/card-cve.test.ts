/** CVE ids on the pending card (the first few per patch, then "+N") and every one of them in the plan thread. */
import { operationView } from '../../../src/slack/views/operation';
import { CARD_CVE_IDS, worstFirst } from '../../../src/slack/views/patches';
import type { PlannedPatch } from '../../../src/patching/plan-parts';
import { EVIL_NAME, NOW, changeReport, expectWithinLimits, hugePlan, planned, readable, smallPlan } from './fixtures';

const ids = (n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => `CVE-2026-${String(from + i).padStart(5, '0')}`);
const withCves = (p: PlannedPatch, cveIds: string[]): PlannedPatch => ({ ...p, cveIds });
const threadText = (m: ReturnType<typeof operationView>) => (m.thread ?? []).map(readable).join('\n');

describe('CVE ids on the pending card', () => {
  const plan = smallPlan({
    patches: [
      withCves(planned(1, 'Critical', 3, 'openssl'), ids(5)),
      withCves(planned(2, 'Important', 2, 'glibc'), ids(1, 100)),
      planned(3, 'Medium', 1, 'curl'),
    ],
  });
  const m = operationView(changeReport(plan), NOW);
  const card = readable({ ...m, thread: undefined } as typeof m);

  it('shows up to three ids per patch on its line, then how many more', () => {
    expectWithinLimits(m);
    expect(CARD_CVE_IDS).toBe(3);
    expect(card).toContain(
      '`ALAS-2026-1001` openssl — 3 instances · CVE-2026-00001, CVE-2026-00002, CVE-2026-00003 +2',
    );
    expect(card).not.toContain('CVE-2026-00004');
    expect(card).toContain('`ALAS-2026-1002` glibc — 2 instances · CVE-2026-00100');
    expect(card).toMatch(/curl — 1 instance$/m);
  });

  it('lists every id of a patch in the plan thread when the card left some out', () => {
    const thread = threadText(m);
    expect(thread).toContain('patches to install, worst first');
    for (const id of ids(5)) expect(thread).toContain(id);
    expect(thread).toContain('CVE-2026-00100');
  });

  it('posts no patch thread when the card shows every patch and every id', () => {
    const small = smallPlan({ patches: [withCves(planned(1, 'Critical', 3, 'openssl'), ids(3))] });
    const v = operationView(changeReport(small), NOW);
    expect(readable(v)).toContain('CVE-2026-00001, CVE-2026-00002, CVE-2026-00003');
    expect(threadText(v)).not.toContain('patches to install');
  });

  it('escapes ids as text from AWS', () => {
    const evil = smallPlan({ patches: [withCves(planned(1, 'Critical', 3, 'openssl'), [EVIL_NAME])] });
    const text = readable(operationView(changeReport(evil), NOW));
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt;');
  });
});

describe('CVE ids on a huge plan', () => {
  // 800 patches, each with 40 ids, and the first the thread lists a Windows-style rollup with 400.
  const plan = hugePlan();
  const rollup = worstFirst(plan.patches, (p) => p.instances)[0]!;
  plan.patches = plan.patches.map((p, i) => withCves(p, p === rollup ? ids(400, 900_000) : ids(40, i * 1000)));
  const m = operationView(changeReport(plan), NOW);

  it('stays within every limit, thread included', () => {
    expectWithinLimits(m);
  });

  it('the thread names the rollup with as many ids as its line holds and counts the rest', () => {
    const thread = threadText(m);
    const line = thread.split('\n').find((l) => l.includes('CVE-2026-900000')) ?? '';
    const shown = line.match(/CVE-2026-9\d{5}/g) ?? [];
    expect(shown.length).toBeGreaterThan(100);
    expect(line).toMatch(new RegExp(`CVE-2026-\\d+ \\+${400 - shown.length}$`));
  });
});
