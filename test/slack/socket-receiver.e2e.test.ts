/**
 * patchbot's Socket Mode receiver against the stand-in's Socket Mode, with a stand-in for Bolt's
 * App (only `processEvent`): start-up errors, reconnecting, retried envelopes, dead sockets, stop.
 */
import type { App, ReceiverEvent } from '@slack/bolt';
import { once } from 'node:events';
import { SlackError } from '../../src/errors';
import { startSlackStandIn, type SlackStandIn } from '@patchbot/sandbox/slack';
import { backoffMs, SocketModeReceiver, type SocketTiming } from '../../src/slack/socket-receiver';
import { capturingLogger } from '../support/log-capture';
import { SlackFirst } from '../../src/shared/slack-first';

const APP_TOKEN = 'xapp-unit';
const FAST: Partial<SocketTiming> = { backoffBaseMs: 20, backoffMaxMs: 100 };

describe('backoffMs', () => {
  it('doubles from the base, stops at the cap, and jitters between half and all of it', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, 250, 2000, () => 1))).toEqual([250, 500, 1000, 2000, 2000, 2000]);
    expect(backoffMs(3, 250, 2000, () => 0)).toBe(500);
    expect(backoffMs(30, 250, 2000, () => 0.5)).toBe(1500);
  });
});

