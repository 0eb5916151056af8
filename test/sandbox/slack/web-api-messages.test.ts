/**
 * The Web API as @slack/web-api's WebClient sees it: auth.test, posting, updating and ephemerals, block
 * limits, permalinks and lookups, with Slack's answers and Slack's errors as platform errors.
 */
import { webApi } from '@slack/bolt';
import { DEMO_IDS } from '@patchbot/sandbox/slack';
import { BOT_TOKEN, quietLogger } from './helpers';
import {
  alice,
  carol,
  mallory,
  PRD,
  STG,
  OPS,
  platformError,
  section,
  slack,
  client,
  useStandIn,
} from './web-api-world';

describe('the Web API through WebClient', () => {
  useStandIn();

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
});
