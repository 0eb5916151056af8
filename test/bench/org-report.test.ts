import { atMost, growthExponent, rateBoundMs } from '../../scripts/bench/org-figures';
import {
  markedOrgSection,
  ORG_END,
  ORG_START,
  renderOrgScale,
  replaceOrgSection,
  sizePairs,
} from '../../scripts/bench/org-report';
import type { OrgResult, OrgRow, OrgSize } from '../../scripts/bench/org-scale';

const row = (wallMs: number, calls: number, minimum?: number, before?: number): OrgRow => ({
  wallMs,
  calls,
  throttled: 0,
  whole: true,
  ...(minimum === undefined ? {} : { minimum }),
  ...(before === undefined ? {} : { before }),
});

function size(instances: number, k: number, peakRssMb: number): OrgSize {
  return {
    instances,
    simulatorBuildMs: 100 * k,
    statusPrd: row(1000 * k, 100 * k, 100 * k, 150 * k),
    firstPoll: row(3000 * k, 900 * k),
    quietPoll: row(2000 * k, 300 * k, 300 * k, 700 * k),
    digest: row(10, 0, 300 * k),
    install: { ...row(40_000, 2000), instances: 10_000 },
    peakRssMb,
  };
}

const ackRound = {
  bare: { p50: 20, p99: 40, max: 45, failed: 0 },
  idle: { p50: 22, p99: 44, max: 50, failed: 0 },
  underLoad: { p50: 25, p99: 48, max: 60, failed: 0 },
  pollMs: 9000,
  pollOutlastedBurst: true,
  bareLoop: { ...loop(4), served: { p50: 2, p99: 6, max: 7, count: 300 } },
  idleLoop: {
    cpuMs: 800,
    loopDelayP99: 20,
    loopDelayMax: 25,
    gcPauseMax: 8,
    fullGcs: 3,
    fullGcMs: 40,
    served: { p50: 3, p99: 9, max: 10, count: 300 },
  },
  botLoop: { cpuMs: 9000, loopDelayP99: 30, loopDelayMax: 45, gcPauseMax: 12, fullGcs: 9, fullGcMs: 150 },
  senders: {
    bare: { load: loop(11), standIn: loop(3) },
    idle: { load: loop(12), standIn: loop(240) },
    underLoad: { load: loop(13), standIn: loop(5) },
  },
};

function loop(loopDelayMax: number) {
  return { cpuMs: 100, loopDelayP99: loopDelayMax, loopDelayMax, gcPauseMax: 1, fullGcs: 0, fullGcMs: 0 };
}

function result(over: Partial<OrgResult> = {}): OrgResult {
  return {
    latencyMs: 20,
    scopes: 20,
    nodeArgs: ['--max-old-space-size=192'],
    sizes: [size(10_000, 1, 250), size(100_000, 10, 280)],
    throttled: {
      instances: 100_000,
      rps: 5,
      burst: 5,
      budget: { requestsPerSecond: 5, burst: 4 },
      row: { ...row(11_000, 1300, 1300), throttled: 0 },
      boundMs: 10_000,
      failedAnswers: 0,
    },
    ack: {
      commands: 300,
      concurrency: 50,
      ...ackRound,
      rounds: [ackRound, { ...ackRound, underLoad: { p50: 26, p99: 52, max: 61, failed: 0 } }],
    },
    ...over,
  };
}

const run = { date: '2026-12-03', command: 'npm run bench -- --only org' };
const line = (lines: string[], start: string) => lines.find((l) => l.startsWith(start)) ?? '';

describe('growthExponent', () => {
  it('is 1 for linear growth, 2 for quadratic, and NaN when it cannot be taken', () => {
    expect(growthExponent(10_000, 5, 100_000, 50)).toBeCloseTo(1, 10);
    expect(growthExponent(10_000, 5, 30_000, 45)).toBeCloseTo(2, 10);
    expect(growthExponent(10_000, 5, 100_000, 5)).toBe(0);
    expect(growthExponent(10_000, 0, 100_000, 5)).toBeNaN();
    expect(growthExponent(10_000, 5, 10_000, 6)).toBeNaN();
  });
});

describe('rateBoundMs', () => {
  it("is the busiest scope's accepted calls beyond the bucket, at the rate", () => {
    expect(rateBoundMs([40, 65, 12], 5, 5)).toBe(12_000);
    expect(rateBoundMs([3, 4], 5, 5)).toBe(0);
    expect(rateBoundMs([100], 20, 0)).toBe(0);
  });
});

describe('atMost', () => {
  it('says met at or under the target and by how much it missed over it', () => {
    expect(atMost(1.05, 1.05)).toBe('met');
    expect(atMost(1.32, 1.1)).toBe('**missed** by 20%');
    expect(atMost(300.5, 300)).toBe('**missed** by 1%');
    expect(atMost(NaN, 1)).toBe('n/a');
  });
});

describe('sizePairs', () => {
  it('pairs consecutive sizes and adds smallest to largest when there are more than two', () => {
    expect(sizePairs([1, 2])).toEqual([[1, 2]]);
    expect(sizePairs([1, 2, 3])).toEqual([
      [1, 2],
      [2, 3],
      [1, 3],
    ]);
    expect(sizePairs([1])).toEqual([]);
  });
});

