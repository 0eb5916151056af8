/**
 * Socket Mode end to end: the real bot (SLACK_APP_TOKEN set) against the stand-in's Socket Mode,
 * commands and clicks delivered as envelopes over the bot's WebSocket. A routine refresh loses
 * nothing, an outage of Slack is survived (no unhandled rejection, /health 503 meanwhile, /health/live 200) and the
 * bot hears the next command soon after Slack is back.
 */
import { once } from 'node:events';
import { guardProcess } from '../../src/process-guard';
import { HEALTH_PATH, LIVE_PATH } from '../../src/slack/health';
import type { SlackStandIn } from '@patchbot/sandbox/slack';
import { capturingLogger } from '../support/log-capture';
import { DEMO_IDS, readable, startHarness, type Harness } from '../support/bot';

const { users, channels } = DEMO_IDS;

/** GET /health (or the liveness path): status and body. */
async function health(h: Harness, path = HEALTH_PATH): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${h.bot.port}${path}`);
  return { status: res.status, body: await res.json() };
}

/** Sends `/patch help` as alice and waits for its private answer; returns the delivery. */
async function help(h: Harness) {
  const sent = await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.stg, text: 'help' });
  expect(sent.slackError).toBeUndefined();
  expect(sent.status).toBe(200);
  const answer = await h.slack.driver.waitForResponse((r) => r.url === sent.responseUrl, 10_000);
  expect(JSON.stringify(answer.body)).toMatch(/\/patch/);
  return sent;
}

function hub(slack: SlackStandIn) {
  const socket = slack.socketMode;
  if (!socket) throw new Error('the stand-in is not in Socket Mode');
  return socket;
}

describe('Socket Mode', () => {
  let h: Harness;
  const captured = capturingLogger('info');
  let unguard: () => void;
  beforeAll(async () => {
    // As main does: an unhandled rejection is logged, and this test then finds it in the log.
    unguard = guardProcess(captured.logger, { exit: () => undefined });
    h = await startHarness({ slackMode: 'socket', logger: captured.logger });
  });
  afterAll(async () => {
    await h.close();
    unguard();
  });
  afterEach(() => {
    const rejections = captured
      .lines()
      .filter((l) => l.event === 'unhandledRejection' || l.event === 'uncaughtException');
    expect(rejections).toEqual([]);
  });

  it('answers /patch and the card buttons over the socket, through the same request guard', async () => {
    expect(hub(h.slack).list()).toHaveLength(1);
    expect(await health(h)).toEqual({ status: 200, body: { ok: true, role: 'leader', backend: 'sqlite' } });
    await help(h);

    const seen = new Set(h.slack.messages(channels.prd).map((m) => m.ts));
    await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text: 'install PRD' });
    const card = await h.slack.driver.waitForMessage(
      channels.prd,
      (m) => !seen.has(m.ts) && /waiting for approval/.test(m.text),
      10_000,
    );

    // A stranger's Approve is refused to them alone.
    const click = await h.slack.driver.blockAction({
      userId: users.mallory,
      channelId: channels.prd,
      messageTs: card.ts,
      actionId: 'patchbot.approve',
    });
    expect(click.status).toBe(200);
    expect(click.slackError).toBeUndefined();
    const refusal = await h.slack.driver.waitForResponse((r) => r.url === click.responseUrl, 10_000);
    expect(JSON.stringify(refusal.body)).toMatch(/approve/i);

    // Reject opens the dialog; its submission (view_submission over the socket) updates the card.
    await h.slack.driver.blockAction({
      userId: users.bob,
      channelId: channels.prd,
      messageTs: card.ts,
      actionId: 'patchbot.reject',
    });
    const modal = await h.slack.driver.waitFor(
      () => h.slack.modals().find((m) => m.user === users.bob && m.state === 'open'),
      5000,
      'the reject dialog',
    );
    const submitted = await h.slack.driver.viewSubmission({
      userId: users.bob,
      viewId: modal.id,
      inputs: { reason_input: 'change freeze' },
    });
    expect(submitted.status).toBe(200);
    const rejected = await h.slack.driver.waitForUpdate(channels.prd, card.ts, (m) => /rejected/i.test(m.text), 10_000);
    expect(readable(rejected)).toContain('change freeze');

    // The guard runs in Socket Mode too: a command for another app is not acted on.
    const foreign = await h.slack.driver.slashCommand({
      userId: users.alice,
      channelId: channels.stg,
      text: 'help',
      appId: 'A0OTHERAPP',
      timeoutMs: 4000,
    });
    expect(foreign.slackError).toBe('operation_timeout');
    expect(captured.lines().some((l) => l.msg === 'Slack request refused' && l.reason === 'foreign_app')).toBe(true);
  });

  it('a routine refresh opens the new socket before the old one goes: commands sent during it are answered', async () => {
    const socket = hub(h.slack);
    const gapBefore = socket.gapMs();
    const old = socket.refresh({ closeAfterMs: 3000 });
    expect(old).toBeDefined();
    // Right during the refresh: Slack still delivers to the socket it asked to go.
    await help(h);
    await h.slack.driver.waitFor(() => socket.list().some((c) => c.id !== old!.id), 5000, 'the new socket');
    await h.slack.driver.waitFor(() => !socket.list().some((c) => c.id === old!.id), 5000, 'the old socket to close');
    // Right after the old socket closed.
    await help(h);
    expect(socket.list()).toHaveLength(1);
    expect(socket.gapMs() - gapBefore).toBe(0);
    expect((await health(h)).status).toBe(200);
  });

  it('survives a 20 s outage of Slack (sockets dropped, apps.connections.open 503): /health 503 meanwhile, the next command answered within 3 s of Slack being back', async () => {
    const socket = hub(h.slack);
    const ended = once(socket.events, 'outage-ended');
    socket.outage(20_000, { connectionsOpen: 'http_503' });
    // The bot asks for a socket again and is refused, more than once, without an unhandled rejection (afterEach).
    const refused = () => h.slack.calls('apps.connections.open').filter((c) => c.status === 503).length;
    await h.slack.driver.waitFor(() => refused() >= 2, 10_000, 'apps.connections.open to be refused twice');
    // Slack cannot reach an app with no socket: the user sees dispatch_failed.
    const lost = await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.stg, text: 'help' });
    expect(lost.slackError).toBe('dispatch_failed');
    expect(await health(h)).toEqual({
      status: 503,
      body: { ok: false, reason: 'socket_mode_disconnected', role: 'leader', backend: 'sqlite' },
    });
    // Unready, not dead: a restart would not bring Slack back.
    expect(await health(h, LIVE_PATH)).toEqual({ status: 200, body: { ok: true } });

    await ended;
    const back = performance.now();
    await h.slack.driver.waitFor(() => socket.list().length > 0, 5000, 'the bot to connect again');
    await help(h);
    const answeredMs = Math.round(performance.now() - back);
    console.log(`socket mode: next command answered ${answeredMs} ms after a 20 s outage ended`);
    expect(answeredMs).toBeLessThan(3000);
    expect(await health(h)).toEqual({ status: 200, body: { ok: true, role: 'leader', backend: 'sqlite' } });
  }, 60_000);

  it('survives the network to Slack going away (connections reset), and connects again', async () => {
    const socket = hub(h.slack);
    const ended = once(socket.events, 'outage-ended');
    socket.outage(3000, { connectionsOpen: 'refused' });
    await h.slack.driver.waitFor(async () => (await health(h)).status === 503, 5000, '/health to say 503');
    await h.slack.driver.waitForCall('apps.connections.open', (c) => c.status === 0, 5000);
    await ended;
    await h.slack.driver.waitFor(() => socket.list().length > 0, 5000, 'the bot to connect again');
    await help(h);
    expect((await health(h)).status).toBe(200);
  }, 30_000);
});
