/**
 * Results that reach the user whole, and posts made exactly once, through the real bot (real Bolt,
 * the simulator, the Slack stand-in's faults): Slack down or refusing the token while an install
 * finishes (also across a restart), a chat.update that hangs, an internal_error answer to a card
 * that was posted anyway, and a crash between a thread reply reaching Slack and its record.
 */
import { isTerminal } from '../../src/patching/lifecycle';
import { readResult } from '../../src/patching/records';
import { waitFor, type SlackMessage } from '@patchbot/sandbox/slack';
import type { Operation } from '../../src/store';
import { DEMO_IDS, OPERATION_ENDED, settled, startHarness, type Harness } from '../support/bot';

const { users, channels } = DEMO_IDS;
/** Lets time pass: only for outages whose length is what a test is about, never to wait for the bot. */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `/patch <text>` as alice in `channel` and returns the operation's card once it is posted. */
async function start(
  h: Harness,
  channel: string,
  text: string,
  title: RegExp,
): Promise<{ card: SlackMessage; op: Operation }> {
  const seen = new Set(h.slack.messages(channel).map((m) => m.ts));
  await h.slack.driver.slashCommand({ userId: users.alice, channelId: channel, text });
  const card = await h.slack.driver.waitForMessage(
    channel,
    (m) => !seen.has(m.ts) && (!m.thread_ts || m.thread_ts === m.ts) && title.test(m.text),
    15000,
  );
  const op = await waitFor(
    async () => (await h.bot.store.operations.listRecent({ limit: 20 })).find((o) => o.messageTs === card.ts),
    5000,
  );
  return { card, op };
}

/** The operation as stored now. */
const stored = async (h: Harness, id: string) => (await h.bot.store.operations.get(id)) as Operation;

/** Top-level messages in `channel` whose text matches `title` (the operation cards). */
const cards = (h: Harness, channel: string, title: RegExp) =>
  h.slack
    .messages(channel)
    .filter((m) => !m.thread_ts || m.thread_ts === m.ts)
    .filter((m) => title.test(m.text));

/** Replies in the thread of `ts`. */
const replies = (h: Harness, channel: string, ts: string) =>
  h.slack.messages(channel).filter((m) => m.thread_ts === ts && m.ts !== ts);

/** The card shows the stored result: the real instance count, and a thread with each part once. */
async function expectWholeResult(h: Harness, channel: string, card: SlackMessage, op: Operation): Promise<void> {
  const done = await stored(h, op.id);
  const result = readResult(done);
  expect(isTerminal(done.status)).toBe(true);
  expect(result.published).toBe(true);
  expect(result.final).toBeUndefined();
  const total = result.counts?.total ?? 0;
  expect(total).toBeGreaterThan(0);
  const now = h.slack.messages(channel).find((m) => m.ts === card.ts) as SlackMessage;
  expect(now.text).toMatch(OPERATION_ENDED);
  expect(now.text).toContain(`${total} instances`);
  expect(now.text).not.toMatch(/\b0 instances\b/);
  const thread = replies(h, channel, card.ts);
  expect(thread.length).toBeGreaterThan(0);
  const texts = thread.map((m) => m.text);
  expect(new Set(texts).size).toBe(texts.length);
  const keys = thread.map((m) => String(m.metadata?.event_payload['post']));
  expect(new Set(keys).size).toBe(keys.length);
}

