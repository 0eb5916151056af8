/** Hosted response_urls behave like Slack's: ephemeral by default, in_channel, replace and delete, 5 uses, 30 minutes. */
import { ManualClock } from '../../../src/clock';
import { DEMO_IDS, type SlackStandIn } from '@patchbot/sandbox/slack';
import { fakeBot, standIn, webClient } from './helpers';

const { alice, bob } = DEMO_IDS.users;
const PRD = DEMO_IDS.channels.prd;

async function postTo(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

describe('response_url hosting', () => {
  const clock = new ManualClock(new Date());
  let slack: SlackStandIn;
  let bot: Awaited<ReturnType<typeof fakeBot>>;

  beforeAll(async () => {
    bot = await fakeBot();
    slack = await standIn({ clock, botEventsUrl: bot.url });
  });
  afterAll(async () => {
    await slack?.close();
    await bot?.close();
  });
  beforeEach(() => slack.reset());

  it('records ephemeral replies for the one user, in_channel ones as channel messages, and refuses the 6th use', async () => {
    const { responseUrl } = await slack.driver.slashCommand({ userId: alice, channelId: PRD, text: 'status PRD' });
    const url = responseUrl as string;
    expect(url.startsWith(`${slack.url}/response/`)).toBe(true);

    expect(await postTo(url, { text: 'only for alice' })).toEqual({ status: 200, json: { ok: true } });
    expect(slack.ephemerals(PRD, alice)).toEqual([
      expect.objectContaining({ text: 'only for alice', via: 'response_url' }),
    ]);
    expect(slack.ephemerals(PRD, bob)).toEqual([]);

    expect((await postTo(url, { text: 'for everyone', response_type: 'in_channel' })).status).toBe(200);
    expect(slack.messages(PRD)).toEqual([
      expect.objectContaining({ text: 'for everyone', user: DEMO_IDS.bot.userId, via: 'response_url' }),
    ]);

    for (let i = 3; i <= 5; i += 1) expect((await postTo(url, { text: `use ${i}` })).status).toBe(200);
    expect(await postTo(url, { text: 'sixth' })).toEqual({ status: 404, json: { ok: false, error: 'used_url' } });
    expect(slack.responses().map((r) => r.outcome)).toEqual([
      'ephemeral',
      'in_channel',
      'ephemeral',
      'ephemeral',
      'ephemeral',
      'refused',
    ]);
    expect(slack.ephemerals(PRD, alice).map((e) => e.text)).not.toContain('sixth');
  });

  it('replaces and deletes the message a button was clicked on', async () => {
    const client = webClient(slack);
    const blocks = [
      {
        type: 'actions',
        block_id: 'b',
        elements: [
          { type: 'button', action_id: 'approve', value: 'op-9', text: { type: 'plain_text', text: 'Approve' } },
        ],
      },
    ];
    const ts = (await client.chat.postMessage({ channel: PRD, text: 'card', blocks })).ts as string;

    const click = await slack.driver.blockAction({ userId: bob, channelId: PRD, messageTs: ts, actionId: 'approve' });
    const payload = JSON.parse(new URLSearchParams(bot.received.at(-1)?.body).get('payload') ?? '{}') as Record<
      string,
      unknown
    >;
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: bob, username: 'bob' },
      channel: { id: PRD, name: 'prd-patching' },
      container: { type: 'message', message_ts: ts, channel_id: PRD, is_ephemeral: false },
      message: { ts, text: 'card' },
      actions: [
        {
          type: 'button',
          action_id: 'approve',
          block_id: 'b',
          value: 'op-9',
          text: { type: 'plain_text', text: 'Approve' },
        },
      ],
      response_url: click.responseUrl,
      trigger_id: click.triggerId,
    });

    expect(
      (await postTo(click.responseUrl as string, { replace_original: true, text: 'approved by bob' })).status,
    ).toBe(200);
    expect(slack.messages(PRD)[0]).toMatchObject({ ts, text: 'approved by bob', blocks: [] });
    expect(slack.messages(PRD)[0]?.history.map((v) => v.via)).toEqual(['chat.postMessage', 'response_url']);

    expect((await postTo(click.responseUrl as string, { delete_original: true })).status).toBe(200);
    expect(slack.messages(PRD)).toEqual([]);
  });

  it('replaces an ephemeral a button was clicked on, and sends no message in the payload for it', async () => {
    const client = webClient(slack);
    const blocks = [
      {
        type: 'actions',
        elements: [{ type: 'button', action_id: 'scan_first', text: { type: 'plain_text', text: 'Scan first' } }],
      },
    ];
    const { message_ts } = await client.chat.postEphemeral({ channel: PRD, user: alice, text: 'stale scan', blocks });
    const click = await slack.driver.blockAction({
      userId: alice,
      channelId: PRD,
      messageTs: message_ts as string,
      actionId: 'scan_first',
    });
    const payload = JSON.parse(new URLSearchParams(bot.received.at(-1)?.body).get('payload') ?? '{}') as Record<
      string,
      unknown
    >;
    expect(payload.message).toBeUndefined();
    expect(payload.container).toMatchObject({ is_ephemeral: true, message_ts });
    await expect(
      slack.driver.blockAction({
        userId: bob,
        channelId: PRD,
        messageTs: message_ts as string,
        actionId: 'scan_first',
      }),
    ).rejects.toThrow(/can see/);

    await postTo(click.responseUrl as string, { replace_original: true, text: 'scanning...' });
    expect(slack.ephemerals(PRD, alice)).toEqual([expect.objectContaining({ ts: message_ts, text: 'scanning...' })]);
  });

  it('replace_original on a slash command replaces its previous reply', async () => {
    const { responseUrl } = await slack.driver.slashCommand({ userId: alice, channelId: PRD, text: 'scan PRD' });
    await postTo(responseUrl as string, { text: 'starting' });
    await postTo(responseUrl as string, { text: 'started', replace_original: true });
    expect(slack.ephemerals(PRD, alice).map((e) => e.text)).toEqual(['started']);
  });

  it('refuses empty and invalid replies, and expires after 30 minutes', async () => {
    const { responseUrl } = await slack.driver.slashCommand({ userId: alice, channelId: PRD, text: 'x' });
    expect(await postTo(responseUrl as string, {})).toEqual({ status: 400, json: { ok: false, error: 'no_text' } });
    expect((await postTo(responseUrl as string, { text: 'x', blocks: [{ type: 'header' }] })).json).toEqual({
      ok: false,
      error: 'invalid_blocks',
    });
    clock.advance(30 * 60 * 1000 + 1);
    expect(await postTo(responseUrl as string, { text: 'late' })).toEqual({
      status: 404,
      json: { ok: false, error: 'expired_url' },
    });
    expect(await postTo(`${slack.url}/response/nope`, { text: 'x' })).toEqual({
      status: 404,
      json: { ok: false, error: 'invalid_url' },
    });
  });
});
