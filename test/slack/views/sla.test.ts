/** The patch SLA's sections: in status (capped, "…and N more") and the digest's line. */
import type { SlaBreach, SlaReport } from '../../../src/patching/sla';
import { slaDigestText, slaStatusSection } from '../../../src/slack/views/sla';
import { statusView } from '../../../src/slack/views/status';
import { EVIL_NAME, expectWithinLimits, readable, smallStatus } from './fixtures';

function breach(n: number, over: Partial<SlaBreach> = {}): SlaBreach {
  return {
    instanceId: `i-${String(n).padStart(17, '0')}`,
    name: `prd-web-${n}`,
    scope: 'default',
    region: 'us-east-1',
    severity: 'Critical',
    since: '2026-03-02',
    days: 8,
    slaDays: 7,
    ...over,
  };
}

const report = (breaches: SlaBreach[]): SlaReport => ({
  group: 'PRD',
  day: '2026-03-10',
  slaDays: { critical: 7, important: 30 },
  breaches,
});

describe('SLA in status', () => {
  it('adds nothing when no instance is past the SLA, or the history was not read', () => {
    expect(slaStatusSection(undefined)).toBeUndefined();
    expect(slaStatusSection(report([]))).toBeUndefined();
    expect(readable(statusView(smallStatus()))).not.toContain('patch SLA');
  });

  it('names each instance with its severity, days and SLA, escaping names', () => {
    const m = statusView(
      smallStatus({
        sla: report([
          breach(3),
          breach(3, { severity: 'Important', days: 40, slaDays: 30, since: '2026-01-29' }),
          breach(4, { name: EVIL_NAME }),
        ]),
      }),
    );
    const text = readable(m);
    expect(text).toContain('Past the patch SLA (2 instances)');
    expect(text).toContain('— Critical within 7 days, Important within 30 days');
    expect(text).toMatch(/prd-web-3\* `i-0+3` — Critical missing 8 days \(since 2026-03-02, SLA 7 days\)/);
    expect(text).toContain('Important missing 40 days (since 2026-01-29, SLA 30 days)');
    expect(text).not.toContain('<!channel>');
    expectWithinLimits(m);
  });

  it('caps a long list with "…and N more"', () => {
    const m = statusView(smallStatus({ sla: report(Array.from({ length: 500 }, (_, i) => breach(i))) }));
    expect(readable(m)).toMatch(/Past the patch SLA \(500 instances\)[\s\S]*…and 49\d more/);
    expectWithinLimits(m);
  });
});

describe('SLA in the digest', () => {
  it('says how many instances, names the most overdue three and counts the rest', () => {
    expect(slaDigestText(undefined)).toBe('');
    expect(slaDigestText({ instances: 0, total: 0, breaches: [] })).toBe('');
    expect(slaDigestText({ instances: 1, total: 1, breaches: [breach(3)] })).toBe(
      '⏰ Past the patch SLA: 1 instance (prd-web-3 Critical 8 days)',
    );
    const many = Array.from({ length: 10 }, (_, i) => breach(i));
    expect(slaDigestText({ instances: 40, total: 42, breaches: many })).toBe(
      '⏰ Past the patch SLA: 40 instances (prd-web-0 Critical 8 days, prd-web-1 Critical 8 days, prd-web-2 Critical 8 days, …and 39 more)',
    );
  });
});
