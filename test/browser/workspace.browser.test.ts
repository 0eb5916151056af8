/**
 * The demo workspace in a real browser (Debian's Chromium through playwright-core): what a person
 * types and clicks on the page goes to the real bot as signed requests, and what the bot sends is
 * what the page shows. The bot, the Slack stand-in and the fleet simulator are the e2e harness.
 */
import { DEMO_IDS, settled, type Harness } from '../support/bot';
import { ended } from './workspace-page';
import { useWorkspaceSession } from './session';

const { users, channels } = DEMO_IDS;
const sends = (h: Harness) => h.sim.stats().calls.SendCommand ?? 0;

describe('the demo workspace in Chromium', () => {
  const s = useWorkspaceSession();

  it('types /patch scan PRD in the composer and shows the scan finish in place', async () => {
    await s.ws.open(s.h.slack.url, channels.prd, users.alice);
    await s.ws.send('/patch scan PRD');
    const scan = await s.ws.message(/Scan of PRD/);
    const ts = await scan.getAttribute('data-ts');
    expect(ts).toBeTruthy();
    const posted = s.h.slack.messages(channels.prd).find((m) => m.ts === ts);
    expect(posted?.text).toMatch(/Scan of PRD/);
    // The same message turns into the result: updated in place, not posted again.
    await s.ws.waitForText(s.ws.byTs(ts!), ended('Scan of PRD'), 30_000);
    await expect(s.ws.byTs(ts!).textContent()).resolves.toMatch(/Unreachable/);
    expect(await s.browser.page.locator('#status').textContent()).toMatch(/acknowledged/);
  }, 60_000);

  it('an unknown subcommand is answered only to the person who typed it', async () => {
    await s.ws.send('/patch upgrade PRD');
    const reply = await s.ws.message(/upgrade/);
    expect(await reply.getAttribute('class')).toMatch(/\beph\b/);
    expect(await reply.textContent()).toMatch(/Only visible to you/);
  });

  it('requests an install, refuses the requester, and bob approves through the confirm dialog: one install, result on the card', async () => {
    const sentBefore = sends(s.h);
    await s.ws.send('/patch install PRD');
    const card = await s.ws.message(/waiting for approval/);
    const ts = (await card.getAttribute('data-ts'))!;
    expect(await card.getByRole('button').allTextContents()).toEqual(expect.arrayContaining(['Approve', 'Reject']));

    // alice asked for it, so her Approve is refused, privately.
    await s.ws.click(card, 'Approve', 'Approve');
    await s.ws.message(/you requested this change/i);
    expect(sends(s.h)).toBe(sentBefore);

    await s.ws.switchUser(users.bob);
    const bobsCard = s.ws.byTs(ts);
    await expect(bobsCard.textContent()).resolves.not.toMatch(/you requested this change/i);

    // The confirm dialog restates the change; "Not yet" sends nothing.
    await s.ws.click(bobsCard, 'Approve');
    const dialog = s.ws.confirmDialog();
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/Approve this change\?[\s\S]*Install .*PRD/);
    await dialog.getByRole('button', { name: 'Not yet' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // The page has handled "Not yet" (its status line says so, where a sent click says "sending"), and the bot is idle.
    await s.browser.page.locator('#status', { hasText: 'cancelled Approve' }).waitFor();
    await settled(s.h.bot);
    expect(sends(s.h)).toBe(sentBefore);

    await s.ws.click(bobsCard, 'Approve', 'Approve');
    await s.ws.waitForText(bobsCard, ended('Install of PRD'), 30_000);
    const done = (await bobsCard.textContent()) ?? '';
    expect(done).toMatch(/Approved by/);
    expect(await bobsCard.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    expect(sends(s.h)).toBe(sentBefore + 1);
  }, 90_000);
});
