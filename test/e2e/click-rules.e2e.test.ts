/**
 * The click rules, through the real Bolt app and the Slack stand-in: a button counts only on the
 * card of the operation it names, and an Approve is stored before Slack is told the click arrived
 * (so a crash right after the acknowledgement loses nothing), or the clicker is told it was not.
 */
import { DEMO_IDS, demoConfig, settled, startHarness, type Harness } from '../support/bot';

const { users, channels } = DEMO_IDS;
const APPROVE = 'patchbot.approve';

/** STG needs approval too, so both channels hold a pending card at once. */
const bothProtected = () =>
  demoConfig((t) =>
    t.replace(
      '    operators: [U0ALICE001, U0BOB00001, S0LEADS001]\n    install:\n      rebootOption: RebootIfNeeded',
      '    operators: [U0ALICE001, U0BOB00001, S0LEADS001]\n    approval:\n      required: true\n      approvers: [U0BOB00001, S0LEADS001]\n    install:\n      rebootOption: RebootIfNeeded',
    ),
  );

/** Requests `/patch install <group>` as alice and returns its card and operation. */
async function pendingInstall(h: Harness, group: 'STG' | 'PRD') {
  const channel = group === 'STG' ? channels.stg : channels.prd;
  const seen = new Set(h.slack.messages(channel).map((m) => m.ts));
  await h.slack.driver.slashCommand({ userId: users.alice, channelId: channel, text: `install ${group}` });
  const card = await h.slack.driver.waitForMessage(
    channel,
    (m) => !seen.has(m.ts) && /waiting for approval/.test(m.text),
    10000,
  );
  // The tracker stores where it posted right after the post.
  const op = await h.slack.driver.waitFor(
    async () => (await h.bot.store.operations.listRecent({ limit: 10, group })).find((o) => o.messageTs === card.ts),
    5000,
    'the card recorded',
  );
  return { card, op, channel };
}

describe('a click counts only on its own card', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: bothProtected() });
  });
  afterAll(async () => h.close());

  it('an Approve on card A whose value names C approves neither, and the clicker is told', async () => {
    const a = await pendingInstall(h, 'STG');
    const c = await pendingInstall(h, 'PRD');
    const click = await h.slack.driver.blockAction({
      userId: users.bob,
      channelId: a.channel,
      messageTs: a.card.ts,
      actionId: APPROVE,
      value: c.op.id,
    });
    expect(click.status).toBe(200);
    const told = await h.slack.driver.waitForResponse((r) => JSON.stringify(r.body).includes('not on the card'));
    expect(JSON.stringify(told.body)).toContain(c.op.id);
    await settled(h.bot);
    for (const op of [a.op, c.op]) {
      expect(await h.bot.store.approvals.list(op.id)).toEqual([]);
      expect((await h.bot.store.operations.get(op.id))?.status).toBe('pending');
    }
    expect(h.sim.stats().calls.SendCommand ?? 0).toBe(0);
    expect((await h.bot.store.audit.list({ operationId: c.op.id, limit: 10 })).map((e) => e.action)).toContain(
      'operation.refused',
    );

    // The same click on C's own card approves C.
    const own = await h.slack.driver.blockAction({
      userId: users.bob,
      channelId: c.channel,
      messageTs: c.card.ts,
      actionId: APPROVE,
    });
    expect(own.status).toBe(200);
    expect((await h.bot.store.approvals.list(c.op.id)).map((v) => v.userId)).toEqual([users.bob]);
    expect(await h.bot.store.approvals.list(a.op.id)).toEqual([]);
  });

  it('Reject on card A naming C opens no dialog and rejects nothing', async () => {
    const a = (await h.bot.store.operations.listRecent({ limit: 1, group: 'STG' }))[0]!;
    const prdCard = h.slack.messages(channels.prd).find((m) => /waiting for approval|approved/i.test(m.text))!;
    const before = h.slack.calls('views.open').length;
    const click = await h.slack.driver.blockAction({
      userId: users.bob,
      channelId: channels.prd,
      messageTs: prdCard.ts,
      actionId: 'patchbot.reject',
      value: a.id,
    });
    expect(click.status).toBe(200);
    await h.slack.driver.waitForResponse((r) => JSON.stringify(r.body).includes('does not belong'));
    expect(h.slack.calls('views.open').length).toBe(before);
    expect((await h.bot.store.operations.get(a.id))?.status).toBe('pending');
  });
});

describe('an Approve is stored before it is acknowledged', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.close());

  it('the vote and the approval are in the store when the HTTP answer arrives; the send follows', async () => {
    const { card, op, channel } = await pendingInstall(h, 'PRD');
    // carol approves through @patch-leads: her click needs a Web API look-up, slowed down here.
    h.slack.configure({ latencyMs: 400 });
    const click = await h.slack.driver.blockAction({
      userId: users.carol,
      channelId: channel,
      messageTs: card.ts,
      actionId: APPROVE,
    });
    // Read synchronously on the answer: nothing of the bot's ran in between.
    const votes = (await h.bot.store.approvals.list(op.id)).map((v) => v.userId);
    const status = (await h.bot.store.operations.get(op.id))?.status;
    expect(click.status).toBe(200);
    expect(click.slackError).toBeUndefined();
    expect(votes).toEqual([users.carol]);
    expect(['approved', 'sending', 'running', 'succeeded']).toContain(status);
    h.slack.configure({ latencyMs: 0 });
    await h.slack.driver.waitFor(() => (h.sim.stats().calls.SendCommand ?? 0) === 1, 10000, 'the send');
  });

  it('a decision that cannot be stored within the budget is acknowledged in time, not recorded, and the clicker is told', async () => {
    const { card, op, channel } = await pendingInstall(h, 'PRD');
    h.slack.configure({ latencyMs: 2600 });
    const click = await h.slack.driver.blockAction({
      userId: users.carol,
      channelId: channel,
      messageTs: card.ts,
      actionId: APPROVE,
    });
    expect(click.status).toBe(200);
    expect(click.slackError).toBeUndefined();
    expect(click.elapsedMs).toBeLessThan(3000);
    const told = await h.slack.driver.waitForResponse((r) => JSON.stringify(r.body).includes('not recorded'), 8000);
    expect(JSON.stringify(told.body)).toMatch(/Click again/);
    h.slack.configure({ latencyMs: 0 });
    expect(await h.bot.store.approvals.list(op.id)).toEqual([]);
    expect((await h.bot.store.operations.get(op.id))?.status).toBe('pending');
    expect(h.sim.stats().calls.SendCommand ?? 0).toBe(0);
  }, 20000);
});
