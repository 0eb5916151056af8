/**
 * Reject, cancel, expiry and a crash between approval and send, through the real Bolt app and the real SDK
 * against the simulator: the card says what happened and a change runs at most once.
 */
import { openStore } from '../../src/store';
import { silentLogger } from '../../src/logger';
import { OPERATION_ENDED, demoConfig, readable, settled, startHarness } from '../support/bot';
import { users, channels, APPROVE, requestCard, approve, sends } from './approval-helpers';

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
