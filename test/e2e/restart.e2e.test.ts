/**
 * The bot stopped in the middle of a scan and started again on the same state file: the scan is
 * not sent again, and its result is still posted, once, in the same message.
 */
import { waitFor } from '@patchbot/sandbox/slack';
import { sandboxFleet } from '../support/aws';
import { DEMO_IDS, OPERATION_ENDED, readable, settled, startHarness, type Harness } from '../support/bot';

/** Waits until SSM reports every invocation of the one command sent as ended. */
async function commandEnded(h: Harness): Promise<void> {
  const fleet = sandboxFleet(h.sim.url);
  try {
    const commandId = h.sim.changes('SendCommand')[0]!.detail['commandId'] as string;
    const ended = new Set(['Success', 'Failed', 'Cancelled', 'TimedOut']);
    await waitFor(
      async () => {
        const invocations = await fleet.gateways[0]!.listCommandInvocations(commandId);
        return invocations.length > 0 && invocations.every((i) => ended.has(i.status));
      },
      10000,
      'the scan to end in SSM',
      100,
    );
  } finally {
    fleet.close();
  }
}

const { users, channels } = DEMO_IDS;

describe('restart during a scan', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ sim: { timing: { pendingMs: 200, runMs: 1500 } } });
  });
  afterAll(async () => h.close());

  it('resumes tracking and posts the result once', async () => {
    await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text: 'scan PRD' });
    const started = await h.slack.driver.waitForMessage(channels.prd, /Scan of PRD/, 10000);
    expect(started.text).not.toMatch(OPERATION_ENDED);

    await h.bot.stop();
    // While the bot is down the instances finish; nothing can post the result.
    await commandEnded(h);
    expect(h.slack.messages(channels.prd).find((m) => m.ts === started.ts)?.text).not.toMatch(OPERATION_ENDED);

    await h.restart();
    const final = await h.slack.driver.waitForUpdate(
      channels.prd,
      started.ts,
      (m) => OPERATION_ENDED.test(m.text),
      20000,
    );
    expect(readable(final)).toContain('prd-app-3');

    await settled(h.bot);
    const scans = h.slack
      .messages(channels.prd)
      .filter((m) => (m.thread_ts ?? m.ts) === m.ts && /Scan of PRD/.test(m.text));
    expect(scans).toHaveLength(1);
    const replies = h.slack.messages(channels.prd).filter((m) => m.thread_ts === started.ts && m.ts !== started.ts);
    expect(replies.length).toBeGreaterThan(0);
    const detail = replies.map((r) => r.text);
    expect(new Set(detail).size).toBe(detail.length);
    expect(h.sim.stats().calls.SendCommand).toBe(1);
    const op = (await h.bot.store.operations.listRecent({ limit: 1 }))[0];
    expect(op?.status).toMatch(/succeeded|failed/);
  });
});