describe('Slack unreachable for 30 s while an install finishes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ sim: { timing: { pendingMs: 300, runMs: 3000 } } });
  });
  afterAll(async () => h.close());

  it('afterwards the card shows the stored result and the thread is posted once', async () => {
    const { card, op } = await start(h, channels.stg, 'install STG', /Install of STG/);
    const downAt = Date.now();
    h.slack.configure({ outage: 'unreachable' });
    // The install finishes while nothing reaches Slack; after a few tries (each a few retried
    // attempts) the operation ends with its result kept. Slack stays away 30 s, or until then.
    await waitFor(
      async () => (isTerminal((await stored(h, op.id)).status) ? true : undefined),
      50000,
      'the install to end unpublished',
      200,
    );
    expect(readResult(await stored(h, op.id)).published).toBe(false);
    expect(readResult(await stored(h, op.id)).final?.total).toBeGreaterThan(0);
    // Kept without the plan and approvals the operation holds anyway: the publish adds them back.
    expect(readResult(await stored(h, op.id)).final?.plan).toBeUndefined();
    // The outage's length is under test (30 s), not a wait for the bot.
    await sleep(Math.max(0, 30000 - (Date.now() - downAt)));
    h.slack.configure({ outage: 'none' });

    await h.slack.driver.waitForUpdate(channels.stg, card.ts, (m) => OPERATION_ENDED.test(m.text), 30000);
    await waitFor(
      async () => (readResult(await stored(h, op.id)).published ? true : undefined),
      30000,
      'a condition',
      200,
    );
    await settled(h.bot);
    await expectWholeResult(h, channels.stg, card, op);
    expect(cards(h, channels.stg, /Install of STG/)).toHaveLength(1);
  }, 150000);
});

describe('Slack answering invalid_auth while an install finishes, and the bot restarted', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ sim: { timing: { pendingMs: 300, runMs: 3000 } } });
  });
  afterAll(async () => h.close());

  it('the restarted bot publishes the stored result, whole and once', async () => {
    const { card, op } = await start(h, channels.stg, 'install STG', /Install of STG/);
    const downAt = Date.now();
    h.slack.configure({ outage: 'invalid_auth' });
    await waitFor(
      async () => (isTerminal((await stored(h, op.id)).status) ? true : undefined),
      20000,
      'a condition',
      200,
    );
    await h.bot.stop();
    // The outage's length is under test (20 s), not a wait for the bot.
    await sleep(Math.max(0, 20000 - (Date.now() - downAt)));
    // Bolt checks the token at start, so the bot comes back once Slack does.
    h.slack.configure({ outage: 'none' });
    await h.restart();

    await h.slack.driver.waitForUpdate(channels.stg, card.ts, (m) => OPERATION_ENDED.test(m.text), 30000);
    await waitFor(
      async () => (readResult(await stored(h, op.id)).published ? true : undefined),
      30000,
      'a condition',
      200,
    );
    await settled(h.bot);
    await expectWholeResult(h, channels.stg, card, op);
    expect(cards(h, channels.stg, /Install of STG/)).toHaveLength(1);
  }, 120000);
});

describe('a chat.update that hangs for 90 s', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ sim: { timing: { pendingMs: 300, runMs: 3000 } } });
  });
  afterAll(async () => h.close());

  it('holds neither another operation’s card nor its result, and its own operation still ends', async () => {
    // The next chat.update in PRD (the PRD scan's progress or result) hangs.
    h.slack.hangNext('chat.update', 90_000, { channel: channels.prd });
    const a = await start(h, channels.prd, 'scan PRD', /Scan of PRD/);
    await settled(h.bot);
    const startedAt = Date.now();
    const b = await start(h, channels.stg, 'scan STG', /Scan of STG/);
    expect(Date.now() - startedAt).toBeLessThan(5000);
    await h.slack.driver.waitForUpdate(channels.stg, b.card.ts, (m) => OPERATION_ENDED.test(m.text), 15000);
    expect(Date.now() - startedAt).toBeLessThan(20000);

    // The hung call times out and is made again; the PRD scan ends on its own card.
    await h.slack.driver.waitForUpdate(channels.prd, a.card.ts, (m) => OPERATION_ENDED.test(m.text), 45000);
    await waitFor(
      async () => (readResult(await stored(h, a.op.id)).published ? true : undefined),
      15000,
      'a condition',
      200,
    );
    expect(cards(h, channels.prd, /Scan of PRD/)).toHaveLength(1);
  }, 90000);
});

