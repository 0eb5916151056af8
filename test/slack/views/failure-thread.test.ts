import type { FailedInstance, FailureDetail } from '../../../src/patching/failure-record';
import { MESSAGE_TEXT_BUDGET, blocksTextLength, limitProblems } from '../../../src/slack/limits';
import { codeBlock, failureReason, failureThreadView } from '../../../src/slack/views/failure-thread';

const failed = (i: number, extra: Partial<FailedInstance> = {}): FailedInstance => ({
  instanceId: `i-${String(i).padStart(17, '0')}`,
  name: `prd-web-${i}`,
  scope: 'default',
  region: 'us-east-1',
  commandId: 'cmd-1',
  status: 'Failed',
  statusDetails: 'Failed',
  responseCode: 1,
  output: [`Installing kernel on web-${i}`, `Error: Package: kernel-${i} requires dracut`],
  errors: ['failed to run commands: exit status 1'],
  ...extra,
});

const text = (parts: ReturnType<typeof failureThreadView>) => parts.map((p) => JSON.stringify(p.blocks)).join('\n');

describe('failureThreadView', () => {
  it('summarises by reason first, then shows each instance with its exit code, output and link', () => {
    const detail: FailureDetail = {
      state: 'read',
      attempts: 0,
      instances: [
        failed(1, { outputUrl: 'https://s3.amazonaws.com/out/p/cmd-1/i-1/stdout' }),
        failed(2),
        failed(3, { status: 'TimedOut', statusDetails: 'Execution Timed Out', responseCode: -1, output: [] }),
      ],
      more: [],
    };
    const parts = failureThreadView('the install of PRD', detail);
    // Summary, then two instances per reply.
    expect(parts).toHaveLength(3);
    const summary = JSON.stringify(parts[0]!.blocks);
    expect(summary).toContain('3 instances failed in the install of PRD');
    expect(summary).toMatch(/Failed · exit code 1 — 2: \*prd-web-1\*/);
    expect(summary).toContain('TimedOut (Execution Timed Out) — 1');
    const all = text(parts);
    expect(all).toContain('```\\nInstalling kernel on web-1\\nError: Package: kernel-1 requires dracut\\n```');
    expect(all).toContain('<https://s3.amazonaws.com/out/p/cmd-1/i-1/stdout|Full output in S3>');
    expect(all).toContain('SSM kept no output for it');
    for (const p of parts) expect(limitProblems(p.blocks)).toEqual([]);
  });

  it('escapes what the output says: no mention, link or early end of the code block', () => {
    const detail: FailureDetail = {
      state: 'read',
      attempts: 0,
      instances: [failed(1, { output: ['<!channel> see <https://evil|here> ```done``` & more'] })],
      more: [],
    };
    const all = text(failureThreadView('the install of PRD', detail));
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<https://evil');
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).toContain('&amp; more');
    // Only our own fences remain.
    expect(all.match(/```/g)).toHaveLength(4);
  });

  it('stays inside Slack’s limits with long output, and names the failed instances beyond the detail', () => {
    const long = Array.from({ length: 15 }, (_, i) => `${i} ${'x'.repeat(199)}`);
    const detail: FailureDetail = {
      state: 'read',
      attempts: 0,
      instances: Array.from({ length: 10 }, (_, i) => failed(i, { output: long, errors: long.slice(0, 5) })),
      more: Array.from({ length: 25 }, (_, i) => failed(100 + i)),
    };
    const parts = failureThreadView('the reboot of PRD', detail);
    expect(parts).toHaveLength(1 + 5 + 1);
    for (const p of parts) {
      expect(limitProblems(p.blocks)).toEqual([]);
      expect(blocksTextLength(p.blocks)).toBeLessThanOrEqual(MESSAGE_TEXT_BUDGET);
    }
    expect(JSON.stringify(parts[0]!.blocks)).toContain('35 instances failed in the reboot of PRD');
    const last = JSON.stringify(parts.at(-1)!.blocks);
    expect(last).toContain('25 more');
    expect(last).toContain('prd-web-100');
    // The end of the output wins when it has to be cut.
    expect(text(parts)).toContain(`14 ${'x'.repeat(199)}`);
    expect(text(parts)).toMatch(/earlier lines? left out/);
  });
});

describe('failureReason and codeBlock', () => {
  it('words the reason as SSM reports it', () => {
    expect(failureReason(failed(1))).toBe('Failed · exit code 1');
    expect(
      failureReason(failed(1, { status: 'TimedOut', statusDetails: 'Execution Timed Out', responseCode: -1 })),
    ).toBe('TimedOut (Execution Timed Out)');
  });

  it('keeps the last lines that fit', () => {
    expect(codeBlock(['a', 'b', 'c'], 13)).toBe('_…1 earlier line left out_\n```\nb\nc\n```');
  });
});
