/**
 * Install and reboot on a protected group through the real Bolt app, signed clicks and the real
 * SDK against the simulator: nobody changes PRD alone, and a change runs exactly once.
 */
import { openStore } from '../../src/store';
import { silentLogger } from '../../src/logger';
import { GROUPS, sandboxFleet } from '../support/aws';
import { DEMO_IDS, OPERATION_ENDED, demoConfig, readable, settled, startHarness, type Harness } from '../support/bot';

const { users, channels } = DEMO_IDS;
const APPROVE = 'patchbot.approve';

/** Posts `/patch <text>` as alice and returns the approval card it produced. */
async function requestCard(h: Harness, text: string, match: RegExp) {
  const seen = new Set(h.slack.messages(channels.prd).map((m) => m.ts));
  await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text });
  return h.slack.driver.waitForMessage(channels.prd, (m) => !seen.has(m.ts) && match.test(m.text), 10000);
}

/** Clicks Approve as `userId` and returns what that user was told privately, if anything. */
async function approve(h: Harness, ts: string, userId: string): Promise<string> {
  const before = h.slack.responses().length;
  const r = await h.slack.driver.blockAction({ userId, channelId: channels.prd, messageTs: ts, actionId: APPROVE });
  expect(r.status).toBe(200);
  await settled(h.bot);
  return JSON.stringify(h.slack.responses().slice(before));
}

const sends = (h: Harness) => h.sim.stats().calls.SendCommand ?? 0;

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

describe('reject', () => {
  it('asks for a reason, updates the card with who rejected and why, and refuses a later Approve', async () => {
    const h = await startHarness();
    try {
      const card = await requestCard(h, 'install PRD', /Install .*PRD.*waiting for approval/);
      await h.slack.driver.blockAction({
        userId: users.bob,
        channelId: channels.prd,
        messageTs: card.ts,
        actionId: 'patchbot.reject',
      });
      const modal = await h.slack.driver.waitFor(
        () => h.slack.modals().find((m) => m.user === users.bob && m.state === 'open'),
        5000,
        'the reject dialog',
      );
      const sent = await h.slack.driver.viewSubmission({
        userId: users.bob,
        viewId: modal.id,
        inputs: { reason_input: 'change freeze <!channel>' },
      });
      expect(sent.status).toBe(200);
      const rejected = await h.slack.driver.waitForUpdate(
        channels.prd,
        card.ts,
        (m) => /rejected/i.test(m.text),
        10000,
      );
      const text = readable(rejected);
      expect(text).toContain(users.bob);
      expect(text).toContain('change freeze &lt;!channel&gt;');
      expect(text).not.toContain('patchbot.approve');
      expect(await approve(h, card.ts, users.carol)).toMatch(/rejected/i);
      expect(sends(h)).toBe(0);
    } finally {
      await h.close();
    }
  });
});

describe('cancel', () => {
  it('only the requester or an approver may cancel; the card then says so and nothing is sent', async () => {
    const h = await startHarness();
    try {
      const card = await requestCard(h, 'install PRD', /Install .*PRD.*waiting for approval/);
      const id = readable(card).match(/op-[0-9a-z]{6}/)![0];
      const before = h.slack.responses().length;
      await h.slack.driver.slashCommand({ userId: users.mallory, channelId: channels.prd, text: `cancel ${id}` });
      await h.slack.driver.waitFor(
        () => /requester or an approver|may cancel|Who may/i.test(JSON.stringify(h.slack.responses().slice(before))),
        5000,
        'the refusal',
      );
      expect(JSON.stringify(h.slack.responses().slice(before))).toMatch(/requester or an approver|may cancel|Who may/i);

      await h.slack.driver.slashCommand({
        userId: users.alice,
        channelId: channels.prd,
        text: `cancel ${id.toUpperCase()}`,
      });
      const cancelled = await h.slack.driver.waitForUpdate(channels.prd, card.ts, (m) => /cancel/i.test(m.text), 10000);
      expect(readable(cancelled)).not.toContain('patchbot.approve');
      expect(await approve(h, card.ts, users.bob)).toMatch(/cancel/i);
      expect(sends(h)).toBe(0);

      // Cancelling it again is a plain answer saying its state, who and when, not an error with a request id.
      const again = await h.slack.driver.slashCommand({
        userId: users.alice,
        channelId: channels.prd,
        text: `cancel ${id}`,
      });
      const told = JSON.stringify(
        (await h.slack.driver.waitForResponse((x) => x.url === again.responseUrl, 10000)).body,
      );
      expect(told).toMatch(
        new RegExp(
          `Nothing to cancel: The install ${id} on PRD was cancelled by .*${users.alice}.* at \\d{4}-\\d{2}-\\d{2}`,
        ),
      );
      expect(told).not.toMatch(/Request|bot logs/);
    } finally {
      await h.close();
    }
  });
});

