/**
 * Stopping the bot (SIGTERM in production) through the real Bolt app over HTTP: a Slack request
 * that never finishes arriving (a client dribbling its body, or one that died mid-send behind a
 * balancer) gets Slack's acknowledgement window, then its connection is closed. Node's own
 * `server.close` would wait on it until its 300 s request timeout, past an orchestrator's grace.
 */
import { SlackFirst } from '../../src/shared/slack-first';
import { HTTP_STOP_GRACE_MS } from '../../src/slack/timeouts';
import { startHarness, type Harness } from '../support/bot';
import { halfSentCommand, untilOpen } from '../support/raw-command';

describe('stopping the bot', () => {
  let h: Harness;
  const slackFirst = new SlackFirst(1_000);
  beforeAll(async () => {
    h = await startHarness({ slackFirst });
  });
  afterAll(() => h.close());

  it('closes a request still arriving once Slack’s acknowledgement window has passed, and stops', async () => {
    const command = halfSentCommand(h.bot.port);
    try {
      await untilOpen(slackFirst, 1);
      expect(slackFirst.pending).toBe(1);
      const began = performance.now();
      await h.bot.stop();
      const took = performance.now() - began;
      await command.closed;
      expect(took).toBeGreaterThanOrEqual(HTTP_STOP_GRACE_MS - 50);
      expect(took).toBeLessThan(HTTP_STOP_GRACE_MS + 2_000);
      expect(h.bot.role).toBe('stopped');
    } finally {
      command.abort();
    }
  }, 15_000);
});
