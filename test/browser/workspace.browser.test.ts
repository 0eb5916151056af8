/**
 * The demo workspace in a real browser (Debian's Chromium through playwright-core): what a person
 * types and clicks on the page goes to the real bot as signed requests, and what the bot sends is
 * what the page shows. The bot, the Slack stand-in and the fleet simulator are the e2e harness.
 */
import { DEMO_IDS, settled, startHarness, type Harness } from '../support/bot';
import { WorkspacePage, ended, launchWorkspaceBrowser, type WorkspaceBrowser } from './workspace-page';

const { users, channels } = DEMO_IDS;
const sends = (h: Harness) => h.sim.stats().calls.SendCommand ?? 0;

describe('the demo workspace in Chromium', () => {
  let h: Harness;
  let browser: WorkspaceBrowser;
  let ws: WorkspacePage;

  beforeAll(async () => {
    h = await startHarness();
    browser = await launchWorkspaceBrowser();
    ws = new WorkspacePage(browser.page);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('types /patch scan PRD in the composer and shows the scan finish in place', async () => {
    await ws.open(h.slack.url, channels.prd, users.alice);
    await ws.send('/patch scan PRD');
    const scan = await ws.message(/Scan of PRD/);
    const ts = await scan.getAttribute('data-ts');
    expect(ts).toBeTruthy();
    const posted = h.slack.messages(channels.prd).find((m) => m.ts === ts);
    expect(posted?.text).toMatch(/Scan of PRD/);
    // The same message turns into the result: updated in place, not posted again.
    await ws.waitForText(ws.byTs(ts!), ended('Scan of PRD'), 30_000);
    await expect(ws.byTs(ts!).textContent()).resolves.toMatch(/Unreachable/);
    expect(await browser.page.locator('#status').textContent()).toMatch(/acknowledged/);
  }, 60_000);

  it('an unknown subcommand is answered only to the person who typed it', async () => {
    await ws.send('/patch upgrade PRD');
    const reply = await ws.message(/upgrade/);
    expect(await reply.getAttribute('class')).toMatch(/\beph\b/);
    expect(await reply.textContent()).toMatch(/Only visible to you/);
  });

  it('requests an install, refuses the requester, and bob approves through the confirm dialog: one install, result on the card', async () => {
    const sentBefore = sends(h);
    await ws.send('/patch install PRD');
    const card = await ws.message(/waiting for approval/);
    const ts = (await card.getAttribute('data-ts'))!;
    expect(await card.getByRole('button').allTextContents()).toEqual(expect.arrayContaining(['Approve', 'Reject']));

    // alice asked for it, so her Approve is refused, privately.
    await ws.click(card, 'Approve', 'Approve');
    await ws.message(/you requested this change/i);
    expect(sends(h)).toBe(sentBefore);

    await ws.switchUser(users.bob);
    const bobsCard = ws.byTs(ts);
    await expect(bobsCard.textContent()).resolves.not.toMatch(/you requested this change/i);

    // The confirm dialog restates the change; "Not yet" sends nothing.
    await ws.click(bobsCard, 'Approve');
    const dialog = ws.confirmDialog();
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/Approve this change\?[\s\S]*Install .*PRD/);
    await dialog.getByRole('button', { name: 'Not yet' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // The page has handled "Not yet" (its status line says so, where a sent click says "sending"), and the bot is idle.
    await browser.page.locator('#status', { hasText: 'cancelled Approve' }).waitFor();
    await settled(h.bot);
    expect(sends(h)).toBe(sentBefore);

    await ws.click(bobsCard, 'Approve', 'Approve');
    await ws.waitForText(bobsCard, ended('Install of PRD'), 30_000);
    const done = (await bobsCard.textContent()) ?? '';
    expect(done).toMatch(/Approved by/);
    expect(await bobsCard.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    expect(sends(h)).toBe(sentBefore + 1);
  }, 90_000);
});
