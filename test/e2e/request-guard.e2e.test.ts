/**
 * Forged, replayed, foreign: correctly signed requests that must still not be acted on, through
 * the real Bolt app and the Slack stand-in. A timestamp more than 5 minutes in the future, a
 * captured request sent again inside the signature window, and a request for another workspace,
 * enterprise or app are refused with an HTTP error, and nothing happens: no operation, no AWS call,
 * no message, no vote.
 */
import { DEMO_IDS, DEMO_WORKSPACE } from '@patchbot/sandbox/slack';
import { settled, startHarness, type Harness } from '../support/bot';

const { users, channels } = DEMO_IDS;
const APPROVE = 'patchbot.approve';

/** Everything the bot did in Slack, AWS and its store, apart from its start-up calls. */
async function sideEffects(h: Harness) {
  return {
    slack: h.slack.calls().filter((c) => c.method !== 'auth.test' && c.method !== 'bots.info').length,
    responses: h.slack.responses().length,
    aws: Object.values(h.sim.stats().calls).reduce((n, c) => n + c, 0),
    operations: (await h.bot.store.operations.listRecent({ limit: 100 })).length,
  };
}

describe('request guard: timestamps and replays', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  it.each([
    ['10 minutes', 10 * 60],
    ['a year', 365 * 24 * 3600],
  ])('refuses a correctly signed request stamped %s in the future', async (_what, seconds) => {
    const before = await sideEffects(h);
    const sent = await h.slack.driver.slashCommand({
      userId: users.alice,
      channelId: channels.stg,
      text: 'scan STG',
      timestampOffsetSeconds: seconds,
    });
    expect(sent.status).toBe(401);
    await settled(h.bot);
    expect(await sideEffects(h)).toEqual(before);
  });

  it('accepts a timestamp within the window, ahead or behind (clock skew)', async () => {
    for (const offset of [-240, 240]) {
      const sent = await h.slack.driver.slashCommand({
        userId: users.alice,
        channelId: channels.stg,
        text: 'help',
        timestampOffsetSeconds: offset,
      });
      expect(sent.status).toBe(200);
    }
  });

  it.each(['scan STG', 'install STG'])(
    'refuses `/patch %s` replayed once the original has been handled: one operation only',
    async (text) => {
      const before = (await h.bot.store.operations.listRecent({ limit: 100 })).length;
      const original = await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.stg, text });
      expect(original.status).toBe(200);
      await h.slack.driver.waitFor(
        async () => (await h.bot.store.operations.listRecent({ limit: 100 })).length === before + 1,
        5000,
        'the operation',
      );
      await settled(h.bot);
      // The captured request exactly as it was: body, timestamp and signature.
      const replay = await h.slack.driver.send(original.sent.body, {
        timestamp: original.sent.timestamp,
        signature: original.sent.signature,
      });
      expect(replay.status).toBe(409);
      await settled(h.bot);
      expect((await h.bot.store.operations.listRecent({ limit: 100 })).length).toBe(before + 1);
    },
  );

  it('refuses a replay sent to the restarted bot: what was accepted is remembered in the state file', async () => {
    const before = (await h.bot.store.operations.listRecent({ limit: 100 })).length;
    const original = await h.slack.driver.slashCommand({
      userId: users.alice,
      channelId: channels.stg,
      text: 'scan STG',
    });
    expect(original.status).toBe(200);
    await h.slack.driver.waitFor(
      async () => (await h.bot.store.operations.listRecent({ limit: 100 })).length === before + 1,
      5000,
      'the operation',
    );
    await h.bot.stop();
    await h.restart();
    const replay = await h.slack.driver.send(original.sent.body, {
      timestamp: original.sent.timestamp,
      signature: original.sent.signature,
    });
    expect(replay.status).toBe(409);
    await settled(h.bot);
    expect((await h.bot.store.operations.listRecent({ limit: 100 })).length).toBe(before + 1);
  });
});

describe('request guard: the installation', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  it.each([
    ['another workspace', { teamId: 'T0FOREIGN1' }],
    ['another app', { appId: 'A0OTHERAPP' }],
    ['an enterprise the workspace is not in', { enterpriseId: 'E0FOREIGN1' }],
  ])('refuses /patch scan for %s with 403', async (_what, identity) => {
    const before = await sideEffects(h);
    const sent = await h.slack.driver.slashCommand({
      userId: users.alice,
      channelId: channels.stg,
      text: 'scan STG',
      ...identity,
    });
    expect(sent.status).toBe(403);
    await settled(h.bot);
    expect(await sideEffects(h)).toEqual(before);
  });

  it('refuses an Approve from another workspace: no vote, no send', async () => {
    const seen = new Set(h.slack.messages(channels.prd).map((m) => m.ts));
    await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text: 'install PRD' });
    const card = await h.slack.driver.waitForMessage(
      channels.prd,
      (m) => !seen.has(m.ts) && /waiting for approval/.test(m.text),
      10000,
    );
    const op = await h.slack.driver.waitFor(
      async () => (await h.bot.store.operations.listRecent({ limit: 10 })).find((o) => o.messageTs === card.ts),
      5000,
      'the card recorded',
    );
    const before = await sideEffects(h);
    for (const identity of [{ teamId: 'T0FOREIGN1' }, { appId: 'A0OTHERAPP' }, { enterpriseId: 'E0FOREIGN1' }]) {
      const click = await h.slack.driver.blockAction({
        userId: users.bob,
        channelId: channels.prd,
        messageTs: card.ts,
        actionId: APPROVE,
        ...identity,
      });
      expect(click.status).toBe(403);
    }
    await settled(h.bot);
    expect(await sideEffects(h)).toEqual(before);
    expect(await h.bot.store.approvals.list(op.id)).toEqual([]);
    expect((await h.bot.store.operations.get(op.id))?.status).toBe('pending');
  });
});

describe('request guard: an Enterprise Grid org-wide install', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      workspace: { ...DEMO_WORKSPACE, enterprise: { id: 'E0ACMEGRID', name: 'Acme' }, orgInstall: true },
    });
  });
  afterAll(async () => h.close());

  it('accepts a request from another workspace of the same enterprise', async () => {
    const sent = await h.slack.driver.slashCommand({
      userId: users.alice,
      channelId: channels.stg,
      text: 'scan STG',
      teamId: 'T0ACMEOTHR',
    });
    expect(sent.status).toBe(200);
    await h.slack.driver.waitFor(
      async () => (await h.bot.store.operations.listRecent({ limit: 10 })).length === 1,
      5000,
      'the scan',
    );
    await h.slack.driver.waitFor(
      async () => (await h.bot.store.operations.listUnfinished()).length === 0,
      15000,
      'the scan to finish',
    );
  });

  it('refuses a request from another enterprise, or from none', async () => {
    const before = await sideEffects(h);
    for (const enterpriseId of ['E0FOREIGN1', null]) {
      const sent = await h.slack.driver.slashCommand({
        userId: users.alice,
        channelId: channels.stg,
        text: 'scan STG',
        teamId: 'T0ACMEOTHR',
        enterpriseId,
      });
      expect(sent.status).toBe(403);
    }
    await settled(h.bot);
    expect(await sideEffects(h)).toEqual(before);
  });
});
