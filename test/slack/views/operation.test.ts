/** The scan message: progress while running, the outcome when finished, and limits for 10,000 instances. */
import { operationView } from '../../../src/slack/views/operation';
import { EVIL_NAME, expectWithinLimits, hugeReport, measure, outcome, patch, readable, smallReport } from './fixtures';

describe('operationView while running', () => {
  const report = smallReport({
    status: 'running',
    finishedAt: undefined,
    finished: 7,
    succeeded: 6,
    failed: 1,
    unreachable: [],
    newlyMissing: [],
    missingBySeverity: undefined,
  });
  const m = operationView({
    ...report,
    outcomes: report.outcomes.slice(0, 6).concat(outcome(10, 'Failed', 'Failed', 'db-prd-01')),
  });
  const text = readable(m);

  it('says who started what on how many instances, and the progress', () => {
    expectWithinLimits(m);
    expect(text).toContain('Scan of PRD started by <@U0ALICE001>* · 12 instances');
    expect(text).toContain('58% · 7 of 12 finished · 6 succeeded · 1 failed');
    expect(text).toContain('*Failed so far (1)*\n• *db-prd-01* `i-0000000000000000a` — Failed');
    expect(m.text).toBe('🔄 Scan of PRD is running · 7/12 finished');
    expect(m.thread).toBeUndefined();
  });

  it("shows the tracker's notice, escaped", () => {
    const v = operationView({
      ...report,
      notice: 'patchbot cannot check on this operation right now (<!channel> SSM throttled). It keeps trying.',
    });
    expectWithinLimits(v);
    expect(readable(v)).toContain(
      '⚠️ patchbot cannot check on this operation right now (&lt;!channel&gt; SSM throttled). It keeps trying.',
    );
  });

  it('copes with a target count not known yet', () => {
    const early = operationView({
      ...report,
      status: 'sending',
      total: 0,
      finished: 0,
      succeeded: 0,
      failed: 0,
      outcomes: [],
    });
    expectWithinLimits(early);
    expect(readable(early)).toContain('finding instances…');
  });
});

