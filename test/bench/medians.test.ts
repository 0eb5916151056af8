import { medianRound, type AckFigures, type AckRound } from '../../scripts/bench/ack';
import { medianRows, type FleetRow } from '../../scripts/bench/fleet';

const loop = { cpuMs: 0, loopDelayP99: 0, loopDelayMax: 0, gcPauseMax: 0, fullGcs: 0, fullGcMs: 0 };
const ack = (p99: number): AckFigures => ({ p50: p99 / 2, p99, max: p99, failed: 0, loop });
const round = (bare: number, patchbot: number): AckRound => ({ bare: ack(bare), patchbot: ack(patchbot) });

function row(scenario: string, wallMs: number, calls = 10): FleetRow {
  return {
    base: scenario,
    scenario,
    throttleRps: 0,
    wallMs,
    wallRunsMs: [wallMs],
    calls,
    minimum: 10,
    throttled: 0,
    busiestScopeCalls: 3,
    whole: true,
    byApi: {},
  };
}

describe('medianRound', () => {
  it('picks the round with the median p99 ratio, not the one with the median p99', () => {
    // ratios 2.0, 1.1, 0.8: the median is the 1.1 round, though its p99 is neither the middle bare nor the middle patchbot figure
    const rounds = [round(100, 200), round(300, 330), round(200, 160)];
    expect(medianRound(rounds)).toBe(rounds[1]);
  });

  it('refuses an empty run instead of reporting nothing as a figure', () => {
    expect(() => medianRound([])).toThrow(RangeError);
  });
});

describe('medianRows', () => {
  it('keeps the median run of each scenario, in first-run order, with every run listed in run order', () => {
    const runs = [
      row('status', 900, 11),
      row('digest', 5000),
      row('status', 700, 12),
      row('digest', 4000),
      row('status', 1200, 13),
      row('digest', 4500),
    ];
    const rows = medianRows(runs);
    expect(rows.map((r) => r.scenario)).toEqual(['status', 'digest']);
    expect(rows[0]).toMatchObject({ wallMs: 900, calls: 11, wallRunsMs: [900, 700, 1200] });
    expect(rows[1]).toMatchObject({ wallMs: 4500, wallRunsMs: [5000, 4000, 4500] });
  });

  it('passes a single run through unchanged', () => {
    expect(medianRows([row('status', 800)])).toEqual([row('status', 800)]);
  });
});
