/**
 * The App Home on the demo page in Chromium: a person opens the app's Home tab from the sidebar
 * (the page sends app_home_opened), sees what the bot published for them, and approves from it.
 */
import { DEMO_IDS, settled, type Harness } from '../support/bot';
import { ended } from './workspace-page';
import { useWorkspaceSession } from './session';

const { users, channels } = DEMO_IDS;
const sends = (h: Harness) => h.sim.stats().calls.SendCommand ?? 0;

describe('the App Home in Chromium', () => {
  const s = useWorkspaceSession();

  it('shows bob the pending PRD install on his Home, and his Approve there installs once and ends the card', async () => {
    await s.ws.open(s.h.slack.url, channels.prd, users.alice);
    await s.ws.send('/patch scan PRD');
    await s.ws.waitForText(await s.ws.message(/Scan of PRD/), ended('Scan of PRD'), 30_000);
    await s.ws.send('/patch install PRD');
    const card = await s.ws.message(/waiting for approval/);
    const ts = (await card.getAttribute('data-ts'))!;
    const opId = /op-[0-9a-z]+/.exec((await card.textContent()) ?? '')![0];

    await s.ws.switchUser(users.bob);
    const home = await s.ws.openHome();
    await home.filter({ hasText: opId }).waitFor();
    expect(await home.textContent()).toMatch(/Waiting for your approval/);
    expect(await home.textContent()).toMatch(/PRD · \d+% compliant/);
    const before = sends(s.h);
    await home.getByRole('button', { name: 'Approve', exact: true }).click();
    // His Home moves on at once: nothing waits for him any more.
    await home.filter({ hasText: 'Nothing waits for you.' }).waitFor({ timeout: 20_000 });
    await s.ws.openChannel('prd-patching');
    await s.ws.waitForText(s.ws.byTs(ts), ended('Install of PRD'), 30_000);
    await settled(s.h.bot);
    expect(sends(s.h)).toBe(before + 1);
  }, 90_000);

  it('shows mallory, who operates nothing, no group', async () => {
    await s.ws.switchUser(users.mallory);
    const home = await s.ws.openHome();
    await home.filter({ hasText: 'do not operate or approve' }).waitFor();
    expect(await home.textContent()).not.toMatch(/PRD|STG|WIN/);
  });
});
