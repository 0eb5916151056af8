/**
 * What reconciling a post needs from the stand-in, as Slack documents it: message metadata kept
 * and returned by conversations.history/replies with include_all_metadata, their paging, and the
 * faults an uncertain post meets (internal_error after posting, a hang, an outage), in process and
 * over the admin endpoints.
 */
import type { webApi } from '@slack/bolt';
import { DEMO_IDS, type SlackStandIn } from '@patchbot/sandbox/slack';
import { standIn, webClient } from './helpers';

const { prd: PRD, stg: STG } = DEMO_IDS.channels;
const meta = (n: number) => ({ event_type: 'patchbot_post', event_payload: { operation_id: `op-${n}`, post: 'card' } });

describe('conversations.history and replies, with metadata', () => {
  let slack: SlackStandIn;
  let client: webApi.WebClient;

  beforeAll(async () => {
    slack = await standIn();
    client = webClient(slack);
  });
  afterAll(() => slack?.close());
  beforeEach(() => slack.reset());

  it('keeps metadata on a post and returns it only with include_all_metadata', async () => {
    const posted = await client.chat.postMessage({ channel: PRD, text: 'card', metadata: meta(1) });
    const plain = await client.conversations.history({ channel: PRD });
    expect(plain.messages?.[0]?.ts).toBe(posted.ts);
    expect(plain.messages?.[0]).not.toHaveProperty('metadata');
    const full = await client.conversations.history({ channel: PRD, include_all_metadata: true });
    expect(full.messages?.[0]?.metadata).toEqual(meta(1));
  });

  it('refuses malformed metadata as Slack does', async () => {
    await expect(
      client.apiCall('chat.postMessage', { channel: PRD, text: 'x', metadata: '{not json' }),
    ).rejects.toMatchObject({ data: { error: 'invalid_metadata_format' } });
    await expect(
      client.apiCall('chat.postMessage', { channel: PRD, text: 'x', metadata: { event_type: 'a' } }),
    ).rejects.toMatchObject({ data: { error: 'invalid_metadata_schema' } });
  });

  it('pages history newest first with a cursor, leaves thread replies out, and filters by oldest', async () => {
    const ts: string[] = [];
    for (let i = 0; i < 5; i++)
      ts.push((await client.chat.postMessage({ channel: PRD, text: `m${i}`, metadata: meta(i) })).ts as string);
    await client.chat.postMessage({ channel: PRD, thread_ts: ts[0] as string, text: 'reply' });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.conversations.history({
        channel: PRD,
        limit: 2,
        include_all_metadata: true,
        ...(cursor ? { cursor } : {}),
      });
      pages++;
      seen.push(...(page.messages ?? []).map((m) => m.ts as string));
      cursor = page.has_more ? page.response_metadata?.next_cursor : undefined;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ts].reverse());
    const recent = await client.conversations.history({ channel: PRD, oldest: ts[2] as string });
    expect(recent.messages?.map((m) => m.ts)).toEqual([ts[4], ts[3]]);
    const inclusive = await client.conversations.history({ channel: PRD, oldest: ts[2] as string, inclusive: true });
    expect(inclusive.messages).toHaveLength(3);
    await expect(client.conversations.history({ channel: PRD, cursor: 'bogus' })).rejects.toMatchObject({
      data: { error: 'invalid_cursor' },
    });
  });

  it('lists a thread parent first with the replies metadata, in pages', async () => {
    const parent = (await client.chat.postMessage({ channel: PRD, text: 'card' })).ts as string;
    for (let i = 0; i < 3; i++)
      await client.chat.postMessage({ channel: PRD, thread_ts: parent, text: `part ${i}`, metadata: meta(i) });
    const first = await client.conversations.replies({
      channel: PRD,
      ts: parent,
      limit: 2,
      include_all_metadata: true,
    });
    expect(first.messages?.map((m) => m.text)).toEqual(['card', 'part 0']);
    expect(first.messages?.[1]?.metadata).toEqual(meta(0));
    expect(first.has_more).toBe(true);
    const rest = await client.conversations.replies({
      channel: PRD,
      ts: parent,
      cursor: first.response_metadata?.next_cursor as string,
    });
    expect(rest.messages?.map((m) => m.text)).toEqual(['part 1', 'part 2']);
    expect(rest.has_more).toBe(false);
    await expect(client.conversations.replies({ channel: PRD, ts: '1.000001' })).rejects.toMatchObject({
      data: { error: 'thread_not_found' },
    });
  });
});

