import { SlackFirst } from '../../src/shared/slack-first';
import { TurnBudget } from '../../src/shared/turn-budget';

/**
 * Slices that say when they ran, and a marker queued with setImmediate right after them: the marker
 * runs at the end of the turn the first slices ran in, so where it falls shows where a turn ended.
 */
function traced(turns: TurnBudget, clock: { t: number }, count: number, msEach: number) {
  const events: string[] = [];
  const slices = Array.from({ length: count }, (_, i) =>
    turns.run(() => {
      clock.t += msEach;
      events.push(`s${i + 1}`);
      return i + 1;
    }),
  );
  setImmediate(() => events.push('turn ended'));
  return { events, slices: Promise.all(slices) };
}

describe('TurnBudget', () => {
  it('runs each slice in a later turn, in order, and resolves with what it returned', async () => {
    const turns = new TurnBudget();
    let ran = false;
    const result = turns.run(() => {
      ran = true;
      return 'done';
    });
    expect(ran).toBe(false);
    expect(turns.waiting).toBe(1);
    await expect(result).resolves.toBe('done');
    expect(turns.waiting).toBe(0);
  });

  it('rejects with what a slice throws, and runs the slices after it', async () => {
    const turns = new TurnBudget();
    const failed = turns.run(() => {
      throw new Error('bad page');
    });
    const next = turns.run(() => 2);
    await expect(failed).rejects.toThrow('bad page');
    await expect(next).resolves.toBe(2);
  });

  it('runs slices for its budget in a turn, then leaves the rest for the next turns', async () => {
    const clock = { t: 0 };
    const turns = new TurnBudget({ budgetMs: 8, now: () => clock.t });
    const { events, slices } = traced(turns, clock, 6, 3);
    await expect(slices).resolves.toEqual([1, 2, 3, 4, 5, 6]);
    // 3 + 3 + 3 ms reach the budget of 8: the turn ends after the third slice.
    expect(events).toEqual(['s1', 's2', 's3', 'turn ended', 's4', 's5', 's6']);
  });

  it('runs one slice a turn while a Slack request awaits its acknowledgement', async () => {
    const slackFirst = new SlackFirst(1000);
    const acknowledged = slackFirst.arrived();
    const clock = { t: 0 };
    const turns = new TurnBudget({ budgetMs: 8, slackFirst, now: () => clock.t });
    const { events, slices } = traced(turns, clock, 3, 0);
    await slices;
    expect(events).toEqual(['s1', 'turn ended', 's2', 's3']);
    acknowledged();
  });

  it('ends the turn at a `turn()`, whose work runs after it unmeasured', async () => {
    const turns = new TurnBudget({ budgetMs: 1000, now: () => 0 });
    const events: string[] = [];
    const waited = turns.turn().then(() => events.push('turn'));
    const after = turns.run(() => events.push('s1'));
    setImmediate(() => events.push('turn ended'));
    await Promise.all([waited, after]);
    expect(events).toEqual(['turn', 'turn ended', 's1']);
  });

  it('refuses a negative budget', () => {
    expect(() => new TurnBudget({ budgetMs: -1 })).toThrow(RangeError);
  });
});
