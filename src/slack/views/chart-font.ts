/**
 * The charts' typeface. The Docker image (node:26-trixie-slim) has no system fonts, so text drawn
 * by skia would come out as nothing; Inter is registered once from @fontsource/inter's woff2 files.
 */

/** The family name charts ask for. */
export const CHART_FONT = 'Inter';

let registered = false;

/** Registers Inter (regular and semibold) with skia once per process; later calls do nothing. */
export function registerChartFont(): void {
  if (registered) return;
  // Loaded with the chart that needs it (see loadDrawing in compliance-chart.ts).
  const { GlobalFonts } = require('@napi-rs/canvas') as typeof import('@napi-rs/canvas');
  for (const weight of [400, 600]) {
    const file = require.resolve(`@fontsource/inter/files/inter-latin-${weight}-normal.woff2`);
    // registerFromPath answers null when skia cannot read the file: charts would have no text, so say so.
    if (!GlobalFonts.registerFromPath(file, CHART_FONT)) throw new Error(`could not register the chart font ${file}`);
  }
  registered = true;
}