describe('SocketModeReceiver', () => {
  let slack: SlackStandIn;
  let receiver: SocketModeReceiver | undefined;
  const events: ReceiverEvent[] = [];
  let handle: (event: ReceiverEvent) => Promise<void> = async (e) => e.ack();
  let captured = capturingLogger('debug');
  const fakeApp = {
    processEvent: async (e: ReceiverEvent) => {
      events.push(e);
      await handle(e);
    },
  } as unknown as App;

  function make(token = APP_TOKEN, timing: Partial<SocketTiming> = FAST, slackFirst?: SlackFirst): SocketModeReceiver {
    receiver = new SocketModeReceiver({
      appToken: token,
      apiUrl: slack.apiUrl,
      logger: captured.logger,
      timing,
      ...(slackFirst ? { slackFirst } : {}),
    });
    receiver.init(fakeApp);
    return receiver;
  }

  beforeEach(async () => {
    slack = await startSlackStandIn({ signingSecret: 's', botToken: 'xoxb-unit', appToken: APP_TOKEN });
    events.length = 0;
    captured = capturingLogger('debug');
    handle = async (e) => e.ack();
  });
  afterEach(async () => {
    await receiver?.stop();
    receiver = undefined;
    await slack.close();
  });

  it('fails start-up when Slack refuses the app-level token, naming SLACK_APP_TOKEN', async () => {
    const wrong = make('xapp-wrong').start();
    await expect(wrong).rejects.toBeInstanceOf(SlackError);
    await expect(wrong).rejects.toMatchObject({
      code: 'SLACK_AUTH',
      slackCode: 'invalid_auth',
      userMessage: expect.stringContaining('SLACK_APP_TOKEN'),
    });
    await expect(make('xoxb-unit').start()).rejects.toMatchObject({
      code: 'SLACK_AUTH',
      slackCode: 'not_allowed_token_type',
    });
  });

  it('starts while Slack is unreachable and connects once it answers', async () => {
    const hub = slack.socketMode!;
    // The outage lasts until the test ends it, so a slow machine cannot outlive it before start().
    hub.outage(60_000, { connectionsOpen: 'refused' });
    const r = make();
    await r.start();
    expect(r.connected()).toBe(false);
    hub.reset();
    await slack.driver.waitFor(() => r.connected(), 3000, 'a connection');
    expect(hub.list()).toHaveLength(1);
    const states = captured
      .lines()
      .filter((l) => l.subsystem === 'socket' && typeof l.state === 'string')
      .map((l) => l.state);
    expect(states).toEqual(['connecting', 'connected']);
  });

  it('hands each envelope to the app once: a retry of one being worked on is not worked on again', async () => {
    slack.configure({ ackTimeoutMs: 100 });
    const r = make();
    await r.start();
    // The app acknowledges late, after Slack has sent the event again.
    handle = async (e) => {
      await slack.driver.waitFor(
        () => captured.lines().some((l) => l.msg === 'retried envelope not worked on again'),
        3000,
        'the retry',
      );
      await e.ack();
    };
    const delivery = await slack.socketMode!.deliver('events_api', {
      event_id: 'Ev1',
      type: 'event_callback',
      event: { type: 'app_mention' },
    });
    expect(delivery.acked).toBe(true);
    expect(delivery.attempts).toBeGreaterThan(1);
    expect(events).toHaveLength(1);
  });

  it('acknowledges with the payload Bolt gives, on the socket the envelope came by', async () => {
    const r = make();
    await r.start();
    handle = async (e) => e.ack({ response_action: 'clear' });
    const delivery = await slack.socketMode!.deliver('interactive', { type: 'view_submission' });
    expect(delivery).toMatchObject({ acked: true, ackPayload: { response_action: 'clear' } });
    expect(events[0]?.body).toEqual({ type: 'view_submission' });
  });

  it('tells SlackFirst of each envelope from its arrival until its ack, or until its listener fails', async () => {
    const slackFirst = new SlackFirst(60_000);
    const r = make(APP_TOKEN, FAST, slackFirst);
    await r.start();
    const seen: number[] = [];
    handle = async (e) => {
      seen.push(slackFirst.pending);
      await e.ack();
      seen.push(slackFirst.pending);
    };
    expect((await slack.socketMode!.deliver('slash_commands', { command: '/patch' })).acked).toBe(true);
    expect(seen).toEqual([1, 0]);
    handle = async () => {
      seen.push(slackFirst.pending);
      throw new Error('the listener failed before its ack');
    };
    expect((await slack.socketMode!.deliver('slash_commands', { command: '/patch' }, { waitMs: 300 })).acked).toBe(
      false,
    );
    expect(seen).toEqual([1, 0, 1]);
    expect(slackFirst.pending).toBe(0);
  });

  it('drops a socket that stops answering pings and opens another', async () => {
    const r = make(APP_TOKEN, { ...FAST, pingIntervalMs: 50, pongTimeoutMs: 100 });
    await r.start();
    const hub = slack.socketMode!;
    const [first] = hub.list();
    hub.stall(first!.id);
    await slack.driver.waitFor(() => hub.list().some((c) => c.id !== first!.id), 5000, 'a new socket');
    await slack.driver.waitFor(() => hub.list().length === 1, 5000, 'the dead socket to go');
    expect(captured.lines().some((l) => l.msg === 'socket stopped answering pings; dropping it')).toBe(true);
    expect((await hub.deliver('slash_commands', { command: '/patch' })).acked).toBe(true);
  });

  it('keeps trying through apps.connections.open failures without a rejection escaping, until Slack answers', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const r = make();
      await r.start();
      const hub = slack.socketMode!;
      // The test ends the outage itself once three opens were refused, however slow the machine.
      hub.outage(60_000);
      await slack.driver.waitFor(
        () => slack.calls('apps.connections.open').filter((c) => c.status === 503).length >= 3,
        3000,
        'three refused opens',
      );
      slack.failNext('apps.connections.open', 'internal_error');
      hub.reset();
      await slack.driver.waitFor(() => r.connected(), 3000, 'the connection back');
      expect(slack.calls('apps.connections.open').some((c) => c.response.error === 'internal_error')).toBe(true);
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('opens a replacement when Slack sends disconnect, before the old socket closes', async () => {
    const r = make();
    await r.start();
    const hub = slack.socketMode!;
    const [old] = hub.list();
    const closed = once(hub.events, 'closed');
    hub.refresh({ closeAfterMs: 5000 });
    const [gone] = (await closed) as [{ id: number }];
    expect(gone.id).toBe(old!.id);
    expect(hub.list()).toHaveLength(1);
    expect(hub.gapMs()).toBe(0);
    expect(r.connected()).toBe(true);
  });

  it('a second disconnect on a socket already being replaced opens nothing more, and the old socket closes once its envelope is acknowledged', async () => {
    const r = make(APP_TOKEN, { ...FAST, drainMs: 10_000 });
    await r.start();
    const hub = slack.socketMode!;
    const [old] = hub.list();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    handle = async (e) => {
      await held;
      await e.ack();
    };
    const delivery = hub.deliver('slash_commands', { command: '/patch' });
    await slack.driver.waitFor(() => events.length === 1, 2000, 'the envelope at the app');
    hub.refresh({ reason: 'warning', closeAfterMs: 10_000 });
    await slack.driver.waitFor(() => hub.list().length === 2, 2000, 'the replacement');
    hub.refresh({ connectionId: old!.id, reason: 'refresh_requested', closeAfterMs: 10_000 });
    release();
    expect((await delivery).acked).toBe(true);
    await slack.driver.waitFor(() => !hub.list().some((c) => c.id === old!.id), 2000, 'the old socket to close');
    expect(hub.list()).toHaveLength(1);
    expect(slack.calls('apps.connections.open')).toHaveLength(2);
  });
});
