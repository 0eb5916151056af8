import { ManualClock } from '../../src/clock';
import { UpdateBudget, progressSignature } from '../../src/patching/update-budget';
import type { OperationReport } from '../../src/patching';

describe('UpdateBudget', () => {
  it('keeps updateIntervalMs while few operations run', () => {
    const budget = new UpdateBudget(5000, 40);
    budget.setRunning(3);
    expect(budget.intervalMs()).toBe(5000);
  });

  it('stretches the interval so that all running operations together stay within updatesPerMinute', () => {
    const budget = new UpdateBudget(5000, 40);
    budget.setRunning(10);
    // 10 operations × 60 s / 40 updates = 15 s each.
    expect(budget.intervalMs()).toBe(15_000);
    budget.setRunning(1);
    expect(budget.intervalMs()).toBe(5000);
  });

  it('allows the first update at once and the next one only after the interval, on the clock', () => {
    const clock = new ManualClock();
    const budget = new UpdateBudget(5000, 40);
    budget.setRunning(20); // 30 s each
    expect(budget.allows(undefined, clock.now().getTime())).toBe(true);
    const last = clock.now().getTime();
    clock.advance(29_999);
    expect(budget.allows(last, clock.now().getTime())).toBe(false);
    clock.advance(1);
    expect(budget.allows(last, clock.now().getTime())).toBe(true);
  });
});

describe('progressSignature', () => {
  const report = {
    total: 4,
    finished: 1,
    succeeded: 1,
    failed: 0,
    unreachable: [],
    notice: undefined,
  } as unknown as OperationReport;

  it('changes with the counts and the notice, and only with what an update shows', () => {
    expect(progressSignature(report)).toBe(progressSignature({ ...report, outcomes: [] }));
    expect(progressSignature({ ...report, finished: 2 })).not.toBe(progressSignature(report));
    expect(progressSignature({ ...report, notice: 'cannot check' })).not.toBe(progressSignature(report));
  });
});
