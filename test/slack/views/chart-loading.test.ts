/**
 * skia and chart.js are loaded by the first chart, not by starting the bot: a poll of a large fleet
 * needs the 25 MB they take, and many processes never draw a chart.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

/** Which of the drawing modules a fresh Node process has loaded after running `script`. */
function loadedAfter(script: string): string[] {
  const out = execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `${script}; console.log(JSON.stringify(Object.keys(require.cache).filter((f) => /node_modules\\/(@napi-rs\\/canvas|chart\\.js)\\//.test(f)).map((f) => f.includes('chart.js') ? 'chart.js' : 'canvas')))`,
    ],
    { cwd: root, encoding: 'utf8' },
  );
  return [...new Set(JSON.parse(out.trim().split('\n').pop() ?? '[]') as string[])].sort();
}

describe('the chart libraries load with the first chart', () => {
  it('are not loaded by requiring the bot', () => {
    expect(loadedAfter("require('./src/bot')")).toEqual([]);
  }, 30_000);

  it('are loaded once a chart is drawn', () => {
    const draw = `require('./src/slack/views/compliance-chart').renderComplianceChart({ title: 't', groups: ['PRD'], period: { fromDay: '2026-11-01', toDay: '2026-11-30', days: [] }, rows: [] })`;
    expect(loadedAfter(`${draw}.catch(() => undefined)`)).toEqual(['canvas', 'chart.js']);
  }, 30_000);
});
