/**
 * The compliance chart: 30 days of the daily history of some groups as one PNG, drawn in the bot
 * process by chart.js on skia (@napi-rs/canvas), no browser. Two panels on one time axis: above,
 * each group's compliance % (one colour per group); below, its instances missing critical (solid)
 * and important (dashed) patches. A day without a history row is a gap, never a zero.
 */
import type { ChartConfiguration, ChartDataset, Plugin } from 'chart.js';
import type { FileAttachment } from '../../patching/attachment';
import type { ChartPeriod } from '../../patching/chart-period';
import type { GroupDay } from '../../patching/ports';
import { CHART_FONT, registerChartFont } from './chart-font';
import { type GroupSeries, firstValue, groupSeries, lastValue } from './chart-series';

/**
 * skia and chart.js, loaded on the first chart: together some 25 MB of a process that may never
 * draw one (a bot whose channels get no digest), and that a poll of a large fleet needs for itself.
 */
function loadDrawing() {
  // require, not import(): the build is CommonJS, and a dynamic import would need ESM loading in tests.
  const { createCanvas } = require('@napi-rs/canvas') as typeof import('@napi-rs/canvas');
  const chartJs = require('chart.js') as typeof import('chart.js');
  const { Chart, CategoryScale, Legend, LineController, LineElement, LinearScale, PointElement, Title } = chartJs;
  Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Title);
  return { createCanvas, Chart };
}
let drawing: ReturnType<typeof loadDrawing> | undefined;

/** The PNG's size in pixels (Slack shows it scaled to the message's width; full size on click). */
export const CHART_WIDTH = 1200;
export const CHART_HEIGHT = 800;
/** Slack's alt_text is for a sentence or a short paragraph: the summary stops here and says how many more. */
const ALT_TEXT_MAX = 1_000;

/** The compliance panel's ticks: whole tens, none in the room below 0%. */
const PERCENT_TICKS = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100];

/** Ten distinct colours (Tableau 10); past ten groups, hues go round the wheel at the golden angle. */
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

/** The colour of the i-th group: stable for a given order of groups. */
export function groupColour(i: number): string {
  const fixed = PALETTE[i];
  if (fixed) return fixed;
  const hue = Math.round((i * 137.508) % 360);
  const light = i % 2 === 0 ? 38 : 55;
  return `hsl(${hue}, 65%, ${light}%)`;
}

/** What a chart shows: which groups (in legend order), over which days, from which history rows. */
export interface ComplianceChartInput {
  title: string;
  groups: readonly string[];
  period: ChartPeriod;
  rows: readonly GroupDay[];
}

