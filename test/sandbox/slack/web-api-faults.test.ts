/** The Web API's failures as WebClient sees them: unknown methods, slow answers, failures on request, 429 with Retry-After retried, rate limits and trigger ids; every call recorded. */
import { ManualClock } from '../../../src/clock';
import { BOT_TOKEN, standIn, webClient } from './helpers';
import { ErrorCode, alice, PRD, STG, platformError, slack, client, useStandIn } from './web-api-world';

describe('the Web API through WebClient', () => {
  useStandIn();

  it('answers unknown_method and records every call without the token', async () => {
    expect(await platformError(client.apiCall('chat.fly', { channel: PRD }))).toBe('unknown_method');
    const [call] = slack.calls('chat.fly');
    expect(call).toMatchObject({ method: 'chat.fly', status: 200, response: { ok: false, error: 'unknown_method' } });
    expect(JSON.stringify(slack.calls())).not.toContain(BOT_TOKEN);
  });

  it('answers slowly when asked to (a slow Slack)', async () => {
    slack.configure({ latencyMs: 150 });
    const started = Date.now();
    await client.auth.test();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('fails the next calls on request, then recovers', async () => {
    slack.failNext('chat.postMessage', 'fatal_error', { count: 2 });
    expect(await platformError(client.chat.postMessage({ channel: PRD, text: 'a' }))).toBe('fatal_error');
    expect(await platformError(client.chat.postMessage({ channel: PRD, text: 'a' }))).toBe('fatal_error');
    await expect(client.chat.postMessage({ channel: PRD, text: 'a' })).resolves.toMatchObject({ ok: true });
  });

  it('answers 429 with Retry-After, which WebClient waits out and retries', async () => {
    const retrying = webClient(slack, { retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 10, factor: 1 } });
    slack.rateLimitNext('chat.postMessage', 1);
    const started = Date.now();
    const r = await retrying.chat.postMessage({ channel: PRD, text: 'eventually' });
    expect(r.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    const calls = slack.calls('chat.postMessage');
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[0]?.response).toEqual({ ok: false, error: 'ratelimited' });
  });

  it('rejects rate-limited calls with retryAfter when WebClient is told to', async () => {
    const strict = webClient(slack, { rejectRateLimitedCalls: true });
    slack.rateLimitNext('chat.update', 7);
    await expect(strict.chat.update({ channel: PRD, ts: '1.0', text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
      retryAfter: 7,
    });
  });

  it('enforces chat.postMessage per channel and chat.update per minute when the knob is on', async () => {
    const strict = webClient(slack, { rejectRateLimitedCalls: true });
    slack.configure({ rateLimits: true, postMessageBurst: 1, tierPerMinute: { 3: 2 } });
    const first = await strict.chat.postMessage({ channel: PRD, text: '1' });
    await expect(strict.chat.postMessage({ channel: PRD, text: '2' })).rejects.toMatchObject({ retryAfter: 1 });
    await expect(strict.chat.postMessage({ channel: STG, text: 'other channel' })).resolves.toMatchObject({ ok: true });
    const ts = first.ts as string;
    await strict.chat.update({ channel: PRD, ts, text: 'u1' });
    await strict.chat.update({ channel: PRD, ts, text: 'u2' });
    await expect(strict.chat.update({ channel: PRD, ts, text: 'u3' })).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
    });
  });

  it('expires trigger ids after 3 seconds and uses each once', async () => {
    const clock = new ManualClock(new Date());
    const timed = await standIn({ clock });
    try {
      const c = webClient(timed);
      const modal = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Why?' }, blocks: [] };
      // Triggers come with slash commands and clicks; a block action needs a message to click on.
      const ts = (
        await c.chat.postMessage({
          channel: PRD,
          text: 'card',
          blocks: [
            {
              type: 'actions',
              elements: [{ type: 'button', action_id: 'go', text: { type: 'plain_text', text: 'Go' } }],
            },
          ],
        })
      ).ts as string;
      timed.setBotEventsUrl(`${timed.url}/_health`);
      const first = await timed.driver.blockAction({ userId: alice, channelId: PRD, messageTs: ts, actionId: 'go' });
      await expect(c.views.open({ trigger_id: first.triggerId as string, view: modal })).resolves.toMatchObject({
        ok: true,
        view: { type: 'modal' },
      });
      expect(await platformError(c.views.open({ trigger_id: first.triggerId as string, view: modal }))).toBe(
        'exchanged_trigger_id',
      );

      const second = await timed.driver.blockAction({ userId: alice, channelId: PRD, messageTs: ts, actionId: 'go' });
      clock.advance(3001);
      expect(await platformError(c.views.open({ trigger_id: second.triggerId as string, view: modal }))).toBe(
        'expired_trigger_id',
      );
      expect(await platformError(c.views.open({ trigger_id: 'nonsense', view: modal }))).toBe('invalid_trigger_id');
      expect(timed.modals()).toHaveLength(1);
    } finally {
      await timed.close();
    }
  });
});
