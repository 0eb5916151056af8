/**
 * One change per group at a time, through the real Bolt app: two install requests at the same
 * moment make one card (or one run), and the other requester is told privately which change is in
 * the way, its state, who asked and how to cancel it.
 */
import { DEMO_IDS, readable, settled, startHarness, type Harness } from '../support/bot';

const { users, channels } = DEMO_IDS;

describe('one change per group', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.close());

  it('two /patch install PRD at the same moment: one card, the other told what is in the way', async () => {
    const before = h.slack.messages(channels.prd).length;
    const answered = h.slack.responses().length;
    await Promise.all([
      h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text: 'install PRD' }),
      h.slack.driver.slashCommand({ userId: users.bob, channelId: channels.prd, text: 'install PRD' }),
    ]);
    await h.slack.driver.waitForMessage(channels.prd, (m) => /waiting for approval/.test(m.text), 15000);
    const refusal = await h.slack.driver.waitFor(
      async () =>
        h.slack
          .responses()
          .slice(answered)
          .find((r) => /Only one change runs on a group at a time/.test(JSON.stringify(r.body))),
      15000,
      'the refusal',
    );
    await settled(h.bot);
    const cards = h.slack
      .messages(channels.prd)
      .slice(before)
      .filter((m) => !m.thread_ts && /Install/.test(m.text));
    expect(cards).toHaveLength(1);
    const held = (await h.bot.store.operations.listRecent({ group: 'PRD', limit: 5 })).filter(
      (o) => o.kind === 'install',
    );
    expect(held).toHaveLength(1);
    const text = JSON.stringify(refusal.body);
    expect(text).toContain(held[0]!.id);
    expect(text).toContain('waiting for approval');
    expect(text).toContain(`/patch cancel ${held[0]!.id}`);
    expect(text).toMatch(/requested by <@U0(ALICE001|BOB00001)>/);
    expect(text).not.toContain('Request ');
  });

  it('STG (no approval): a second install while the first runs is refused; exactly one command is sent', async () => {
    await Promise.all([
      h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.stg, text: 'install STG' }),
      h.slack.driver.slashCommand({ userId: users.bob, channelId: channels.stg, text: 'install STG' }),
    ]);
    const done = await h.slack.driver.waitForMessage(
      channels.stg,
      (m) => /Install of STG (succeeded|finished with problems|failed)/.test(m.text),
      30000,
    );
    expect(h.sim.changes('SendCommand')).toHaveLength(1);
    expect(readable(done)).toContain('STG');
    expect(JSON.stringify(h.slack.responses())).toMatch(/Only one change runs on a group at a time/);
  });
});