/** chart.js draws on a transparent canvas; Slack's dark theme would show black text on black. */
const whiteBackground: Plugin<'line'> = {
  id: 'whiteBackground',
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/** The chart's PNG bytes: pure in its input (no clock, no I/O but skia's). */
export async function renderComplianceChart(input: ComplianceChartInput): Promise<Uint8Array> {
  drawing ??= loadDrawing();
  const { createCanvas, Chart } = drawing;
  registerChartFont();
  const canvas = createCanvas(CHART_WIDTH, CHART_HEIGHT);
  const series = groupSeries(input.rows, input.groups, input.period);
  // chart.js without a DOM uses its basic platform: the canvas's own size, no resize observers.
  const chart = new Chart(
    canvas.getContext('2d') as unknown as ConstructorParameters<typeof Chart>[0],
    chartConfig(input, series),
  );
  try {
    return new Uint8Array(await canvas.encode('png'));
  } finally {
    chart.destroy();
  }
}

/** The file to upload: the PNG, a dated name, a title and the summary for screen readers. */
export async function complianceChartFile(input: ComplianceChartInput, slug: string): Promise<FileAttachment> {
  return {
    filename: `${slug}-compliance-${input.period.toDay}.png`,
    title: input.title,
    bytes: await renderComplianceChart(input),
    altText: chartAltText(input),
  };
}

/** What the chart shows, in words: per group the compliance at the end of the period, where it started, and what is missing. */
export function chartAltText(input: ComplianceChartInput): string {
  const series = groupSeries(input.rows, input.groups, input.period);
  const head = `Chart of ${input.groups.length === 1 ? 'group' : `${input.groups.length} groups'`} compliance and missing critical and important patches per day, ${input.period.fromDay} to ${input.period.toDay}.`;
  let text = head;
  for (const [i, s] of series.entries()) {
    const line = ` ${altLine(s)}`;
    const more = ` …and ${series.length - i} more groups.`;
    if (text.length + line.length + more.length > ALT_TEXT_MAX) return text + more;
    text += line;
  }
  return text;
}

function altLine(s: GroupSeries): string {
  const last = lastValue(s.compliance);
  if (last === undefined) return `${s.group}: no history.`;
  const first = firstValue(s.compliance) ?? last;
  const trend = Math.round(first) === Math.round(last) ? '' : ` (from ${Math.round(first)}%)`;
  return `${s.group}: ${Math.round(last)}% compliant${trend}, ${lastValue(s.critical) ?? 0} missing critical, ${lastValue(s.important) ?? 0} missing important.`;
}

function chartConfig(input: ComplianceChartInput, series: GroupSeries[]): ChartConfiguration<'line'> {
  const many = series.length > 10;
  const line = (
    label: string,
    data: (number | null)[],
    colour: string,
    yAxisID: string,
    dash: number[] = [],
  ): ChartDataset<'line'> => ({
    label,
    data,
    yAxisID,
    borderColor: colour,
    backgroundColor: colour,
    borderWidth: many ? 1.5 : 2.5,
    borderDash: dash,
    pointRadius: many ? 0 : 2,
    // A missing day breaks the line: no row is not the same as zero, and not the same as its neighbours.
    spanGaps: false,
    tension: 0,
  });
  const datasets: ChartDataset<'line'>[] = [];
  series.forEach((s, i) => {
    const colour = groupColour(i);
    datasets.push(line(s.group, s.compliance, colour, 'percent'));
    datasets.push(line(`${s.group} critical`, s.critical, colour, 'missing'));
    datasets.push(line(`${s.group} important`, s.important, colour, 'missing', [6, 4]));
  });
  const font = { family: CHART_FONT, size: 13 };
  return {
    type: 'line',
    data: { labels: input.period.days.map((d) => d.slice(5)), datasets },
    plugins: [whiteBackground],
    options: {
      responsive: false,
      animation: false,
      devicePixelRatio: 1,
      layout: { padding: 16 },
      font,
      plugins: {
        title: {
          display: true,
          text: input.title,
          font: { family: CHART_FONT, size: 18, weight: 600 },
          color: '#1d1c1d',
        },
        legend: {
          position: 'bottom',
          // One entry per group (its colour); the panels' titles say which line is which.
          labels: {
            filter: (item) => item.datasetIndex !== undefined && item.datasetIndex % 3 === 0,
            font: { family: CHART_FONT, size: many ? 11 : 13 },
            boxWidth: 14,
            boxHeight: 14,
            color: '#1d1c1d',
          },
        },
      },
      scales: {
        x: { ticks: { font, color: '#454245', maxRotation: 0, autoSkipPadding: 8 }, grid: { color: '#eeeeee' } },
        // Two panels stacked on one time axis; chart.js stacks the first axis lowest: missing below, compliance above (twice as tall).
        missing: {
          type: 'linear',
          position: 'left',
          stack: 'panels',
          stackWeight: 1,
          beginAtZero: true,
          grace: '8%',
          title: { display: true, text: 'missing: critical (solid), important (dashed)', font, color: '#454245' },
          ticks: { font, color: '#454245', precision: 0 },
          grid: { color: '#eeeeee' },
        },
        percent: {
          type: 'linear',
          position: 'left',
          stack: 'panels',
          stackWeight: 2,
          // A little room below 0% so its label clears the top of the panel beneath.
          min: -6,
          max: 100,
          title: { display: true, text: 'compliant %', font, color: '#454245' },
          afterBuildTicks: (axis) => {
            axis.ticks = PERCENT_TICKS.map((value) => ({ value }));
          },
          ticks: { font, color: '#454245', callback: (v) => `${v}%` },
          grid: { color: '#eeeeee' },
        },
      },
    },
  };
}
