/**
 * `/patch scan PRD` as Slack sends it, through the real Bolt app and the real SDK against the
 * simulator: acknowledged at once however slow AWS is, posted, updated in place, finished.
 */
import { DEMO_IDS, OPERATION_ENDED, readable, startHarness, type Harness } from '../support/bot';

const { users, channels } = DEMO_IDS;

describe('/patch scan', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ sim: { latencyMs: 400 } });
  });
  afterAll(() => h.close());

  it('acks within 3 s while AWS is slow, posts one message, updates it to the result naming the unreachable instance', async () => {
    const sent = await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text: 'scan PRD' });
    expect(sent.status).toBe(200);
    expect(sent.elapsedMs).toBeLessThan(3000);
    // Each AWS call takes 400 ms here and a scan needs several, so the ack came before AWS answered.
    expect(sent.elapsedMs).toBeLessThan(400);

    const posted = await h.slack.driver.waitForMessage(channels.prd, /Scan of PRD/, 15000);
    expect(readable(posted)).toContain(users.alice);
    const final = await h.slack.driver.waitForUpdate(
      channels.prd,
      posted.ts,
      (m) => OPERATION_ENDED.test(m.text),
      30000,
    );
    const text = readable(final);
    expect(text).toContain('prd-app-3'); // ConnectionLost agent
    expect(text).toMatch(/Unreachable/);
    expect(h.slack.messages(channels.prd).filter((m) => /Scan of PRD/.test(m.text))).toHaveLength(1);
    expect(h.sim.stats().calls.SendCommand).toBe(1);
  });
});