describe('renderOrgScale', () => {
  it('marks every target met when the figures are within them', () => {
    const lines = renderOrgScale(result(), run);
    expect(line(lines, '| status and quiet poll: calls')).toMatch(/worst 1\.00x \| met \|$/);
    expect(line(lines, '| quiet poll of 100,000: at most 0.5x')).toMatch(/3,000 vs 7,000 = 0\.43x \| met \|$/);
    expect(line(lines, "| bot's peak RSS at 100,000")).toMatch(/280 MB \| met \|$/);
    expect(line(lines, '| quiet poll: growth exponent 10,000 → 100,000')).toMatch(/wall 1\.00, calls 1\.00 \| met \|$/);
    expect(line(lines, '| acknowledgement p99')).toMatch(/48 ms vs 40 ms = 1\.20x \| met \|$/);
    expect(line(lines, '| patchbot, idle')).toBe('| patchbot, idle | 22 ms | 44 ms | 50 ms | 0 | p99 1.10x |');
    expect(line(lines, "Each round's p99")).toBe(
      "Each round's p99, bare / idle / during the poll: 40 / 44 / 48 ms; 40 / 44 / 52 ms.",
    );
    expect(line(lines, 'Inside the receivers')).toContain('p99 bare / idle / during the poll: 6 / 9 / — ms.');
    expect(line(lines, 'and its longest GC pause')).toContain(
      'V8 collected the whole heap 9 times (150 ms of pauses in all).',
    );
    expect(line(lines, 'Full collections over')).toBe(
      "Full collections over each round's poll and burst: 9 (150 ms); 9 (150 ms).",
    );
    expect(line(lines, "The senders' side")).toBe(
      "The senders' side, bare / idle / during the poll: the load process that times the commands ran its loop up to 11 / 12 / 13 ms late, and the benchmark process, whose Slack stand-ins take the bot's answers, up to 3 / 240 / 5 ms (CPU 100 / 100 / 100 ms).",
    );
    expect(line(lines, '| quiet poll of 100,000 at 5/s')).toMatch(/= 1\.10x, 0 failed \| met \|$/);
    expect(line(lines, '| 100,000 | digest')).toContain('met (reused the read)');
    expect(lines.join('\n')).not.toContain('missed');
  });

  it('shows the peak RSS so far after each answer, and a dash for a run that did not record it', () => {
    const big = size(100_000, 10, 330);
    big.peakAfterMb = { started: 180, statusPrd: 200, firstPoll: 300, quietPoll: 310, digest: 320, install: 330 };
    big.liveHeapMaxMb = 95;
    const lines = renderOrgScale(result({ sizes: [size(10_000, 1, 250), big] }), run);
    expect(line(lines, '| 100,000 | 1,000 ms | 330 MB')).toMatch(
      /\| 180 MB \| 200 MB \| 300 MB \| 310 MB \| 320 MB \| 330 MB \| 95 MB \|$/,
    );
    expect(line(lines, '| 10,000 | 100 ms | 250 MB')).toMatch(/\| — \| — \| — \| — \| — \| — \| — \|$/);
  });

  it('says by how much each missed target was missed', () => {
    const big = size(100_000, 10, 330);
    big.quietPoll = row(40_000, 3_300, 3_000, 6_000);
    const lines = renderOrgScale(
      result({
        sizes: [size(10_000, 1, 250), big],
        throttled: { ...result().throttled!, row: row(13_000, 1300, 1300), failedAnswers: 0 },
        ack: { ...result().ack!, underLoad: { p50: 30, p99: 80, max: 90, failed: 0 } },
      }),
      run,
    );
    expect(line(lines, '| status and quiet poll: calls')).toMatch(/worst 1\.10x \| \*\*missed\*\* by 5% \|$/);
    expect(line(lines, '| quiet poll of 100,000: at most 0.5x')).toMatch(/0\.55x \| \*\*missed\*\* by 10% \|$/);
    expect(line(lines, "| bot's peak RSS at 100,000")).toMatch(/330 MB \| \*\*missed\*\* by 10% \|$/);
    // wall 2,000 → 40,000 ms over 10x the fleet: exponent log10(20) = 1.30
    expect(line(lines, '| quiet poll: growth exponent')).toMatch(
      /wall 1\.30, calls 1\.04 \| \*\*missed\*\* by 18% \|$/,
    );
    expect(line(lines, '| acknowledgement p99')).toMatch(/= 2\.00x \| \*\*missed\*\* by 60% \|$/);
    expect(line(lines, '| quiet poll of 100,000 at 5/s')).toMatch(/= 1\.30x, 0 failed \| \*\*missed\*\* by 13% \|$/);
  });

  it('misses the throttled target on any failed answer, however fast', () => {
    const lines = renderOrgScale(
      result({ throttled: { ...result().throttled!, row: row(9_000, 1300, 1300), failedAnswers: 2 } }),
      run,
    );
    expect(line(lines, '| quiet poll of 100,000 at 5/s')).toMatch(/2 failed \| \*\*missed\*\* \(failed answers\) \|$/);
  });
});

describe('replaceOrgSection', () => {
  it('replaces only what lies between the markers', () => {
    const doc = `# Benchmarks\n\nbefore\n\n${ORG_START}\nold\n${ORG_END}\n\n## After\n`;
    const out = replaceOrgSection(doc, markedOrgSection(['## Organisation scale', 'new']));
    expect(out).toBe(`# Benchmarks\n\nbefore\n\n${ORG_START}\n## Organisation scale\nnew\n${ORG_END}\n\n## After\n`);
  });

  it('appends the section when the document has no markers yet', () => {
    const out = replaceOrgSection('# Benchmarks\n', markedOrgSection(['x']));
    expect(out).toBe(`# Benchmarks\n\n${ORG_START}\nx\n${ORG_END}\n`);
  });
});
