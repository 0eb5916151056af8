import { type PageTiming, renderSimulatorScale, type SimulatorScaleResult } from '../../scripts/bench/simulator-scale';

const timing = (path: PageTiming['path'], p99Ms: number): PageTiming => ({
  label: 'EC2 DescribeInstances tag:Patch Group=PRD',
  pageSize: 1000,
  depth: 'middle',
  page: 2,
  pages: 2,
  items: 909,
  path,
  medianMs: p99Ms / 2,
  p99Ms,
});

const result = (rows: PageTiming[], buildMs = 3500): SimulatorScaleResult => ({
  instances: 100_000,
  partitions: 20,
  perPartition: 5000,
  buildMs,
  buildCpuMs: 4800,
  rssBeforeMb: 180,
  rssMb: 620,
  heapMb: 447,
  samples: 200,
  targetMs: 5,
  rows,
});

describe('the simulator-scale report', () => {
  it('judges the simulator by its own answer, not by the SDK parsing it in the same process', () => {
    const text = renderSimulatorScale(result([timing('handler', 4.2), timing('sdk', 130)])).join('\n');
    expect(text).toContain('under 5 ms at p99 at any depth; met.');
    expect(text).toContain('| sdk | 65 ms | 130 ms |');
    expect(text).toContain('target under 5,000 ms: met');
  });

  it('names each page the simulator answered too slowly, and a slow build', () => {
    const text = renderSimulatorScale(
      result([timing('handler', 4.2), { ...timing('handler', 6.5), depth: 'last' }], 5200),
    ).join('\n');
    expect(text).toContain(
      '**missed** on 1 of 2 rows (EC2 DescribeInstances tag:Patch Group=PRD page of 1000, last: 6.5 ms)',
    );
    expect(text).toContain('target under 5,000 ms: **missed**');
  });
});
