/** `/patch status`: what a person reads for a small fleet, and Slack's limits for a 10,000-instance one. */
import { statusView } from '../../../src/slack/views/status';
import {
  EVIL_NAME,
  HOUR,
  NOW,
  expectWithinLimits,
  hugeStatus,
  measure,
  nonCompliant,
  readable,
  smallStatus,
} from './fixtures';

describe('statusView, small fleet', () => {
  const m = statusView(smallStatus());
  const text = readable(m);

  it('is within limits', () => expectWithinLimits(m));

  it('leads with the verdict', () => {
    expect(m.text).toBe(
      '⚠️ PRD: 3 non-compliant of 12 instances · 2 with critical patches missing · 1 unreachable (1 stopped)',
    );
    expect((m.blocks[0] as { type: string }).type).toBe('header');
    expect(text).toContain('PRD compliance');
    expect(text).toContain('3 non-compliant');
  });

  it('shows the counts and missing patches by severity', () => {
    for (const label of [
      '*Compliant*\n8',
      '*Non-compliant*\n3',
      '*Pending reboot*\n1',
      '*Failed patches*\n0',
      '*Unreachable*\n1 (1 stopped)',
      '*Never scanned*\n0',
    ]) {
      expect(text).toContain(label);
    }
    expect(text).toContain('Critical 2 · Security 3 · Other 1');
  });

  it('names the non-compliant instances worst first, with what they miss', () => {
    expect(text).toContain('• *web-prd-01* `i-00000000000000001` — 12 missing patches (3 critical, 5 security)');
    expect(text.indexOf('web-prd-01')).toBeLessThan(text.indexOf('db-prd-01'));
    expect(text).toContain('*db-prd-01* `i-00000000000000003` — 2 missing patches');
  });

  it('calls out the unreachable instance and why', () => {
    expect(text).toContain('*Unreachable (1)*');
    expect(text).toContain('*batch-prd-01* `i-00000000000000004` — EC2 stopped · last ping 2d 2h ago');
  });

  it('flags stale scans with ⚠ and says how to refresh', () => {
    expect(text).toContain('⚠ Last scans: newest 2h 5m ago, oldest 1d 6h ago (limit 1d)');
    expect(text).toContain('⚠ *1 instance not scanned within 1d* — `/patch scan PRD` refreshes them');
    expect(text).toContain('*web-prd-05* `i-00000000000000005` — last scan 1d 6h ago');
  });

  it('has no thread when everything fits, and a generated-at footer', () => {
    expect(m.thread).toBeUndefined();
    expect(text).toContain('Generated 2026-03-10 12:00 UTC');
  });

  it('is quiet when all is well', () => {
    const ok = statusView(
      smallStatus({
        counts: {
          instances: 12,
          compliant: 12,
          nonCompliant: 0,
          pendingReboot: 0,
          failed: 0,
          unreachable: 0,
          stopped: 0,
          neverScanned: 0,
        },
        missingBySeverity: { critical: 0, security: 0, other: 0 },
        nonCompliant: [],
        unreachable: [],
        stale: [],
        scanAge: {
          oldest: new Date(NOW.getTime() - 3 * HOUR),
          newest: new Date(NOW.getTime() - HOUR),
          maxAgeMs: 24 * HOUR,
        },
      }),
    );
    expectWithinLimits(ok);
    expect(ok.text).toBe('✅ PRD: All 12 instances compliant');
    expect(readable(ok)).not.toContain('⚠');
    expect(readable(ok)).toContain('🕑 Last scans: newest 1h ago, oldest 3h ago (limit 1d)');
  });

  it('says when there are no scan results and when nothing could be read', () => {
    const none = statusView(smallStatus({ scanAge: { oldest: undefined, newest: undefined, maxAgeMs: 24 * HOUR } }));
    expect(readable(none)).toContain('⚠ *No scan results yet.* Run `/patch scan PRD` to get them.');
    const failed = statusView(
      smallStatus({
        counts: {
          instances: 0,
          compliant: 0,
          nonCompliant: 0,
          pendingReboot: 0,
          failed: 0,
          unreachable: 0,
          stopped: 0,
          neverScanned: 0,
        },
        nonCompliant: [],
        unreachable: [],
        stale: [],
        failures: [
          {
            scope: 'prod',
            region: 'us-east-1',
            message: 'AccessDenied: grant ssm:DescribeInstancePatchStates to the patchbot role.',
          },
        ],
      }),
    );
    expectWithinLimits(failed);
    expect(failed.text).toBe('❌ PRD: No instances could be read');
    expect(readable(failed)).toContain(
      '*prod · us-east-1*: AccessDenied: grant ssm:DescribeInstancePatchStates to the patchbot role.',
    );
    expect(readable(failed)).toContain('so it is not counted above');
  });

  it('adds per-scope lines when the group spans scopes', () => {
    const two = statusView(
      smallStatus({
        scopes: [
          { scope: 'prod', region: 'us-east-1', instances: 10 },
          { scope: 'prod-eu', region: 'eu-west-1', instances: 2 },
        ],
      }),
    );
    expect(readable(two)).toContain('• prod-eu · eu-west-1 — 2 instances');
    expect(readable(two)).toContain('`i-00000000000000001` · prod · us-east-1');
  });

  it('escapes hostile Name tags', () => {
    const evil = statusView(smallStatus({ nonCompliant: [nonCompliant(1, EVIL_NAME)] }));
    expectWithinLimits(evil);
    const json = JSON.stringify(evil);
    expect(json).not.toContain('<@U0ALICE001>');
    expect(json).not.toContain('<!channel>');
    expect(readable(evil)).toContain('&lt;!channel&gt; &lt;@U0ALICE001&gt; &lt;https://evil.example|click me&gt;');
  });
});

