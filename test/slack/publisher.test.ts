/**
 * The publisher against the Slack stand-in, post by post: a post recorded as under way is not
 * repeated before it settles, is found by its metadata when Slack has it, and posted when Slack does
 * not; a 429 posts nothing, so the post is made after the wait Slack asks for.
 */
import { webApi } from '@slack/bolt';
import { systemClock } from '../../src/clock';
import { silentLogger } from '../../src/logger';
import { CARD } from '../../src/patching/post-journal';
import { DEMO_IDS, type SlackStandIn } from '@patchbot/sandbox/slack';
import { PostPendingError, SlackOperationPublisher, memoryJournal } from '../../src/slack/publisher';
import type { Operation } from '../../src/store';
import { BOT_TOKEN, standIn } from '../sandbox/slack/helpers';
import { smallReport } from './views/fixtures';

const { stg: STG } = DEMO_IDS.channels;

function operation(overrides: Partial<Operation> = {}): Operation {
  const now = new Date();
  return {
    id: 'op-7f3a',
    kind: 'scan',
    group: 'STG',
    status: 'running',
    requestedBy: DEMO_IDS.users.alice,
    channel: STG,
    messageTs: null,
    params: {},
    plan: null,
    commands: [],
    result: null,
    error: null,
    expiresAt: null,
    createdAt: now,
    updatedAt: now,
    finishedAt: null,
    version: 1,
    ...overrides,
  } as Operation;
}

describe('SlackOperationPublisher, post by post', () => {
  let slack: SlackStandIn;
  let publisher: SlackOperationPublisher;

  beforeAll(async () => {
    slack = await standIn();
    const client = new webApi.WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    publisher = new SlackOperationPublisher(client, systemClock, silentLogger(), undefined, {
      timeoutMs: 2000,
      settleMs: 300,
    });
  });
  afterAll(() => slack?.close());
  beforeEach(() => slack.reset());

  const report = smallReport({ operationId: 'op-7f3a', group: 'STG' });

  it('posts the card and the result thread with metadata, and a second finished publish posts nothing', async () => {
    const journal = memoryJournal();
    const where = await publisher.publish(operation(), report, 'finished', journal);
    const posted = slack.messages(STG);
    expect(posted[0]?.ts).toBe(where?.ts);
    expect(posted[0]?.metadata).toEqual({
      event_type: 'patchbot_post',
      event_payload: { operation_id: 'op-7f3a', post: 'card' },
    });
    const before = posted.length;
    expect(before).toBeGreaterThan(1);
    await publisher.publish(operation(), report, 'finished', journal);
    expect(slack.messages(STG)).toHaveLength(before);
  });

  it('waits for an unsettled post, then finds it by its metadata instead of posting again', async () => {
    const journal = memoryJournal();
    // A previous process posted the card and died before recording where.
    slack.failNext('chat.postMessage', 'internal_error', { applied: true });
    await expect(publisher.publish(operation(), report, 'started', journal)).rejects.toMatchObject({
      data: { error: 'internal_error' },
    });
    expect((await journal.get(CARD))?.state).toBe('posting');
    const card = slack.messages(STG)[0];
    const found = await publisher.publish(operation(), report, 'started', journal);
    expect(found?.ts).toBe(card?.ts);
    expect(slack.messages(STG)).toHaveLength(1);
    expect(slack.calls('conversations.history')).toHaveLength(1);
  });

  it('brings a card found by its metadata up to date: it shows what was posted then, not the result', async () => {
    const journal = memoryJournal();
    // A previous process posted the running card and died before recording where; the next publish is the result.
    slack.failNext('chat.postMessage', 'internal_error', { applied: true });
    const running = { ...report, status: 'running' as const };
    await expect(publisher.publish(operation(), running, 'started', journal)).rejects.toMatchObject({
      data: { error: 'internal_error' },
    });
    const card = slack.messages(STG)[0]!;
    const finished = await publisher.publish(operation({ status: 'succeeded' }), report, 'finished', journal);
    expect(finished?.ts).toBe(card.ts);
    const now = slack.messages(STG).find((m) => m.ts === card.ts)!;
    expect(now.text).not.toBe(card.text);
    expect(now.text).toBe(slack.calls('chat.update').at(-1)?.args['text']);
    expect(slack.messages(STG).filter((m) => !m.thread_ts || m.thread_ts === m.ts)).toHaveLength(1);
  });

  it('refuses to post before a timed-out post settles, and posts once it did and Slack has nothing', async () => {
    const journal = memoryJournal();
    await journal.begin(CARD, new Date(Date.now() + 300), undefined);
    await expect(publisher.publish(operation(), report, 'started', journal)).rejects.toBeInstanceOf(PostPendingError);
    expect(slack.calls('chat.postMessage')).toHaveLength(0);
    const settled = () =>
      publisher.publish(operation(), report, 'started', journal).then(
        () => true,
        (err: unknown) => (err instanceof PostPendingError ? false : Promise.reject(err)),
      );
    await slack.driver.waitFor(settled, 5000, 'the timed-out post to settle');
    expect(slack.messages(STG)).toHaveLength(1);
    expect(await journal.get(CARD)).toMatchObject({ state: 'posted', ts: slack.messages(STG)[0]?.ts });
  });

  it('waits out a 429 and posts once', async () => {
    slack.rateLimitNext('chat.postMessage', 1);
    const journal = memoryJournal();
    const started = Date.now();
    await publisher.publish(operation(), report, 'started', journal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(slack.messages(STG)).toHaveLength(1);
  });
});