describe('faults an uncertain post meets', () => {
  let slack: SlackStandIn;
  let client: webApi.WebClient;

  beforeAll(async () => {
    slack = await standIn();
    client = webClient(slack);
  });
  afterAll(() => slack?.close());
  beforeEach(() => slack.reset());

  it('answers internal_error after really posting when asked to', async () => {
    slack.failNext('chat.postMessage', 'internal_error', { applied: true });
    await expect(client.chat.postMessage({ channel: PRD, text: 'maybe', metadata: meta(1) })).rejects.toMatchObject({
      data: { error: 'internal_error' },
    });
    expect(slack.messages(PRD).map((m) => m.text)).toEqual(['maybe']);
    expect(slack.messages(PRD)[0]?.metadata).toEqual(meta(1));
  });

  it('limits a fault to one channel when asked', async () => {
    slack.failNext('chat.postMessage', 'internal_error', { channel: STG });
    await expect(client.chat.postMessage({ channel: PRD, text: 'fine' })).resolves.toMatchObject({ ok: true });
    await expect(client.chat.postMessage({ channel: STG, text: 'not posted' })).rejects.toMatchObject({
      data: { error: 'internal_error' },
    });
    expect(slack.messages(STG)).toHaveLength(0);
  });

  it('hangs a call; one the client gave up on is dropped unhandled, a patient one is handled late', async () => {
    slack.hangNext('chat.postMessage', 400);
    const impatient = webClient(slack, { timeout: 100 });
    await expect(impatient.chat.postMessage({ channel: PRD, text: 'lost' })).rejects.toThrow();
    await slack.driver.waitFor(
      async () => (slack.calls('chat.postMessage').at(-1)?.status === 0 ? true : undefined),
      5000,
      'the dropped call',
    );
    expect(slack.messages(PRD)).toHaveLength(0);
    expect(slack.calls('chat.postMessage').at(-1)?.status).toBe(0);
    slack.hangNext('chat.update', 150);
    const { ts } = await client.chat.postMessage({ channel: PRD, text: 'a' });
    const started = Date.now();
    await client.chat.update({ channel: PRD, ts: ts as string, text: 'b' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(slack.messages(PRD)[0]?.text).toBe('b');
  });

  it('is unreachable or answers invalid_auth during an outage, and recovers', async () => {
    slack.configure({ outage: 'unreachable' });
    await expect(client.chat.postMessage({ channel: PRD, text: 'x' })).rejects.toMatchObject({
      code: 'slack_webapi_request_error',
    });
    slack.configure({ outage: 'invalid_auth' });
    await expect(client.chat.postMessage({ channel: PRD, text: 'x' })).rejects.toMatchObject({
      data: { error: 'invalid_auth' },
    });
    slack.configure({ outage: 'none' });
    await expect(client.chat.postMessage({ channel: PRD, text: 'x' })).resolves.toMatchObject({ ok: true });
    expect(slack.messages(PRD)).toHaveLength(1);
  });

  it('takes the same knobs and faults over its admin endpoints', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${slack.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post('/_sandbox/config', { outage: 'invalid_auth' })).status).toBe(200);
    await expect(client.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    await post('/_sandbox/config', { outage: 'none' });
    expect(
      (
        await post('/_sandbox/faults', {
          kind: 'error',
          method: 'chat.postMessage',
          error: 'internal_error',
          applied: true,
        })
      ).status,
    ).toBe(200);
    await expect(client.chat.postMessage({ channel: PRD, text: 'x' })).rejects.toMatchObject({
      data: { error: 'internal_error' },
    });
    expect(slack.messages(PRD)).toHaveLength(1);
    const bad = await post('/_sandbox/faults', { kind: 'hang', method: 'chat.update' });
    expect(bad.status).toBe(400);
  });
});