describe('operationView when finished, small fleet', () => {
  const m = operationView(smallReport());
  const text = readable(m);

  it('leads with the outcome and the counts', () => {
    expectWithinLimits(m);
    expect(m.text).toBe('⚠️ Scan of PRD finished with problems: 12 instances · 9 succeeded · 1 failed · 2 unreachable');
    expect(text).toContain(
      'Started by <@U0ALICE001> · 12 instances · 9 succeeded · 1 failed · 2 unreachable · took 4m 12s',
    );
    expect(text).toContain(
      '*SSM status*\nSuccess 9\nFailed 1\nFailed (Undeliverable) 1\nTimedOut (Delivery Timed Out) 1',
    );
    expect(text).toContain('*Instances missing patches*\nCritical 2 · Security 3 · Other 1');
  });

  it('names the failed and the unreachable instances with SSM status details', () => {
    expect(text).toContain('*Failed (1)*\n• *db-prd-01* `i-0000000000000000a` — Failed');
    expect(text).toContain(
      '*Unreachable (2)* — the SSM agent could not be reached, or the instance was not running:\n• *batch-prd-01* `i-0000000000000000b` — Failed (Undeliverable)\n• *batch-prd-02* `i-0000000000000000c` — TimedOut (Delivery Timed Out)',
    );
  });

  it('names a stopped instance as stopped, not only as an agent that could not be reached', () => {
    const r = smallReport();
    const stopped = r.unreachable.map((o, i) => (i === 0 ? { ...o, ec2State: 'stopped' } : o));
    expect(readable(operationView({ ...r, unreachable: stopped }))).toContain(
      '• *batch-prd-01* `i-0000000000000000b` — stopped · Failed (Undeliverable)',
    );
  });

  it('lists newly missing patches worst first with instance counts', () => {
    expect(text).toContain(
      '*🆕 Newly missing since the previous scan (2 patches)*\n• Critical · Security · `ALAS-2026-1002` openssl: CVE-2026-0001 — 2 instances\n• Important',
    );
  });

  it('puts every instance in one thread reply, trouble first', () => {
    expect(m.thread).toHaveLength(1);
    const lines = readable(m.thread![0]!)
      .split('\n')
      .filter((l) => l.startsWith('• '));
    expect(lines).toHaveLength(12);
    expect(lines[0]).toContain('db-prd-01');
    expect(lines[1]).toContain('batch-prd-01');
    expect(lines.at(-1)).toContain('Success');
  });

  it('says ✅ when nothing went wrong, and that nothing is newly missing', () => {
    const clean = smallReport();
    const ok = operationView({
      ...clean,
      failed: 0,
      unreachable: [],
      outcomes: clean.outcomes.slice(0, 9),
      total: 9,
      newlyMissing: [],
    });
    expectWithinLimits(ok);
    expect(ok.text.startsWith('✅ Scan of PRD succeeded')).toBe(true);
    expect(readable(ok)).toContain('Newly missing since the previous scan: nothing.');
  });

  it.each([
    ['failed', '❌ Scan of PRD failed'],
    ['succeeded', '⚠️ Scan of PRD finished with problems'],
    ['cancelled', '⏹️ Scan of PRD was cancelled'],
  ] as const)('reads %s', (status, head) => {
    const v = operationView(smallReport({ status }));
    expectWithinLimits(v);
    expect(readable(v)).toContain(head);
  });

  it('reads as an install for kind install (the hook issue 4 extends)', () => {
    const v = operationView(smallReport({ kind: 'install' }));
    expectWithinLimits(v);
    expect(v.text.startsWith('⚠️ Install of PRD finished with problems')).toBe(true);
    expect(readable(v)).toContain('*Still missing after the install*');
  });

  it('escapes hostile names, status details and patch titles', () => {
    const evil = operationView(
      smallReport({
        outcomes: [outcome(1, 'Failed', EVIL_NAME, EVIL_NAME)],
        newlyMissing: [patch(1, EVIL_NAME, 1, EVIL_NAME)],
        requestedBy: '<!channel>',
      }),
    );
    expectWithinLimits(evil);
    const json = JSON.stringify(evil);
    expect(json).not.toContain('<@U0ALICE001>');
    expect(json).not.toMatch(/<[!@#h]/);
  });
});

describe('operationView, 10,000 instances', () => {
  const m = operationView(hugeReport());
  const text = readable(m);

  it('stays within every limit, thread included', () => {
    expectWithinLimits(m);
    const size = measure(m);
    expect(size.blocks).toBeLessThanOrEqual(20);
    expect(size.chars).toBeLessThan(8_000);
  });

  it('says "…and N more" with the right N', () => {
    const sections = (m.blocks as Array<{ text?: { text: string } }>).map((b) => b.text?.text ?? '');
    const check = (title: string, total: number) => {
      const body = sections.find((t) => t.includes(title)) ?? '';
      const shown = body.split('\n').filter((l) => l.startsWith('• ')).length;
      expect(shown).toBeGreaterThan(0);
      expect(body).toContain(`…and ${(total - shown).toLocaleString('en-US')} more (see the thread)`);
    };
    check('*Failed (500)*', 500);
    check('*Unreachable (3,000)*', 3_000);
    check('Newly missing since the previous scan (500 patches)', 500);
  });

  it('sorts newly missing patches worst first', () => {
    const first = text.split('\n').find((l) => l.includes('ALAS-2026-'));
    expect(first).toMatch(/^• Critical/);
  });

  it('puts the per-instance table and the full patch list in the thread', () => {
    const replies = (m.thread ?? []).map(readable);
    expect(replies[0]).toContain('*PRD · scan result per instance* · 1–');
    expect(replies.join('\n')).toMatch(/…and [\d,]+ more not listed here\. Run Command/);
    expect(replies.some((r) => r.includes('*PRD · newly missing since the previous scan* · 1–'))).toBe(true);
  });
});

describe('an operation that never ran', () => {
  it("says why in the notification text instead of '0 instances'", () => {
    const m = operationView({
      operationId: 'op-abc123',
      kind: 'scan',
      group: 'PRD',
      status: 'failed',
      requestedBy: 'U0ALICE001',
      startedAt: new Date('2026-03-10T12:00:00Z'),
      finishedAt: new Date('2026-03-10T12:00:01Z'),
      total: 0,
      finished: 0,
      succeeded: 0,
      failed: 0,
      unreachable: [],
      outcomes: [],
      missingBySeverity: undefined,
      newlyMissing: [],
      failures: [
        {
          scope: 'prod',
          region: 'us-east-1',
          message: 'AWS denied ssm:SendCommand in scope prod (us-east-1). Grant the IAM action `ssm:SendCommand`.',
        },
      ],
    });
    expect(m.text).toContain('AWS denied ssm:SendCommand');
    expect(m.text).not.toContain('0 instances');
  });
});

describe('an operation that ended before anything was reported', () => {
  it('says why in its notification, never "0 instances"', () => {
    const why =
      'patchbot stopped while sending this reboot, so some instances of PRD may or may not have been rebooted.';
    const m = operationView(
      smallReport({
        kind: 'reboot',
        status: 'failed',
        total: 0,
        finished: 0,
        succeeded: 0,
        failed: 0,
        unreachable: [],
        outcomes: [],
        failures: [],
        notice: why,
        sentAt: new Date(),
      }),
    );
    expect(m.text).toContain('Reboot of PRD failed: patchbot stopped while sending this reboot');
    expect(m.text).not.toContain('0 instances');
  });
});