describe('statusView, 10,000 instances', () => {
  const status = hugeStatus();
  const m = statusView(status);

  it('stays within every limit, thread included', () => {
    expectWithinLimits(m);
    const size = measure(m);
    expect(size.blocks).toBeLessThanOrEqual(20);
    expect(size.chars).toBeLessThan(8_000);
  });

  it('says "…and N more" with the right N for each capped list', () => {
    const sections = (m.blocks as Array<{ type: string; text?: { text: string } }>).map((b) => b.text?.text ?? '');
    const more = (title: string, item: RegExp, total: number) => {
      const body = sections.find((t) => t.includes(title)) ?? '';
      const shown = body.split('\n').filter((l) => item.test(l)).length;
      expect(shown).toBeGreaterThan(0);
      expect(body).toContain(`…and ${(total - shown).toLocaleString('en-US')} more (see the thread)`);
    };
    more('*Non-compliant, worst first (10,000)*', /^• .* — 12 missing patches/, 10_000);
    more('*Unreachable (3,000)*', /^• .* — (EC2 stopped|not managed by SSM)/, 3_000);
    more('*2,000 instances not scanned within 1d*', /^• .* — (last scan|never scanned)/, 2_000);
  });

  it('puts the detail in the thread, in order, and says what it left out', () => {
    const thread = m.thread ?? [];
    expect(thread.length).toBeGreaterThan(0);
    const first = readable(thread[0]!);
    expect(first).toContain('*PRD · non-compliant instances, worst first* · 1–');
    expect(first).toContain('of 10,000');
    const all = thread.map(readable).join('\n');
    expect(all).toMatch(/…and [\d,]+ more not listed here\. Patch Manager → Compliance reporting/);
    expect(all).toContain('*PRD · unreachable instances* · 1–');
    expect(all).toContain('*PRD · instances not scanned within 1d* · 1–');
  });

  it('escapes the hostile name and failure message everywhere', () => {
    const json = JSON.stringify(m);
    expect(json).not.toContain('<@U0ALICE001>');
    expect(json).toContain('&lt;!channel&gt;');
  });
});
