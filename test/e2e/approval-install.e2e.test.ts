/**
 * Install and reboot on a protected group through the real Bolt app, signed clicks and the real
 * SDK against the simulator: nobody changes PRD alone, and a change runs exactly once.
 */
import { GROUPS, sandboxFleet } from '../support/aws';
import { OPERATION_ENDED, readable, startHarness, type Harness } from '../support/bot';
import { users, channels, APPROVE, requestCard, approve, sends } from './approval-helpers';

describe('install on PRD with approval', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  it('shows the patches the fleet is missing, refuses the requester and strangers, and sends once for two approvers at once', async () => {
    const card = await requestCard(h, 'install PRD', /Install .*PRD.*waiting for approval/);
    const text = readable(card);
    expect(text).toMatch(/waiting for approval/);
    expect(text).toContain(APPROVE);
    expect(text).toContain('patchbot.reject');

    // The card lists what SSM says the targets are missing.
    const fleet = sandboxFleet(h.sim.url);
    try {
      const gw = fleet.gateways[0]!;
      const states = await gw.listPatchStates(GROUPS.PRD);
      const missing = await gw.listInstancePatches(
        states.filter((s) => s.missingCount > 0).map((s) => s.instanceId),
        ['Missing'],
      );
      const titles = [...new Set([...missing.values()].flat().map((p) => p.title))];
      expect(titles.length).toBeGreaterThan(0);
      for (const title of titles)
        expect(text + JSON.stringify(h.slack.messages(channels.prd).filter((m) => m.thread_ts === card.ts))).toContain(
          title,
        );
    } finally {
      fleet.close();
    }
    expect(text).toContain('prd-app-3'); // excluded: agent unreachable

    expect(await approve(h, card.ts, users.alice)).toMatch(/you requested this change/i);
    expect(await approve(h, card.ts, users.mallory)).toMatch(/not an approver|may approve|Who may/i);
    expect(sends(h)).toBe(0);

    // bob (by user id) and carol (through @patch-leads) click at the same moment.
    await Promise.all([
      h.slack.driver.blockAction({ userId: users.bob, channelId: channels.prd, messageTs: card.ts, actionId: APPROVE }),
      h.slack.driver.blockAction({
        userId: users.carol,
        channelId: channels.prd,
        messageTs: card.ts,
        actionId: APPROVE,
      }),
    ]);
    const done = await h.slack.driver.waitForUpdate(channels.prd, card.ts, (m) => OPERATION_ENDED.test(m.text), 20000);
    expect(sends(h)).toBe(1);
    expect(readable(done)).toMatch(/Approved by/);
    expect(readable(done)).not.toContain(APPROVE);
    expect(await approve(h, card.ts, users.bob)).toMatch(/already|succeeded|failed|approved/i);
    expect(sends(h)).toBe(1);
  });

  it('reboot PRD after the NoReboot install reboots only the waiting instances, and their pending reboot clears', async () => {
    const fleetBefore = sandboxFleet(h.sim.url);
    const gwBefore = fleetBefore.gateways[0]!;
    const names = new Map(
      (await gwBefore.listManagedInstances(GROUPS.PRD)).map((i) => [i.instanceId, i.name ?? i.instanceId]),
    );
    const waiting = (await gwBefore.listPatchStates(GROUPS.PRD))
      .filter((s) => s.installedPendingRebootCount > 0)
      .map((s) => names.get(s.instanceId)!);
    fleetBefore.close();
    expect(waiting.length).toBeGreaterThan(0);

    const card = await requestCard(h, 'reboot PRD', /Reboot .*PRD.*waiting for approval/);
    const planned =
      readable(card) + JSON.stringify(h.slack.messages(channels.prd).filter((m) => m.thread_ts === card.ts));
    for (const name of waiting) expect(planned).toContain(name);
    expect(card.text).toContain(`${waiting.length} PRD instance`);
    await approve(h, card.ts, users.carol);
    const done = await h.slack.driver.waitForUpdate(channels.prd, card.ts, (m) => OPERATION_ENDED.test(m.text), 20000);
    expect(done.text).toMatch(/Reboot of PRD succeeded/);
    expect(h.sim.stats().calls.RebootInstances).toBe(1);
    const fleet = sandboxFleet(h.sim.url);
    try {
      const states = await fleet.gateways[0]!.listPatchStates(GROUPS.PRD);
      expect(states.filter((s) => s.installedPendingRebootCount > 0)).toEqual([]);
    } finally {
      fleet.close();
    }
  });
});

describe('who may approve', () => {
  it('a non-operator cannot request, and an operator who is not an approver cannot approve', async () => {
    const h = await startHarness();
    try {
      await h.slack.driver.slashCommand({ userId: users.mallory, channelId: channels.prd, text: 'install PRD' });
      await h.slack.driver.waitFor(
        () => /not an operator on PRD/.test(JSON.stringify(h.slack.responses())),
        5000,
        'the refusal',
      );
      expect(JSON.stringify(h.slack.responses())).toMatch(/not an operator on PRD/);

      const seen = new Set(h.slack.messages(channels.prd).map((m) => m.ts));
      await h.slack.driver.slashCommand({ userId: users.bob, channelId: channels.prd, text: 'install PRD' });
      const card = await h.slack.driver.waitForMessage(
        channels.prd,
        (m) => !seen.has(m.ts) && /waiting for approval/.test(m.text),
        10000,
      );
      const told = await approve(h, card.ts, users.alice);
      expect(told).toMatch(/approver/i);
      expect(sends(h)).toBe(0);
      await approve(h, card.ts, users.carol);
      await h.slack.driver.waitForUpdate(channels.prd, card.ts, (m) => OPERATION_ENDED.test(m.text), 20000);
      expect(sends(h)).toBe(1);
    } finally {
      await h.close();
    }
  });
});
