/**
 * The compliance chart of 30 groups over 30 days, rendered in this process exactly as the bot
 * renders the digest's chart (chart.js on skia, PNG encoded): the first render (font registration
 * and chart.js warming up) apart, then the median of several.
 */
import { chartPeriod } from '../../src/patching/chart-period';
import type { GroupDay } from '../../src/patching/ports';
import { renderComplianceChart } from '../../src/slack/views/compliance-chart';
import { percentile } from './stats';

/** What the charts row measured. */
export interface ChartsResult {
  groups: number;
  days: number;
  runs: number;
  firstMs: number;
  medianMs: number;
  maxMs: number;
  pngBytes: number;
}

/** Renders the chart `runs` times after a first render; times are wall clock in ms. */
export async function benchCharts(options: {
  groups: number;
  days: number;
  runs: number;
  log: (line: string) => void;
}): Promise<ChartsResult> {
  const period = chartPeriod(new Date(), options.days);
  const groups = Array.from({ length: options.groups }, (_, i) => `group-${String(i + 1).padStart(2, '0')}`);
  const rows: GroupDay[] = groups.flatMap((group, g) =>
    period.days.map((day, d) => ({
      group,
      day,
      instances: 400,
      compliant: 200 + ((g * 37 + d * 11) % 200),
      critical: (g * 7 + d * 3) % 40,
      important: (g * 5 + d * 13) % 80,
      pendingReboot: 0,
      unreachable: 0,
      oldestScanAt: null,
      recordedAt: new Date(),
    })),
  );
  const input = { title: `Compliance of ${groups.length} groups`, groups, period, rows };
  const time = async () => {
    const start = performance.now();
    const png = await renderComplianceChart(input);
    return { ms: performance.now() - start, bytes: png.length };
  };
  const first = await time();
  const runs: number[] = [];
  let bytes = first.bytes;
  for (let i = 0; i < options.runs; i++) {
    const r = await time();
    runs.push(r.ms);
    bytes = r.bytes;
  }
  const round = (n: number) => Math.round(n);
  const result: ChartsResult = {
    groups: options.groups,
    days: options.days,
    runs: options.runs,
    firstMs: round(first.ms),
    medianMs: round(percentile(runs, 50)),
    maxMs: round(Math.max(...runs)),
    pngBytes: bytes,
  };
  options.log(
    `charts: ${result.groups} groups x ${result.days} days, median ${result.medianMs} ms of ${result.runs} (first ${result.firstMs} ms, max ${result.maxMs} ms), ${result.pngBytes} bytes`,
  );
  return result;
}

/** The charts section of docs/benchmarks.md. */
export function renderCharts(c: ChartsResult, targetMs: number): string[] {
  return [
    `## Chart of ${c.groups} groups over ${c.days} days`,
    '',
    "The digest's compliance chart (two panels, three lines per group) rendered in the benchmark process by the bot's own",
    `renderer (chart.js on @napi-rs/canvas, PNG encoded): the first render apart (it registers the font), then ${c.runs} more.`,
    '',
    '| Median | Max | First | PNG |',
    '| --- | --- | --- | --- |',
    `| ${c.medianMs} ms | ${c.maxMs} ms | ${c.firstMs} ms | ${Math.round(c.pngBytes / 1024)} KB |`,
    '',
    `Target: under ${targetMs} ms.`,
    '',
  ];
}
