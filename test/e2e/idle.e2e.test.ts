/**
 * `RunningBot.idle()`, the signal tests wait for before asserting that nothing (more) happened: it
 * resolves only once the work a request set going after its acknowledgement is done, and a tracking
 * pass has acted on the operations it started.
 */
import { DEMO_IDS, settled, startHarness, type Harness } from '../support/bot';

const { users, channels } = DEMO_IDS;

describe('the bot is idle once what it was asked has been done', () => {
  let h: Harness;
  beforeAll(async () => {
    // Slow AWS answers: a command's work outlasts its acknowledgement by far.
    h = await startHarness({ sim: { latencyMs: 150 } });
  });
  afterAll(() => h.close());

  it('after an acknowledged /patch status, its answer has been delivered', async () => {
    const sent = await h.slack.driver.slashCommand({
      userId: users.alice,
      channelId: channels.prd,
      text: 'status PRD',
    });
    expect(sent.status).toBe(200);
    expect(h.slack.responses().filter((r) => r.url === sent.responseUrl)).toEqual([]);
    await settled(h.bot);
    expect(JSON.stringify(h.slack.responses().filter((r) => r.url === sent.responseUrl))).toMatch(/PRD compliance/);
  });

  it('after an acknowledged /patch scan, the scan is stored and its message posted', async () => {
    const before = h.slack.messages(channels.prd).length;
    const sent = await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text: 'scan PRD' });
    expect(sent.status).toBe(200);
    await settled(h.bot);
    const [scan] = await h.bot.store.operations.listRecent({ limit: 1 });
    expect(scan?.kind).toBe('scan');
    expect(scan?.messageTs).toBeDefined();
    expect(
      h.slack
        .messages(channels.prd)
        .slice(before)
        .some((m) => m.ts === scan?.messageTs),
    ).toBe(true);
  });

  it('resolves at once for a follower, whose tracker does not run', async () => {
    const follower = await h.startAnother();
    expect(follower.role).toBe('follower');
    await expect(follower.idle()).resolves.toBeUndefined();
  });
});
