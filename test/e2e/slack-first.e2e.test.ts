/**
 * Slack's acknowledgements before background AWS traffic (src/shared/slack-first.ts), through the
 * real Bolt app over HTTP and the real SDK against the simulator: while a signed Slack request is
 * still arriving, a compliance poll sends nothing to AWS; once it is acknowledged the poll goes on;
 * and a request that never finishes (anyone who reaches the port can open one, unsigned) holds the
 * poll back by the longest wait, not for as long as it stays open.
 *
 * The bot is given its SlackFirst, with a longer wait than production's, so the test can see when
 * the request has been counted and a slow turn of the event loop on a busy machine cannot end the
 * wait before the test looks.
 */
import { SlackFirst } from '../../src/shared/slack-first';
import { startHarness, type Harness } from '../support/bot';
import { halfSentCommand, untilOpen } from '../support/raw-command';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The longest wait of this test's bot: the test looks after a sixth of it, which leaves room for a busy machine. */
const MAX_WAIT_MS = 3_000;

describe('AWS requests wait while a Slack request awaits its acknowledgement', () => {
  let h: Harness;
  const slackFirst = new SlackFirst(MAX_WAIT_MS);
  beforeAll(async () => {
    h = await startHarness({ slackFirst });
  });
  afterAll(() => h.close());

  it('a poll sends nothing to AWS until the command arriving is acknowledged, then finishes', async () => {
    const command = halfSentCommand(h.bot.port);
    try {
      await untilOpen(slackFirst, 1);
      h.sim.resetStats();
      const poll = h.bot.runJob('compliance-poll');
      await sleep(MAX_WAIT_MS / 6);
      expect(h.sim.stats().totalCalls).toBe(0);
      expect(slackFirst.pending).toBe(1);
      expect(await command.finish()).toBe(200);
      await poll;
      expect(h.sim.stats().totalCalls).toBeGreaterThan(0);
    } finally {
      command.abort();
    }
  });

  it('a request that never finishes holds the poll back by the longest wait only', async () => {
    const opened = performance.now();
    const command = halfSentCommand(h.bot.port);
    try {
      await untilOpen(slackFirst, 1);
      h.sim.resetStats();
      await h.bot.runJob('compliance-poll');
      const sinceOpened = performance.now() - opened;
      expect(h.sim.stats().totalCalls).toBeGreaterThan(0);
      // The first AWS request waited out the open request's turn; the rest did not wait at all.
      expect(sinceOpened).toBeGreaterThanOrEqual(MAX_WAIT_MS - 5);
      expect(sinceOpened).toBeLessThan(MAX_WAIT_MS + 1500);
    } finally {
      command.abort();
    }
  });
});
