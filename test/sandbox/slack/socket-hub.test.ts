/**
 * The stand-in's Socket Mode as a plain WebSocket client sees it: apps.connections.open and its
 * token errors, hello, one envelope per delivery to one connection, acks, event retries, refresh,
 * outage, the connection limit, and the driver delivering over the socket.
 */
import { once } from 'node:events';
import WebSocket from 'ws';
import type { SlackStandIn } from '@patchbot/sandbox/slack';
import { DEMO_IDS } from '@patchbot/sandbox/slack';
import { BOT_TOKEN, standIn } from './helpers';

const APP_TOKEN = 'xapp-test';

/** A client socket with every JSON message it received. */
interface Client {
  ws: WebSocket;
  received: Array<Record<string, unknown>>;
}

async function open(
  slack: SlackStandIn,
  token = APP_TOKEN,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${slack.apiUrl}apps.connections.open`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function connect(slack: SlackStandIn): Promise<Client> {
  const { body } = await open(slack);
  const ws = new WebSocket(String(body.url));
  const received: Array<Record<string, unknown>> = [];
  ws.on('message', (data) => received.push(JSON.parse(data.toString()) as Record<string, unknown>));
  await once(ws, 'open');
  await slack.driver.waitFor(() => received.some((m) => m.type === 'hello'), 2000, 'hello');
  return { ws, received };
}

const envelopes = (c: Client) => c.received.filter((m) => typeof m.envelope_id === 'string');

describe('Socket Mode in the stand-in', () => {
  let slack: SlackStandIn;
  const clients: Client[] = [];
  const client = async () => {
    const c = await connect(slack);
    clients.push(c);
    return c;
  };
  beforeEach(async () => {
    slack = await standIn({ appToken: APP_TOKEN });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.ws.terminate();
    await slack.close();
  });

  it('apps.connections.open takes the app-level token only, and hands out a loopback WebSocket URL', async () => {
    const ok = await open(slack);
    expect(ok.body).toEqual({
      ok: true,
      url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[^&]+&app_id=A0PATCHBOT$/),
    });
    expect((await open(slack, BOT_TOKEN)).body).toEqual({ ok: false, error: 'not_allowed_token_type' });
    expect((await open(slack, 'xapp-wrong')).body).toEqual({ ok: false, error: 'invalid_auth' });
    const none = await fetch(`${slack.apiUrl}apps.connections.open`, { method: 'POST' });
    expect(await none.json()).toEqual({ ok: false, error: 'not_authed' });
    slack.failNext('apps.connections.open', 'internal_error');
    expect((await open(slack)).body).toEqual({ ok: false, error: 'internal_error' });
  });

  it('greets with hello, and a URL works once', async () => {
    const { body } = await open(slack);
    const ws = new WebSocket(String(body.url));
    const [hello] = (await once(ws, 'message')) as [Buffer];
    expect(JSON.parse(hello.toString())).toEqual({
      type: 'hello',
      num_connections: 1,
      debug_info: {
        host: expect.any(String),
        build_number: expect.any(Number),
        approximate_connection_time: expect.any(Number),
      },
      connection_info: { app_id: DEMO_IDS.bot.appId },
    });
    clients.push({ ws, received: [] });
    const again = new WebSocket(String(body.url));
    const [err] = (await once(again, 'error')) as [Error];
    expect(err.message).toMatch(/401/);
  });

  it('gives each envelope to one connection, and the ack payload back to the sender', async () => {
    const a = await client();
    const b = await client();
    for (const c of [a, b]) {
      c.ws.on('message', (data) => {
        const m = JSON.parse(data.toString()) as { envelope_id?: string };
        if (m.envelope_id)
          c.ws.send(JSON.stringify({ envelope_id: m.envelope_id, payload: { text: c === a ? 'from a' : 'from b' } }));
      });
    }
    const results = await Promise.all(
      [1, 2, 3, 4].map((i) => slack.socketMode!.deliver('slash_commands', { command: '/patch', text: `n${i}` })),
    );
    expect(results.every((r) => r.acked && r.attempts === 1)).toBe(true);
    expect(envelopes(a).length + envelopes(b).length).toBe(4);
    expect(envelopes(a).length).toBeGreaterThan(0);
    expect(envelopes(b).length).toBeGreaterThan(0);
    const first = envelopes(a)[0]!;
    expect(first).toEqual({
      envelope_id: expect.any(String),
      type: 'slash_commands',
      payload: expect.objectContaining({ command: '/patch' }),
      accepts_response_payload: true,
      retry_attempt: 0,
      retry_reason: '',
    });
    expect(results.map((r) => r.ackPayload?.text).sort()).toEqual(expect.arrayContaining(['from a', 'from b']));
  });

  it('retries an unacknowledged event with retry_attempt and retry_reason, and not a slash command', async () => {
    slack.configure({ ackTimeoutMs: 100 });
    const c = await client();
    const event = slack.socketMode!.deliver(
      'events_api',
      { event_id: 'Ev1', event: { type: 'app_mention' } },
      { waitMs: 100 },
    );
    await slack.driver.waitFor(() => envelopes(c).length === 3, 2000, 'two retries');
    const [firstTry, retry] = envelopes(c);
    expect(retry).toMatchObject({
      envelope_id: firstTry!.envelope_id,
      retry_attempt: 1,
      retry_reason: 'timeout',
      accepts_response_payload: false,
    });
    c.ws.send(JSON.stringify({ envelope_id: firstTry!.envelope_id }));
    const delivered = await event;
    expect(delivered.acked).toBe(true);
    expect(delivered.attempts).toBeGreaterThanOrEqual(3);

    const command = await slack.socketMode!.deliver('slash_commands', { command: '/patch' }, { waitMs: 300 });
    expect(command).toMatchObject({ acked: false, attempts: 1, failure: 'no_ack' });
  });

  it('refresh sends disconnect, keeps delivering to the socket until it closes it, and prefers a fresh one', async () => {
    const a = await client();
    const closed = once(a.ws, 'close');
    const told = slack.socketMode!.refresh({ closeAfterMs: 200 });
    await slack.driver.waitFor(() => a.received.some((m) => m.type === 'disconnect'), 2000, 'disconnect');
    expect(a.received.find((m) => m.type === 'disconnect')).toEqual({
      type: 'disconnect',
      reason: 'refresh_requested',
      debug_info: { host: expect.any(String) },
    });
    expect(told?.draining).toBe(true);
    // Only the socket told to go is open: Slack still delivers there.
    void slack.socketMode!.deliver('slash_commands', { command: '/patch' }, { waitMs: 50 });
    await slack.driver.waitFor(() => envelopes(a).length === 1, 2000, 'an envelope on the draining socket');
    const b = await client();
    void slack.socketMode!.deliver('slash_commands', { command: '/patch' }, { waitMs: 50 });
    await slack.driver.waitFor(() => envelopes(b).length === 1, 2000, 'an envelope on the fresh socket');
    expect(envelopes(a)).toHaveLength(1);
    await closed;
    await slack.driver.waitFor(
      () => slack.socketMode!.list().length === 1,
      2000,
      'the stand-in to drop the old socket',
    );
  });

  it('an outage drops the sockets, answers apps.connections.open with 503 (or resets it) until it ends, and counts the gap', async () => {
    const a = await client();
    const socket = slack.socketMode!;
    // Long enough that a slow machine finishes the checks inside it; the short one below ends on its own.
    socket.outage(5000);
    await once(a.ws, 'close');
    const closedAt = Date.now();
    expect(socket.list()).toEqual([]);
    expect((await open(slack)).status).toBe(503);
    expect((await socket.deliver('slash_commands', { command: '/patch' })).failure).toBe('no_connection');
    socket.reset();
    await new Promise((r) => setTimeout(r, Math.max(0, 250 - (Date.now() - closedAt))));
    await client();
    expect(socket.gapMs()).toBeGreaterThanOrEqual(250);

    socket.outage(300);
    await once(socket.events, 'outage-ended');
    expect((await open(slack)).status).toBe(200);

    socket.outage(300, { connectionsOpen: 'refused' });
    await expect(open(slack)).rejects.toThrow();
  });

  it('refuses an eleventh connection', async () => {
    for (let i = 0; i < 10; i += 1) await client();
    const { body } = await open(slack);
    const eleventh = new WebSocket(String(body.url));
    const [err] = (await once(eleventh, 'error')) as [Error];
    expect(err.message).toMatch(/429/);
  });

  it('the driver sends slash commands and clicks over the socket and shows the ack as Slack would', async () => {
    const c = await client();
    c.ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as { envelope_id?: string; type?: string };
      if (m.envelope_id)
        c.ws.send(
          JSON.stringify({
            envelope_id: m.envelope_id,
            ...(m.type === 'slash_commands' ? { payload: { text: 'on it' } } : {}),
          }),
        );
    });
    const sent = await slack.driver.slashCommand({
      userId: DEMO_IDS.users.alice,
      channelId: DEMO_IDS.channels.stg,
      text: 'status STG',
    });
    expect(sent).toMatchObject({ status: 200, json: { text: 'on it' } });
    expect(sent.slackError).toBeUndefined();
    const command = envelopes(c)[0]!;
    expect(command).toMatchObject({
      type: 'slash_commands',
      payload: { command: '/patch', text: 'status STG', user_id: DEMO_IDS.users.alice, api_app_id: DEMO_IDS.bot.appId },
    });
    expect(slack.ephemerals(DEMO_IDS.channels.stg, DEMO_IDS.users.alice).map((e) => e.text)).toContain('on it');

    const message = slack.postUserMessage({
      userId: DEMO_IDS.users.alice,
      channelId: DEMO_IDS.channels.stg,
      text: 'hi',
    });
    const click = await slack.driver.blockAction({
      userId: DEMO_IDS.users.alice,
      channelId: DEMO_IDS.channels.stg,
      messageTs: message.ts,
      actionId: 'x',
    });
    expect(click.status).toBe(200);
    expect(envelopes(c)[1]).toMatchObject({
      type: 'interactive',
      payload: { type: 'block_actions', actions: [expect.objectContaining({ action_id: 'x' })] },
    });
  });

  it('the driver reports dispatch_failed with no socket and operation_timeout without an ack', async () => {
    const none = await slack.driver.slashCommand({
      userId: DEMO_IDS.users.alice,
      channelId: DEMO_IDS.channels.stg,
      text: 'help',
    });
    expect(none).toMatchObject({ status: 0, slackError: 'dispatch_failed' });
    await client();
    const silent = await slack.driver.slashCommand({
      userId: DEMO_IDS.users.alice,
      channelId: DEMO_IDS.channels.stg,
      text: 'help',
      timeoutMs: 200,
    });
    expect(silent).toMatchObject({ status: 0, slackError: 'operation_timeout' });
    expect(
      slack
        .ephemerals(DEMO_IDS.channels.stg, DEMO_IDS.users.alice)
        .map((e) => e.text)
        .join('\n'),
    ).toMatch(/operation_timeout/);
  });

  it('takes the same faults over POST /_sandbox/socket', async () => {
    const a = await client();
    const post = (body: unknown) =>
      fetch(`${slack.url}/_sandbox/socket`, { method: 'POST', body: JSON.stringify(body) });
    expect((await post({ action: 'refresh', reason: 'warning', closeAfterMs: 5000 })).status).toBe(200);
    await slack.driver.waitFor(
      () => a.received.some((m) => m.type === 'disconnect' && m.reason === 'warning'),
      2000,
      'disconnect',
    );
    expect((await post({ action: 'outage', ms: 1000 })).status).toBe(200);
    await once(a.ws, 'close');
    expect((await open(slack)).status).toBe(503);
    expect((await post({ action: 'stall' })).status).toBe(409);
    expect((await post({ action: 'explode' })).status).toBe(400);
    const http = await standIn();
    try {
      const res = await fetch(`${http.url}/_sandbox/socket`, {
        method: 'POST',
        body: JSON.stringify({ action: 'stall' }),
      });
      expect(await res.json()).toEqual({ ok: false, error: 'not_socket_mode' });
    } finally {
      await http.close();
    }
  });
});
