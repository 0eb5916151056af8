/**
 * `npm run screenshots`: drives the demo workspace in Debian's Chromium through a scan, an
 * approved install, a change refused for drift, one approved to run in its window and a failed instance explained in
 * its thread, and saves what the page shows to docs/screenshots/ for the README.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { GROUPS, sandboxFleet } from '../test/support/aws';
import { DEMO_IDS, startHarness } from '../test/support/bot';
import { WorkspacePage, ended, launchWorkspaceBrowser } from '../test/browser/workspace-page';

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
  const h = await startHarness();
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
  } finally {
    await browser.close();
    await h.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`screenshots failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
