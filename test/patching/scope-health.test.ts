/** Failing scopes are news when they start failing and when they answer again, not on every poll. */
import { ScopeHealth } from '../../src/patching/poll';

const denied = (scope: string, region = 'us-east-1') => ({ scope, region, message: `AccessDenied in ${scope}` });

describe('ScopeHealth', () => {
  it('reports a failure once, then its recovery once', () => {
    const h = new ScopeHealth();
    const first = h.compare('PRD', [denied('b')]);
    expect(ScopeHealth.changed(first)).toBe(true);
    expect(first.started).toEqual([denied('b')]);
    h.record('PRD', [denied('b')]);

    const again = h.compare('PRD', [{ ...denied('b'), message: 'Throttled this time' }]);
    expect(ScopeHealth.changed(again)).toBe(false);
    h.record('PRD', [denied('b')]);

    const back = h.compare('PRD', []);
    expect(back).toMatchObject({ started: [], recovered: [{ scope: 'b', region: 'us-east-1' }], failing: [] });
    h.record('PRD', []);
    expect(ScopeHealth.changed(h.compare('PRD', []))).toBe(false);
  });

  it('keeps groups and regions apart, and repeats nothing it has not recorded', () => {
    const h = new ScopeHealth();
    h.record('PRD', [denied('b', 'us-east-1')]);
    expect(h.compare('STG', [denied('b', 'us-east-1')]).started).toHaveLength(1);
    const moved = h.compare('PRD', [denied('b', 'eu-west-1'), denied('b', 'eu-west-1')]);
    expect(moved.started).toEqual([denied('b', 'eu-west-1')]);
    expect(moved.recovered).toEqual([{ scope: 'b', region: 'us-east-1' }]);
    // Not recorded (the post failed): the same change comes back.
    expect(h.compare('PRD', [denied('b', 'eu-west-1')]).started).toHaveLength(1);
  });
});
