/**
 * Exactly once when AWS's answer is lost, late or cut by a stop: SendCommand and RebootInstances are
 * not idempotent, so patchbot never lets the SDK retry them; it waits until a lost request can no
 * longer land, looks the command up by its Comment, and sends again only when nothing ran. Real Bolt,
 * signed clicks, the real SDK against the simulator, whose network faults drop or delay the answers.
 */
import { DEMO_IDS, OPERATION_ENDED, readable, settled, startHarness, type Harness } from '../support/bot';

const { users, channels } = DEMO_IDS;
/** Answers are awaited 2 s (a loaded CI machine answers in time): a lost send may land until 2 s + the 5 s margin after it started. */
const AWS = { sendTimeoutMs: 2_000 };

async function requestAndApprove(h: Harness, text: string, match: RegExp) {
  const seen = new Set(h.slack.messages(channels.prd).map((m) => m.ts));
  await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text });
  const card = await h.slack.driver.waitForMessage(channels.prd, (m) => !seen.has(m.ts) && match.test(m.text), 15000);
  await h.slack.driver.blockAction({
    userId: users.bob,
    channelId: channels.prd,
    messageTs: card.ts,
    actionId: 'patchbot.approve',
  });
  return card;
}

const ended = (h: Harness, ts: string) =>
  h.slack.driver.waitForUpdate(channels.prd, ts, (m) => OPERATION_ENDED.test(m.text), 60000);

describe('lost and late AWS answers', () => {
  let h: Harness;
  afterEach(async () => h.close());

  it('a SendCommand whose answer is lost is looked up, not repeated: one command, the right result', async () => {
    h = await startHarness({
      aws: AWS,
      sim: { faults: [{ action: 'ssm:SendCommand', kind: 'lose-answer', times: 1 }] },
    });
    const card = await requestAndApprove(h, 'install PRD', /Install .*PRD.*waiting for approval/);
    const done = await ended(h, card.ts);
    expect(h.sim.changes('SendCommand')).toHaveLength(1);
    expect(done.text).toMatch(/Install of PRD (succeeded|finished with problems)/);
    expect(readable(done)).not.toMatch(/Nothing was changed/);
    const op = (await h.bot.store.operations.listRecent({ limit: 5 })).find((o) => o.messageTs === card.ts)!;
    expect(op.commands).toHaveLength(1);
    expect(op.commands[0]!.commandId).toBe(h.sim.changes('SendCommand')[0]!.detail['commandId']);
  });

  it('a SendCommand that lands after its sender gave up is found, not sent again', async () => {
    h = await startHarness({
      aws: AWS,
      sim: { faults: [{ action: 'ssm:SendCommand', kind: 'delay', ms: 3_000, times: 1 }] },
    });
    const card = await requestAndApprove(h, 'install PRD', /Install .*PRD.*waiting for approval/);
    await ended(h, card.ts);
    expect(h.sim.changes('SendCommand')).toHaveLength(1);
  });

  it('a SendCommand that never reached AWS is sent again once the lookup finds nothing', async () => {
    h = await startHarness({
      aws: AWS,
      sim: { faults: [{ action: 'ssm:SendCommand', kind: 'hang', ms: 3_000, times: 1 }] },
    });
    const card = await requestAndApprove(h, 'install PRD', /Install .*PRD.*waiting for approval/);
    const done = await ended(h, card.ts);
    expect(h.sim.changes('SendCommand')).toHaveLength(1);
    expect(h.sim.stats().calls.SendCommand).toBe(2);
    expect(done.text).toMatch(/Install of PRD (succeeded|finished with problems)/);
  });

  it('a stop with the send on the wire: the restart waits until it can no longer land, finds it, sends nothing more', async () => {
    h = await startHarness({
      aws: AWS,
      sim: { faults: [{ action: 'ssm:SendCommand', kind: 'delay', ms: 3_000, times: 1 }] },
    });
    const card = await requestAndApprove(h, 'install PRD', /Install .*PRD.*waiting for approval/);
    await h.slack.driver.waitFor(
      async () => ((h.sim.stats().calls.SendCommand ?? 0) > 0 ? true : undefined),
      10000,
      'the send on the wire',
    );
    await h.bot.stop();
    await h.restart();
    await ended(h, card.ts);
    expect(h.sim.changes('SendCommand')).toHaveLength(1);
  });

  it('a RebootInstances whose answer is lost is never repeated, and the card does not claim nothing was rebooted', async () => {
    h = await startHarness({ aws: AWS });
    const install = await requestAndApprove(h, 'install PRD', /Install .*PRD.*waiting for approval/);
    await ended(h, install.ts);
    // The card shows the result just before the operation closes; the reboot may be asked once it has.
    await h.slack.driver.waitFor(
      async () =>
        (await h.bot.store.operations.listRecent({ group: 'PRD', limit: 5 })).some(
          (o) => o.messageTs === install.ts && o.finishedAt,
        )
          ? true
          : undefined,
      10000,
      'the install closed',
    );
    h.sim.configure({ faults: [{ action: 'ec2:RebootInstances', kind: 'lose-answer', times: 1 }] });
    const card = await requestAndApprove(h, 'reboot PRD', /Reboot .*PRD.*waiting for approval/);
    const done = await ended(h, card.ts);
    await settled(h.bot);
    expect(h.sim.changes('RebootInstances')).toHaveLength(1);
    expect(h.sim.stats().calls.RebootInstances).toBe(1);
    const text = readable(done);
    expect(text).not.toMatch(/Not rebooted|nothing was rebooted/i);
    expect(text).toMatch(/may or may not have/);
  });
});
