/**
 * Slack's acknowledgements before background AWS traffic (src/shared/slack-first.ts), through the
 * real Bolt app over HTTP and the real SDK against the simulator: while a signed Slack request is
 * still arriving, a compliance poll sends nothing to AWS; once it is acknowledged the poll goes on;
 * and a request that never finishes (anyone who reaches the port can open one, unsigned) holds the
 * poll back by the longest wait, not for as long as it stays open.
 */
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { SLACK_FIRST_MAX_WAIT_MS } from '../../src/shared/slack-first';
import { startHarness, type Harness } from '../support/bot';
import { signedHelpCommand } from '../support/raw-command';

/** A signed `/patch help` whose body is sent in two parts: the request stays unacknowledged until `finish`. */
function slowCommand(port: number): { finish(): Promise<number>; abort(): void } {
  const { body, headers } = signedHelpCommand();
  const req: ClientRequest = request({
    host: '127.0.0.1',
    port,
    path: '/slack/events',
    method: 'POST',
    headers,
  });
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  const half = Math.floor(body.length / 2);
  req.write(body.slice(0, half));
  return {
    async finish() {
      req.end(body.slice(half));
      const res = await answered;
      res.resume();
      return res.statusCode ?? 0;
    },
    abort() {
      answered.catch(() => undefined);
      req.destroy();
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('AWS requests wait while a Slack request awaits its acknowledgement', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('a poll sends nothing to AWS until the command arriving is acknowledged, then finishes', async () => {
    const command = slowCommand(h.bot.port);
    await sleep(100);
    h.sim.resetStats();
    const poll = h.bot.runJob('compliance-poll');
    await sleep(SLACK_FIRST_MAX_WAIT_MS / 2);
    expect(h.sim.stats().totalCalls).toBe(0);
    expect(await command.finish()).toBe(200);
    await poll;
    expect(h.sim.stats().totalCalls).toBeGreaterThan(0);
  });

  it('a request that never finishes holds the poll back by the longest wait only', async () => {
    const opened = performance.now();
    const command = slowCommand(h.bot.port);
    try {
      await sleep(100);
      h.sim.resetStats();
      await h.bot.runJob('compliance-poll');
      const sinceOpened = performance.now() - opened;
      expect(h.sim.stats().totalCalls).toBeGreaterThan(0);
      // The first AWS request waited out the open request's turn; the rest did not wait at all.
      expect(sinceOpened).toBeGreaterThanOrEqual(SLACK_FIRST_MAX_WAIT_MS - 5);
      expect(sinceOpened).toBeLessThan(SLACK_FIRST_MAX_WAIT_MS + 1500);
    } finally {
      command.abort();
    }
  });
});
