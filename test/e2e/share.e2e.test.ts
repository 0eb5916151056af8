/**
 * Who sees what: status, baseline and windows answer privately with a Share in channel button;
 * a click posts the same answer in the channel (for an operator only), removes the private copy,
 * and where the bot is not in the channel says how to invite it. Through the real Bolt app,
 * signed clicks and the SDK against the simulator.
 */
import { DEMO_IDS, readable, settled, startHarness, type Harness } from '../support/bot';

const { users, channels } = DEMO_IDS;
const SHARE = 'patchbot.share';

describe('Share in channel', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  /** `/patch <text>` as `userId` in `channelId`; returns the private answer that carries the Share button. */
  async function privateAnswer(text: string, channelId: string = channels.prd, userId: string = users.alice) {
    const sent = await h.slack.driver.slashCommand({ userId, channelId, text });
    expect(sent.status).toBe(200);
    const response = await h.slack.driver.waitForResponse(
      (x) => x.url === sent.responseUrl && JSON.stringify(x.body).includes('Share in channel'),
      10000,
    );
    expect(response.ts).toBeDefined();
    return { ts: response.ts!, text: JSON.stringify(response.body) };
  }

  /** Clicks a button as `userId` and returns what that user was told privately by that click. */
  async function click(options: {
    userId: string;
    channelId: string;
    messageTs: string;
    value?: string;
  }): Promise<{ told: string; responseUrl: string }> {
    const r = await h.slack.driver.blockAction({ ...options, actionId: SHARE });
    expect(r.status).toBe(200);
    await settled(h.bot);
    return {
      told: JSON.stringify(h.slack.responses().filter((x) => x.url === r.responseUrl)),
      responseUrl: r.responseUrl!,
    };
  }

  const topLevel = (channel: string) => h.slack.messages(channel).filter((m) => (m.thread_ts ?? m.ts) === m.ts);

  it.each([
    ['status PRD', /PRD compliance/],
    ['baseline STG', /STG-AL2Baseline/],
    ['windows', /patch-window-am2/],
  ])(
    '"/patch %s" answers privately; Share in channel posts the answer there and removes the private copy',
    async (text, match) => {
      const before = topLevel(channels.prd).length;
      const answer = await privateAnswer(text);
      expect(answer.text).toMatch(match);
      expect(topLevel(channels.prd)).toHaveLength(before);

      const seen = new Set(h.slack.messages(channels.prd).map((m) => m.ts));
      const { told } = await click({ userId: users.alice, channelId: channels.prd, messageTs: answer.ts });
      const shared = await h.slack.driver.waitForMessage(
        channels.prd,
        (m) => !seen.has(m.ts) && match.test(readable(m)),
        10000,
      );
      expect(readable(shared)).not.toContain('Share in channel');
      expect(told).toMatch(/"outcome":"deleted"/);
      expect(h.slack.ephemerals(channels.prd, users.alice).some((e) => e.ts === answer.ts)).toBe(false);
    },
  );

  it('a clicker who may not run the command is refused privately and nothing is posted', async () => {
    // mallory cannot see alice's private answer; she forges the click on a message she can see.
    const post = await (async () => {
      const seen = new Set(h.slack.messages(channels.prd).map((m) => m.ts));
      await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text: 'status STG public' });
      return h.slack.driver.waitForMessage(
        channels.prd,
        (m) => !seen.has(m.ts) && /STG compliance/.test(readable(m)),
        10000,
      );
    })();
    const before = h.slack.messages(channels.prd).length;
    const { told } = await click({
      userId: users.mallory,
      channelId: channels.prd,
      messageTs: post.ts,
      value: '{"command":"status","group":"PRD"}',
    });
    expect(told).toMatch(/not an operator on PRD/);
    expect(told).toContain('"user":"U0MALLORY1"');
    expect(h.slack.messages(channels.prd)).toHaveLength(before);
  });

  it.each([
    ['not JSON', 'status PRD'],
    ['another command', '{"command":"install","group":"PRD"}'],
    ['a hostile group', '{"command":"status","group":"<!channel>"}'],
    ['extra keys', '{"command":"status","group":"PRD","as":"U0BOB00001"}'],
    ['too long', `{"command":"status","group":"${'P'.repeat(2100)}"}`],
  ])('a forged value (%s) is refused to the clicker alone, and nothing is posted', async (_what, value) => {
    const answer = await privateAnswer('status PRD');
    const before = h.slack.messages(channels.prd).length;
    const { told } = await click({ userId: users.alice, channelId: channels.prd, messageTs: answer.ts, value });
    expect(told).toMatch(/does not belong to a patchbot answer; nothing was posted/);
    expect(h.slack.messages(channels.prd)).toHaveLength(before);
  });

  it('in a channel the bot is not in, the click answers privately with how to invite the bot, and keeps the private copy', async () => {
    const answer = await privateAnswer('status PRD', channels.ops);
    const { told } = await click({ userId: users.alice, channelId: channels.ops, messageTs: answer.ts });
    expect(told).toMatch(/not_in_channel.*\/invite @patchbot/);
    expect(told).toMatch(/PRD compliance/);
    expect(h.slack.messages(channels.ops)).toHaveLength(0);
    expect(h.slack.ephemerals(channels.ops, users.alice).some((e) => e.ts === answer.ts)).toBe(true);
  });
});
