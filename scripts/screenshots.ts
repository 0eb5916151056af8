/**
 * `npm run screenshots`: drives the demo workspace in Debian's Chromium through a scan, an
 * approver's App Home, an approved install, a change refused for drift, one a Change Calendar freezes, one approved to run
 * in its window, a failed instance explained in its thread and the digest with its chart, and saves what the page shows to
 * docs/screenshots/ for the README.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { GROUPS, sandboxFleet } from '../test/support/aws';
import { DEMO_IDS, demoConfig, startHarness } from '../test/support/bot';
import { WorkspacePage, ended, launchWorkspaceBrowser } from '../test/browser/workspace-page';
import { seedHistory } from '../test/support/history';

/** A group's online instance ids by Name tag (PRD's by default). */
async function instanceIds(url: string, group = GROUPS.PRD): Promise<Map<string, string>> {
  const fleet = sandboxFleet(url);
  try {
    return new Map(
      (await fleet.gateways[0]!.listManagedInstances(group))
        .filter((i) => i.pingStatus === 'Online')
        .map((i) => [i.name ?? i.instanceId, i.instanceId]),
    );
  } finally {
    fleet.close();
  }
}

const OUT = join(__dirname, '..', 'docs', 'screenshots');
const { users, channels } = DEMO_IDS;

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  // PRD respects the prd-freeze Change Calendar (open until the last shot) and allows break-glass.
  const config = demoConfig((t) =>
    t.replace(
      '    promoteFrom: STG\n',
      '    promoteFrom: STG\n    changeCalendars: [prd-freeze]\n    freeze:\n      overrideApprovers: [U0BOB00001, S0LEADS001]\n',
    ),
  );
  const h = await startHarness({ config });
  h.sim.setCalendar('prd-freeze', { state: 'OPEN' });
  const browser = await launchWorkspaceBrowser();
  const ws = new WorkspacePage(browser.page);
  const shot = async (name: string) => {
    await browser.page.screenshot({ path: join(OUT, `${name}.png`) });
    process.stdout.write(`docs/screenshots/${name}.png\n`);
  };
  try {
    await ws.open(h.slack.url, channels.prd, users.alice);
    await ws.send('/patch scan PRD');
    const scan = await ws.message(/Scan of PRD/);
    await ws.waitForText(scan, ended('Scan of PRD'), 30_000);
    await shot('scan-finished');

    await ws.send('/patch install PRD');
    const card = await ws.message(/waiting for approval/);
    const ts = (await card.getAttribute('data-ts'))!;
    await ws.switchUser(users.bob);
    await ws.byTs(ts).scrollIntoViewIfNeeded();
    await shot('approval-card');

    // bob's App Home: the change waiting for him, what runs, his groups' tiles and the estate.
    await ws.openHome();
    await shot('app-home');
    await ws.openChannel('prd-patching');

    await ws.click(ws.byTs(ts), 'Approve');
    await ws.confirmDialog().waitFor();
    await shot('approve-confirm');
    await ws.confirmDialog().getByRole('button', { name: 'Approve', exact: true }).click();
    await ws.waitForText(ws.byTs(ts), ended('Install of PRD'), 30_000);
    await ws.byTs(ts).scrollIntoViewIfNeeded();
    await shot('install-finished');

    // A change whose card is no longer true when approved: a target stopped in between.
    h.sim.releasePatch({
      title: 'openssl-3.0.99',
      group: 'PRD',
      severity: 'Critical',
      classification: 'Security',
      releasedDaysAgo: 40,
      rescan: true,
    });
    await ws.switchUser(users.alice);
    await ws.send('/patch install PRD');
    const second = await ws.message(/waiting for approval/);
    const secondTs = (await second.getAttribute('data-ts'))!;
    const web2 = (await instanceIds(h.sim.url)).get('prd-web-2');
    if (web2) h.sim.setInstance(web2, { state: 'stopped' });
    await ws.switchUser(users.bob);
    await ws.click(ws.byTs(secondTs), 'Approve');
    await ws.confirmDialog().getByRole('button', { name: 'Approve', exact: true }).click();
    await ws.waitForText(ws.byTs(secondTs), /was not sent/, 30_000);
    await ws.byTs(secondTs).scrollIntoViewIfNeeded();
    await shot('drift-refused');

    // A change freeze: the calendar closes for the night; the approved change waits and the card says until when.
    h.sim.setCalendar('prd-freeze', {
      state: 'CLOSED',
      nextTransitionTime: new Date(Date.now() + 6 * 3_600_000).toISOString(),
    });
    await ws.switchUser(users.alice);
    await ws.send('/patch install PRD');
    const third = await ws.message(/waiting for approval/);
    const thirdTs = (await third.getAttribute('data-ts'))!;
    await ws.switchUser(users.bob);
    await ws.click(ws.byTs(thirdTs), 'Approve');
    await ws.confirmDialog().getByRole('button', { name: 'Approve', exact: true }).click();
    await ws.waitForText(ws.byTs(thirdTs), /approved, frozen/, 30_000);
    // Its top says what matters: which calendar, until when, and that nothing was sent.
    await ws.byTs(thirdTs).evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot('frozen-card');
    // The frozen change holds PRD (one change per group at a time): alice withdraws it before the next one.
    const frozenId = /op-[0-9a-z]+/.exec((await ws.byTs(thirdTs).textContent()) ?? '')?.[0];
    if (frozenId) {
      await ws.switchUser(users.alice);
      await ws.send(`/patch cancel ${frozenId}`);
      await ws.waitForText(ws.byTs(thirdTs), /cancelled/, 30_000);
    }

    // Approve now, run in the window: the card says when, in the window's zone, and counts down.
    await ws.switchUser(users.alice);
    await ws.send('/patch install PRD in patch-prd');
    const scheduled = await ws.message(/waiting for approval/);
    const scheduledTs = (await scheduled.getAttribute('data-ts'))!;
    await ws.switchUser(users.bob);
    await ws.click(ws.byTs(scheduledTs), 'Approve');
    await ws.confirmDialog().getByRole('button', { name: 'Approve', exact: true }).click();
    await ws.waitForText(ws.byTs(scheduledTs), /Approved · runs in/, 30_000);
    await ws.byTs(scheduledTs).scrollIntoViewIfNeeded();
    await shot('scheduled-card');

    // Failures explained where they happened: an STG install whose first instance fails shows its exit code and output.
    const [firstStg] = (await instanceIds(h.sim.url, GROUPS.STG)).values();
    if (firstStg) h.sim.setInstance(firstStg, { failNext: true });
    await ws.open(h.slack.url, channels.stg, users.alice);
    await ws.send('/patch install STG');
    await ws.waitForText(await ws.message(/Install of STG/), ended('Install of STG'), 60_000);
    const detail = await ws.message(/lines of its output/, 30_000);
    await detail.scrollIntoViewIfNeeded();
    await shot('failure-thread');

    // The digest with its chart: 30 days of history for PRD and WIN, drawn by the bot and shown inline.
    await seedHistory(h.dbPath, ['PRD', 'WIN']);
    await ws.open(h.slack.url, channels.prd, users.alice);
    await ws.send('/patch digest');
    const chart = browser.page.locator('#log .msg .file img.file-image').last();
    await chart.waitFor({ timeout: 30_000 });
    await chart.scrollIntoViewIfNeeded();
    await browser.page.waitForFunction(
      `(() => { const i = [...document.querySelectorAll('#log img.file-image')].pop(); return i && i.complete && i.naturalWidth > 0; })()`,
    );
    await shot('digest-chart');
  } finally {
    await browser.close();
    await h.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`screenshots failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
