/** The maintenance window result view. */
import { windowResultView } from '../../../src/slack/views';
import type { WindowResult } from '../../../src/patching/poll/poll-results';
import { EVIL, EVIL_NAME, expectWithinLimits, measure, readable } from './fixtures';
import { id } from './poll-helpers';

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
