/**
 * The digest's chart on the demo page in Chromium: `/patch digest` typed in the composer posts the
 * digest and its chart, and the page shows the chart inline as an image the browser decoded at its
 * full size, from the stand-in's own URL.
 */
import { DEMO_IDS } from '../support/bot';
import { seedHistory } from '../support/history';
import { CHART_HEIGHT, CHART_WIDTH } from '../../src/slack/views/compliance-chart';
import { useWorkspaceSession } from './session';

const { users, channels } = DEMO_IDS;

describe('the digest chart in Chromium', () => {
  const s = useWorkspaceSession((h) => seedHistory(h.dbPath));

  it('shows the digest, then its chart as an image decoded at full size', async () => {
    await s.ws.open(s.h.slack.url, channels.prd, users.alice);
    await s.ws.send('/patch digest');
    await s.ws.message(/Daily patch digest/, 30_000);
    const image = s.browser.page.locator('#log .msg .file img.file-image').last();
    await image.waitFor({ timeout: 30_000 });
    await image.scrollIntoViewIfNeeded();
    // Decoded by the browser: its natural size is the PNG's, and it came from the stand-in's own origin.
    await s.browser.page.waitForFunction(
      `(() => { const i = [...document.querySelectorAll('#log img.file-image')].pop(); return i && i.complete && i.naturalWidth > 0; })()`,
    );
    const natural = await image.evaluate((i) => ({
      w: (i as unknown as { naturalWidth: number }).naturalWidth,
      h: (i as unknown as { naturalHeight: number }).naturalHeight,
    }));
    expect(natural).toEqual({ w: CHART_WIDTH, h: CHART_HEIGHT });
    const src = (await image.getAttribute('src')) ?? '';
    expect(src).toMatch(/^\/files-pri\/F[A-Z0-9]+\/digest-compliance-\d{4}-\d{2}-\d{2}\.png$/);
    expect(await image.getAttribute('alt')).toMatch(/PRD: \d+% compliant/);
    const title = s.browser.page.locator('#log .msg .file .file-title').last();
    expect(await title.textContent()).toMatch(/^Compliance, \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}$/);
    if (process.env.CHART_SHOT) await s.browser.page.screenshot({ path: process.env.CHART_SHOT });
  }, 60_000);
});
