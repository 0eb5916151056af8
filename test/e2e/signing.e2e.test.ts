/**
 * Requests that did not come from Slack are refused by the real Bolt app with 401, and nothing
 * happens: no AWS call, no message, no reply.
 */
import { DEMO_IDS, settled, startHarness, type Harness } from '../support/bot';

const { users, channels } = DEMO_IDS;

describe('request signing', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  /** Everything the bot did in Slack and AWS, apart from its start-up auth.test. */
  const sideEffects = () => ({
    slack: h.slack.calls().filter((c) => c.method !== 'auth.test').length,
    responses: h.slack.responses().length,
    aws: Object.values(h.sim.stats().calls).reduce((n, c) => n + c, 0),
  });

  beforeEach(() => h.sim.resetStats());

  it('refuses a wrong signature', async () => {
    const before = sideEffects();
    const sent = await h.slack.driver.slashCommand({
      userId: users.alice,
      channelId: channels.prd,
      text: 'scan PRD',
      signingSecret: 'not-the-secret',
    });
    expect(sent.status).toBe(401);
    await settled(h.bot);
    expect(sideEffects()).toEqual({ ...before, aws: 0 });
  });

  it('refuses a timestamp more than five minutes old', async () => {
    const before = sideEffects();
    const sent = await h.slack.driver.slashCommand({
      userId: users.alice,
      channelId: channels.prd,
      text: 'scan PRD',
      timestampOffsetSeconds: -6 * 60,
    });
    expect(sent.status).toBe(401);
    await settled(h.bot);
    expect(sideEffects()).toEqual({ ...before, aws: 0 });
  });

  it('refuses a captured body replayed with a new timestamp', async () => {
    const original = await h.slack.driver.slashCommand({
      userId: users.alice,
      channelId: channels.prd,
      text: 'groups',
    });
    expect(original.status).toBe(200);
    await h.slack.driver.waitForResponse();
    const before = sideEffects();
    // A fresh timestamp with the captured signature: the signature covers the old timestamp.
    const replay = await h.slack.driver.send(original.sent.body, {
      signature: original.sent.signature,
      timestampOffsetSeconds: 30,
    });
    expect(replay.status).toBe(401);
    await settled(h.bot);
    expect(sideEffects()).toEqual({ ...before, aws: 0 });
  });

  it('refuses an unsigned request', async () => {
    const sent = await h.slack.driver.slashCommand({
      userId: users.alice,
      channelId: channels.prd,
      text: 'scan PRD',
      unsigned: true,
    });
    expect([400, 401]).toContain(sent.status);
    expect(h.sim.stats().calls.SendCommand ?? 0).toBe(0);
  });
});
