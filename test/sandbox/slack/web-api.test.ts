/**
 * The Web API as @slack/web-api's WebClient sees it: Slack's answers, Slack's errors as
 * platform errors, 429 with Retry-After retried, and every call recorded.
 */
import { webApi } from '@slack/bolt';
import { ManualClock } from '../../../src/clock';
import { DEMO_IDS, type SlackStandIn } from '@patchbot/sandbox/slack';
import { BOT_TOKEN, quietLogger, standIn, webClient } from './helpers';

const { ErrorCode } = webApi;
const { alice, carol, mallory } = DEMO_IDS.users;
const { prd: PRD, stg: STG, ops: OPS } = DEMO_IDS.channels;

/** The platform error's `data.error` from a failed call. */
async function platformError(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    const e = err as { code?: string; data?: { ok?: boolean; error?: string } };
    expect(e.code).toBe(ErrorCode.PlatformError);
    expect(e.data?.ok).toBe(false);
    return e.data?.error ?? '<none>';
  }
  throw new Error('the call succeeded');
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('the Web API through WebClient', () => {
  let slack: SlackStandIn;
  let client: webApi.WebClient;

  beforeAll(async () => {
    slack = await standIn();
    client = webClient(slack);
  });
  afterAll(() => slack?.close());
  beforeEach(() => slack.reset());

  it('answers auth.test with the bot identity Bolt needs', async () => {
    const r = await client.auth.test();
    expect(r).toMatchObject({
      ok: true,
      team_id: DEMO_IDS.team,
      user_id: DEMO_IDS.bot.userId,
      bot_id: DEMO_IDS.bot.botId,
    });
  });

  it('posts by channel id and by #name with unique increasing ts, and threads replies', async () => {
    const a = await client.chat.postMessage({ channel: PRD, text: 'first' });
    const b = await client.chat.postMessage({ channel: '#prd-patching', text: 'second' });
    expect(a).toMatchObject({
      ok: true,
      channel: PRD,
      message: { text: 'first', user: DEMO_IDS.bot.userId, bot_id: DEMO_IDS.bot.botId },
    });
    expect(b.channel).toBe(PRD);
    expect(a.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(b.ts)).toBeGreaterThan(Number(a.ts));

    const reply = await client.chat.postMessage({
      channel: PRD,
      text: 'detail',
      thread_ts: a.ts as string,
      reply_broadcast: true,
    });
    const messages = slack.messages(PRD);
    expect(messages.map((m) => m.text)).toEqual(['first', 'second', 'detail']);
    expect(messages.find((m) => m.ts === reply.ts)).toMatchObject({ thread_ts: a.ts, reply_broadcast: true });
    expect(messages[0]?.reply_count).toBe(1);
  });

  it('accepts JSON bodies as well as forms', async () => {
    const res = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${BOT_TOKEN}` },
      body: JSON.stringify({ channel: STG, blocks: [section('*json*')], text: 'json' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, channel: STG });
    expect(slack.messages(STG)[0]?.blocks[0]).toMatchObject({ type: 'section', text: { text: '*json*' } });
  });

  it('refuses a missing token and a wrong one', async () => {
    const none = await fetch(`${slack.apiUrl}auth.test`, { method: 'POST' });
    expect(await none.json()).toEqual({ ok: false, error: 'not_authed' });
    const wrong = new webApi.WebClient('xoxb-wrong', {
      slackApiUrl: slack.apiUrl,
      logger: quietLogger,
      retryConfig: { retries: 0 },
    });
    expect(await platformError(wrong.auth.test())).toBe('invalid_auth');
  });

  it('answers channel_not_found, not_in_channel, no_text and msg_too_long', async () => {
    expect(await platformError(client.chat.postMessage({ channel: 'C0NOSUCH01', text: 'x' }))).toBe(
      'channel_not_found',
    );
    expect(await platformError(client.chat.postMessage({ channel: OPS, text: 'x' }))).toBe('not_in_channel');
    expect(await platformError(client.chat.postMessage({ channel: PRD, text: '' }))).toBe('no_text');
    expect(await platformError(client.chat.postMessage({ channel: PRD, text: 'x'.repeat(40001) }))).toBe(
      'msg_too_long',
    );
    expect(slack.messages(PRD)).toEqual([]);
  });

  it('answers invalid_blocks for 51 blocks, with Slack-style messages', async () => {
    const blocks = Array.from({ length: 51 }, (_, i) => section(`line ${i}`));
    let data: { error?: string; response_metadata?: { messages?: string[] } } = {};
    try {
      await client.chat.postMessage({ channel: PRD, text: 'too many', blocks });
    } catch (err) {
      data = (err as { data: typeof data }).data;
    }
    expect(data.error).toBe('invalid_blocks');
    expect(data.response_metadata?.messages?.[0]).toMatch(
      /^\[ERROR\] must have at most 50 items \[json-pointer:\/blocks\]$/,
    );
  });

  it('answers invalid_blocks for each documented per-block limit', async () => {
    const bad: Array<[string, unknown]> = [
      ['section text over 3000', section('x'.repeat(3001))],
      ['11 fields', { type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }],
      ['header over 150', { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }],
      [
        'button label over 75',
        {
          type: 'actions',
          elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'b'.repeat(76) } }],
        },
      ],
      [
        'button value over 2000',
        {
          type: 'actions',
          elements: [
            { type: 'button', action_id: 'a', value: 'v'.repeat(2001), text: { type: 'plain_text', text: 'ok' } },
          ],
        },
      ],
      [
        '26 elements',
        {
          type: 'actions',
          elements: Array.from({ length: 26 }, (_, i) => ({
            type: 'button',
            action_id: `a${i}`,
            text: { type: 'plain_text', text: 'b' },
          })),
        },
      ],
      ['an unknown block type', { type: 'fancy' }],
      ['mrkdwn in a header', { type: 'header', text: { type: 'mrkdwn', text: 'h' } }],
    ];
    for (const [what, block] of bad) {
      const error = await platformError(
        client.chat.postMessage({ channel: PRD, text: what, blocks: [block as never] }),
      );
      expect(`${what}: ${error}`).toBe(`${what}: invalid_blocks`);
    }
    expect(slack.messages(PRD)).toEqual([]);
  });

  it('answers msg_blocks_too_long above the hidden total-size limit, which is a knob', async () => {
    const blocks = Array.from({ length: 5 }, () => section('y'.repeat(2900)));
    expect(await platformError(client.chat.postMessage({ channel: PRD, text: 'big', blocks }))).toBe(
      'msg_blocks_too_long',
    );
    slack.configure({ blocksTextLimit: 0 });
    await expect(client.chat.postMessage({ channel: PRD, text: 'big', blocks })).resolves.toMatchObject({ ok: true });
  });

  it('updates only existing bot messages, keeps blocks when only text changes, and records the history', async () => {
    const posted = await client.chat.postMessage({ channel: PRD, text: 'v1', blocks: [section('one')] });
    const ts = posted.ts as string;
    await client.chat.update({ channel: PRD, ts, text: 'v2' });
    await client.chat.update({ channel: PRD, ts, text: 'v3', blocks: [section('three')] });
    const [m] = slack.messages(PRD);
    expect(m?.text).toBe('v3');
    expect(m?.history.map((v) => v.text)).toEqual(['v1', 'v2', 'v3']);
    expect(m?.history[1]?.blocks[0]).toMatchObject({ text: { text: 'one' } });
    expect(await platformError(client.chat.update({ channel: PRD, ts: '1700000000.000001', text: 'x' }))).toBe(
      'message_not_found',
    );
  });

  it('answers cant_update_message for a message a person wrote', async () => {
    const human = slack.postUserMessage({ userId: alice, channelId: PRD, text: 'typed by alice' });
    expect(await platformError(client.chat.update({ channel: PRD, ts: human.ts, text: 'x' }))).toBe(
      'cant_update_message',
    );
    expect(slack.messages(PRD)[0]?.text).toBe('typed by alice');
  });

  it('posts ephemerals only to members, from a bot that is a member', async () => {
    const r = await client.chat.postEphemeral({ channel: PRD, user: alice, text: 'psst' });
    expect(r.message_ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(slack.ephemerals(PRD, alice)).toEqual([
      expect.objectContaining({ text: 'psst', via: 'chat.postEphemeral' }),
    ]);
    expect(await platformError(client.chat.postEphemeral({ channel: OPS, user: alice, text: 'x' }))).toBe(
      'not_in_channel',
    );
    slack.workspace.setBotMembership(OPS, true);
    expect(await platformError(client.chat.postEphemeral({ channel: OPS, user: mallory, text: 'x' }))).toBe(
      'user_not_in_channel',
    );
  });

  it('gives permalinks, users, channels and user groups', async () => {
    const posted = await client.chat.postMessage({ channel: PRD, text: 'link me' });
    const link = await client.chat.getPermalink({ channel: PRD, message_ts: posted.ts as string });
    expect(link.permalink).toBe(
      `https://patchbot-demo.slack.com/archives/${PRD}/p${(posted.ts as string).replace('.', '')}`,
    );

    const user = await client.users.info({ user: carol });
    expect(user.user).toMatchObject({ id: carol, name: 'carol', tz: 'Asia/Tokyo', profile: { display_name: 'carol' } });
    expect(await platformError(client.users.info({ user: 'U0NOBODY01' }))).toBe('user_not_found');

    const info = await client.conversations.info({ channel: OPS });
    expect(info.channel).toMatchObject({ id: OPS, name: 'ops', is_member: false });

    const group = await client.usergroups.users.list({ usergroup: DEMO_IDS.userGroups.patchLeads });
    expect(group.users).toEqual([carol]);
    expect(await platformError(client.usergroups.users.list({ usergroup: 'S0NOSUCH01' }))).toBe('no_such_subteam');

    // usergroups.list: every group with its handle (what the bot names groups by); users only on request.
    const groups = await client.usergroups.list({});
    expect(groups.usergroups).toEqual([
      expect.objectContaining({
        id: DEMO_IDS.userGroups.patchLeads,
        handle: 'patch-leads',
        name: 'Patch leads',
        is_usergroup: true,
        date_delete: 0,
      }),
    ]);
    expect(groups.usergroups?.[0]).not.toHaveProperty('users');
    const withUsers = await client.usergroups.list({ include_users: true, include_count: true });
    expect(withUsers.usergroups?.[0]).toMatchObject({ users: [carol], user_count: 1 });
  });

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
