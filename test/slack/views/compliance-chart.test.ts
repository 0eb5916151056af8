import { GlobalFonts } from '@napi-rs/canvas';
import { CHART_FONT } from '../../../src/slack/views/chart-font';
import { CHART_DAYS, chartPeriod } from '../../../src/patching/chart-period';
import type { GroupDay } from '../../../src/patching/ports';
import { groupSeries } from '../../../src/slack/views/chart-series';
import {
  CHART_HEIGHT,
  CHART_WIDTH,
  chartAltText,
  complianceChartFile,
  groupColour,
  renderComplianceChart,
} from '../../../src/slack/views/compliance-chart';
import { pixelAt, summarisePng } from '../../support/png';

const NOW = new Date('2026-12-02T08:00:00Z');
const period = chartPeriod(NOW);

function day(group: string, d: string, over: Partial<GroupDay> = {}): GroupDay {
  return {
    group,
    day: d,
    instances: 10,
    compliant: 8,
    critical: 1,
    important: 2,
    pendingReboot: 0,
    unreachable: 0,
    oldestScanAt: null,
    recordedAt: NOW,
    ...over,
  };
}

describe('chart period', () => {
  it('is the last 30 UTC days ending today', () => {
    expect(period.days).toHaveLength(CHART_DAYS);
    expect(period.fromDay).toBe('2026-11-03');
    expect(period.toDay).toBe('2026-12-02');
    expect(period.days.at(-1)).toBe('2026-12-02');
  });
});

describe('groupSeries', () => {
  it('leaves a day without a row as a gap, not a zero', () => {
    const rows = [day('PRD', '2026-12-01', { compliant: 5 }), day('PRD', '2026-12-02', { instances: 0, compliant: 0 })];
    const [prd] = groupSeries(rows, ['PRD'], period);
    expect(prd?.compliance.slice(-3)).toEqual([null, 50, null]);
    expect(prd?.critical.slice(-3)).toEqual([null, 1, 1]);
    expect(prd?.compliance.filter((v) => v === 0)).toEqual([]);
  });
});

describe('renderComplianceChart', () => {
  it('draws a white PNG of the chart size with lines in the plot area', async () => {
    const rows = period.days.map((d, i) => day('PRD', d, { compliant: i % 10 }));
    const png = await renderComplianceChart({ title: 'PRD, last 30 days', groups: ['PRD'], period, rows });
    expect(Buffer.from(png.subarray(0, 8)).toString('hex')).toBe('89504e470d0a1a0a');
    const all = summarisePng(png);
    expect({ width: all.width, height: all.height }).toEqual({ width: CHART_WIDTH, height: CHART_HEIGHT });
    expect(pixelAt(png, 2, 2)).toEqual([255, 255, 255, 255]);
    const plot = summarisePng(png, { x: 100, y: 60, width: 1000, height: 600 });
    expect(plot.nonWhite).toBeGreaterThan(5_000);
    expect(plot.colours).toBeGreaterThan(20);
  });

  it('draws text with the registered font (no system fonts needed)', async () => {
    const png = await renderComplianceChart({ title: 'Only a title', groups: [], period, rows: [] });
    // The title is drawn near the top centre: without a font skia would draw nothing there.
    const title = summarisePng(png, { x: 400, y: 10, width: 400, height: 40 });
    expect(title.nonWhite).toBeGreaterThan(100);
    // Inter from @fontsource/inter, not whatever this machine has (the Docker image has no fonts at all).
    expect(GlobalFonts.has(CHART_FONT)).toBe(true);
  });

  it('renders 30 groups with 30 distinct colours', async () => {
    const groups = Array.from({ length: 30 }, (_, i) => `group-${i}`);
    expect(new Set(groups.map((_, i) => groupColour(i))).size).toBe(30);
    const rows = groups.flatMap((g, gi) => period.days.map((d, di) => day(g, d, { compliant: (gi + di) % 11 })));
    const png = await renderComplianceChart({ title: '30 groups', groups, period, rows });
    expect(summarisePng(png, { x: 100, y: 60, width: 1000, height: 600 }).colours).toBeGreaterThan(60);
  });
});

describe('chartAltText and the file', () => {
  it('summarises each group and stays short for many groups', () => {
    const rows = [day('PRD', '2026-11-03', { compliant: 5 }), day('PRD', '2026-12-02', { compliant: 9, critical: 0 })];
    const text = chartAltText({ title: 't', groups: ['PRD', 'STG'], period, rows });
    expect(text).toContain('2026-11-03 to 2026-12-02');
    expect(text).toContain('PRD: 90% compliant (from 50%), 0 missing critical, 2 missing important.');
    expect(text).toContain('STG: no history.');
    const many = Array.from({ length: 60 }, (_, i) => `a-rather-long-group-name-${i}`);
    const long = chartAltText({ title: 't', groups: many, period, rows: [] });
    expect(long.length).toBeLessThanOrEqual(1_000);
    expect(long).toMatch(/…and \d+ more groups\.$/);
  });

  it('names the file by group and day', async () => {
    const file = await complianceChartFile({ title: 'PRD', groups: ['PRD'], period, rows: [] }, 'prd');
    expect(file.filename).toBe('prd-compliance-2026-12-02.png');
    expect(file.altText).toContain('PRD: no history.');
    expect(file.bytes.length).toBeGreaterThan(1_000);
  });
});
