/**
 * The patch SLA through the real bot, SDK and Slack stand-in: a fleet whose compliance history says
 * PRD's prd-web-3 has missed a Critical patch for 8 days shows it in `/patch status PRD` and in the
 * digest as past the 7-day SLA; the compliance poll carries the history's "since" day forward.
 */
import { addDays, utcDay } from '../../src/shared/utc-day';
import { DEMO_IDS, privateAnswer, readable, startHarness, type Harness } from '../support/bot';

const { channels } = DEMO_IDS;

describe('patch SLA in status and the digest', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('lists prd-web-3, missing a Critical patch for 8 days, as past the 7-day SLA', async () => {
    const store = h.bot.store;
    // The first poll records the snapshot and today's history day.
    await h.bot.runJob('compliance-poll');
    const today = utcDay(new Date());
    expect((await store.complianceHistory.latestGroupDays(['PRD']))[0]).toMatchObject({
      day: today,
      instances: await store.snapshots.count('PRD'),
    });
    const web3 = (await store.snapshots.forGroup('PRD')).find((e) => e.name === 'prd-web-3');
    expect(web3?.missingPatches.some((p) => p.severity === 'Critical')).toBe(true);
    expect(await privateAnswer(h, 'status PRD')).not.toContain('Past the patch SLA');

    // The history as it would be had patchbot polled 8 days ago: prd-web-3 was missing a Critical patch then.
    const row = { scope: web3!.scope, region: web3!.region, instanceId: web3!.instanceId, name: 'prd-web-3' };
    const eightDaysAgo = addDays(today, -8);
    await store.complianceHistory.recordDay({
      group: 'PRD',
      day: eightDaysAgo,
      instances: 1,
      compliant: 0,
      critical: 1,
      important: 0,
      pendingReboot: 0,
      unreachable: 0,
      oldestScanAt: null,
      rows: [{ ...row, critical: true, important: false, pendingReboot: false, unreachable: false }],
    });
    // The next poll that changes the snapshot (another PRD agent goes offline) records today again and
    // carries "since" over from that day; a poll that changes nothing leaves today's day as it was.
    const other = (await store.snapshots.forGroup('PRD')).find(
      (e) => e.pingStatus === 'Online' && e.instanceId !== web3!.instanceId,
    );
    h.sim.setInstance(other!.instanceId, { pingStatus: 'ConnectionLost' });
    await h.bot.runJob('compliance-poll');
    const latest = await store.complianceHistory.latestInstanceDays(['PRD']);
    expect(latest.find((r) => r.instanceId === web3!.instanceId)).toMatchObject({
      day: today,
      criticalSince: eightDaysAgo,
    });
    // Instances that started missing a Critical patch today are within the SLA.
    const others = latest.filter((r) => r.instanceId !== web3!.instanceId && r.criticalSince !== null);
    expect(others.length).toBeGreaterThan(0);

    const text = await privateAnswer(h, 'status PRD');
    expect(text).toContain('Past the patch SLA (1 instance)');
    expect(text).toMatch(
      /prd-web-3\*? `i-[0-9a-f]+` — Critical missing 8 days \(since \d{4}-\d{2}-\d{2}, SLA 7 days\)/,
    );
    for (const other of others) expect(text).not.toContain(`${other.instanceId}\` — Critical missing`);
  });

  it('the digest says it too', async () => {
    const before = h.slack.messages(channels.prd).length;
    await h.bot.runJob('digest');
    const digest = h.slack
      .messages(channels.prd)
      .slice(before)
      .map(readable)
      .find((t) => t.includes('Daily patch digest'));
    expect(digest).toMatch(/Past the patch SLA: 1 instance \(prd-web-3 Critical 8 days\)/);
  });

  it('deletes history days past history.retentionDays (400) after a compliance poll, and keeps the rest', async () => {
    const store = h.bot.store;
    const today = utcDay(new Date());
    const day = (d: string) => ({
      group: 'STG',
      day: d,
      instances: 0,
      compliant: 0,
      critical: 0,
      important: 0,
      pendingReboot: 0,
      unreachable: 0,
      oldestScanAt: null,
      rows: [],
    });
    await store.complianceHistory.recordDay(day(addDays(today, -400)));
    await store.complianceHistory.recordDay(day(addDays(today, -399)));
    await h.bot.runJob('compliance-poll');
    const kept = await store.complianceHistory.groupDays(['STG'], addDays(today, -500), addDays(today, -300));
    expect(kept.map((d) => d.day)).toEqual([addDays(today, -399)]);
  });
});