describe('internal_error in answer to the card, which Slack posted all the same', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ sim: { timing: { pendingMs: 300, runMs: 1500 } } });
  });
  afterAll(async () => h.close());

  it('leaves exactly one card, found by its metadata, and that card is the one updated', async () => {
    h.slack.failNext('chat.postMessage', 'internal_error', { applied: true, channel: channels.stg });
    await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.stg, text: 'scan STG' });
    const ended = await h.slack.driver.waitForMessage(
      channels.stg,
      (m) => (!m.thread_ts || m.thread_ts === m.ts) && /Scan of STG/.test(m.text) && OPERATION_ENDED.test(m.text),
      20000,
    );
    const op = await waitFor(
      async () =>
        (await h.bot.store.operations.listRecent({ limit: 5 })).find(
          (o) => o.kind === 'scan' && o.group === 'STG' && readResult(o).published,
        ),
      10000,
    );
    await settled(h.bot);
    expect(cards(h, channels.stg, /Scan of STG/)).toHaveLength(1);
    expect(op.messageTs).toBe(ended.ts);
    expect(ended.metadata).toEqual({
      event_type: 'patchbot_post',
      event_payload: { operation_id: op.id, post: 'card' },
    });
    expect(h.slack.calls('conversations.history').length).toBeGreaterThan(0);
    expect(h.slack.calls('chat.postMessage').filter((c) => !c.args['thread_ts'])).toHaveLength(1);
    await expectWholeResult(h, channels.stg, ended, op);
  }, 60000);
});

describe('a crash between a thread reply reaching Slack and its record', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ sim: { timing: { pendingMs: 300, runMs: 1500 } } });
  });
  afterAll(async () => h.close());

  it('the restarted bot finds the reply and posts the thread once', async () => {
    const { card, op } = await start(h, channels.stg, 'scan STG', /Scan of STG/);
    // The first thread reply is held by Slack for 6 s; the bot stops meanwhile, the reply lands after.
    h.slack.hangNext('chat.postMessage', 6000, { channel: channels.stg });
    await waitFor(
      async () => ((await h.bot.store.posts.get(op.id, 'result:0'))?.state === 'posting' ? true : undefined),
      20000,
      'a condition',
      50,
    );
    await h.bot.stop();
    await waitFor(() => (replies(h, channels.stg, card.ts).length > 0 ? true : undefined), 10000, 'a condition', 100);
    // Slack has answered the held reply (to the stopped bot, which no longer records it).
    await waitFor(
      () => h.slack.calls('chat.postMessage').some((c) => c.args['thread_ts'] === card.ts && c.status === 200),
      5000,
      'the held reply answered',
    );

    await h.restart();
    await waitFor(
      async () => (readResult(await stored(h, op.id)).published ? true : undefined),
      40000,
      'a condition',
      200,
    );
    await settled(h.bot);
    await expectWholeResult(h, channels.stg, card, op);
    const first = replies(h, channels.stg, card.ts).filter((m) => m.metadata?.event_payload['post'] === 'result:0');
    expect(first).toHaveLength(1);
    expect(h.slack.calls('conversations.replies').length).toBeGreaterThan(0);
    expect(cards(h, channels.stg, /Scan of STG/)).toHaveLength(1);
  }, 90000);
});

describe('two bots tracking one state file', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ sim: { timing: { pendingMs: 300, runMs: 1500 } } });
  });
  afterAll(async () => h.close());

  it('post one card and one thread between them: the second one looks up, never reposts', async () => {
    const first = h.bot;
    // A second process on the same file (restart() without stopping the first); Slack's requests now reach it.
    await h.restart();
    try {
      // Every post in STG answers slowly, so both trackers meet each post under way.
      h.slack.configure({ latencyMs: 300 });
      const { card, op } = await start(h, channels.stg, 'scan STG', /Scan of STG/);
      await h.slack.driver.waitForUpdate(channels.stg, card.ts, (m) => OPERATION_ENDED.test(m.text), 20000);
      await waitFor(
        async () => (readResult(await stored(h, op.id)).published ? true : undefined),
        20000,
        'a condition',
        200,
      );
      h.slack.configure({ latencyMs: 0 });
      await settled(first, h.bot);
      expect(cards(h, channels.stg, /Scan of STG/)).toHaveLength(1);
      await expectWholeResult(h, channels.stg, card, op);
      const posted = h.slack
        .calls('chat.postMessage')
        .filter((c) => c.args['channel'] === channels.stg && c.status === 200 && c.response['ok'] === true);
      expect(posted).toHaveLength(1 + replies(h, channels.stg, card.ts).length);
    } finally {
      await first.stop();
    }
  }, 60000);
});