describe('cancel a running scan', () => {
  it('cancels its SSM command and ends the operation cancelled', async () => {
    const h = await startHarness({ sim: { timing: { pendingMs: 500, runMs: 4000 } } });
    try {
      const seen = new Set(h.slack.messages(channels.prd).map((m) => m.ts));
      await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text: 'scan PRD' });
      const msg = await h.slack.driver.waitForMessage(
        channels.prd,
        (m) => !seen.has(m.ts) && /Scan of PRD/.test(m.text),
        10000,
      );
      const id = readable(msg).match(/op-[0-9a-z]{6}/)![0];
      await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text: `cancel ${id}` });
      const ended = await h.slack.driver.waitForUpdate(channels.prd, msg.ts, (m) => /cancel/i.test(m.text), 10000);
      expect(ended.text).toMatch(/cancel/i);
      expect(h.sim.stats().calls.CancelCommand).toBe(1);
      expect((await h.bot.store.operations.get(id))?.status).toBe('cancelled');
    } finally {
      await h.close();
    }
  });
});

describe('expiry and crashes', () => {
  it('an expired request updates its card and refuses a later Approve', async () => {
    const h = await startHarness({ config: demoConfig((t) => t.replace('expiresAfter: 4h', 'expiresAfter: 1s')) });
    try {
      const card = await requestCard(h, 'install PRD', /Install .*PRD.*waiting for approval/);
      const expired = await h.slack.driver.waitForUpdate(channels.prd, card.ts, (m) => /expired/i.test(m.text), 10000);
      expect(readable(expired)).not.toContain(APPROVE);
      const told = await h.slack.driver.blockAction({
        userId: users.bob,
        channelId: channels.prd,
        messageTs: card.ts,
        actionId: APPROVE,
        value: readable(card).match(/op-[0-9a-z]{6}/)![0],
      });
      expect(told.status).toBe(200);
      await h.slack.driver.waitFor(
        () => /expired/i.test(JSON.stringify(h.slack.responses())),
        5000,
        'the expired answer',
      );
      expect(JSON.stringify(h.slack.responses())).toMatch(/expired/i);
      expect(sends(h)).toBe(0);
    } finally {
      await h.close();
    }
  });

  it('a bot killed after approval and before the send sends exactly once after restart, and posts the result', async () => {
    const h = await startHarness();
    try {
      const card = await requestCard(h, 'install PRD', /Install .*PRD.*waiting for approval/);
      const id = readable(card).match(/op-[0-9a-z]{6}/)![0];
      await h.bot.stop();
      // What a crash right after the approval and the claim would leave behind.
      const store = await openStore({ path: h.dbPath, logger: silentLogger() });
      await store.operations.transition(id, { from: 'pending', to: 'approved' });
      await store.operations.transition(id, { from: 'approved', to: 'sending' });
      await store.close();
      expect(sends(h)).toBe(0);

      await h.restart();
      await h.slack.driver.waitForUpdate(channels.prd, card.ts, (m) => OPERATION_ENDED.test(m.text), 20000);
      await settled(h.bot);
      expect(sends(h)).toBe(1);
    } finally {
      await h.close();
    }
  });
});
