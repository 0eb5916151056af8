/**
 * Channels by name, `#channel` as typed, and Slack's refusals told to the person who can fix them:
 * the real Bolt app, the real SDK and the real WebClient against the stand-ins.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBot } from '../../src/bot';
import { loadEnv } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { runSlackPreflight } from '../../src/preflight';
import { DEMO_WORKSPACE, startSlackStandIn, type SlackStandIn, type WorkspaceSeed } from '@patchbot/sandbox/slack';
import { DEMO_IDS, OPERATION_ENDED, demoConfig, readable, startHarness, type Harness } from '../support/bot';

const { users, channels, bot } = DEMO_IDS;
const APPROVE = 'patchbot.approve';
/** An archived channel the bot was in. */
const OLD = { id: 'C0OLDPATCH', name: 'old-patching' };
const WORKSPACE: WorkspaceSeed = {
  ...DEMO_WORKSPACE,
  channels: [
    ...DEMO_WORKSPACE.channels,
    { id: OLD.id, name: OLD.name, members: [bot.userId, users.alice], isArchived: true },
  ],
};

/** The demo config with PRD's channel (and the window's) written as `value`. */
const prdChannel = (value: string) =>
  demoConfig((t) =>
    t
      .replace(/(PRD:\n\s+channel:) C0PRDPATCH/, `$1 "${value}"`)
      .replace(/(patch-window-am2:) C0PRDPATCH/, `$1 "${value}"`),
  );

/** Runs `/patch <text>` as `userId` in `channelId` and returns everything its response_url received, as text. */
async function command(
  h: Harness,
  text: string,
  channelId: string = channels.prd,
  userId: string = users.alice,
): Promise<string> {
  const sent = await h.slack.driver.slashCommand({ userId, channelId, text });
  await h.slack.driver.waitForResponse((r) => r.url === sent.responseUrl, 10000);
  return JSON.stringify(
    h.slack
      .responses()
      .filter((r) => r.url === sent.responseUrl)
      .map((r) => r.body),
  );
}

/** The bot's direct messages to a user. */
const dms = (h: Harness, userId: string) => h.slack.messages(`D${userId.slice(1)}`);

describe('a group whose channel is given by name (#prd-patching)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: prdChannel('#prd-patching') });
  });
  afterAll(async () => h.close());

  it('runs an approved install to its result on its card, every chat.update accepted', async () => {
    const seen = new Set(h.slack.messages(channels.prd).map((m) => m.ts));
    await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text: 'install PRD' });
    const card = await h.slack.driver.waitForMessage(
      channels.prd,
      (m) => !seen.has(m.ts) && /Install .*PRD.*waiting for approval/.test(m.text),
      10000,
    );
    const click = await h.slack.driver.blockAction({
      userId: users.bob,
      channelId: channels.prd,
      messageTs: card.ts,
      actionId: APPROVE,
    });
    expect(click.status).toBe(200);
    const done = await h.slack.driver.waitForUpdate(channels.prd, card.ts, (m) => OPERATION_ENDED.test(m.text), 30000);
    expect(readable(done)).toMatch(/Approved by/);
    expect(readable(done)).toMatch(/succeeded|finished with problems/);
    const updates = h.slack.calls('chat.update');
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.filter((c) => c.response.ok !== true).map((c) => c.response.error)).toEqual([]);
    expect(new Set(updates.map((c) => c.args.channel))).toEqual(new Set([channels.prd]));
  }, 60000);

  it('/patch digest in that channel finds its groups', async () => {
    expect(await command(h, 'digest')).toMatch(/Digest for PRD, WIN posted/);
  });
});

describe('/patch digest with the channel as Slack sends it', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  it.each([
    ['escaped with its name', `<#${channels.stg}|stg-patching>`],
    ['escaped without a name', `<#${channels.stg}|>`],
    ['escaped, id only', `<#${channels.stg}>`],
    ['as typed, with #', '#stg-patching'],
    ['as typed, a bare name', 'stg-patching'],
    ['as typed, in capitals', '#STG-Patching'],
    ['a bare id', channels.stg],
  ])('%s: %s', async (_form, word) => {
    expect(await command(h, `digest ${word}`)).toMatch(/Digest for STG posted/);
  });

  it('an unknown name is answered with what to check', async () => {
    const told = await command(h, 'digest #no-such-channel');
    expect(told).toMatch(/There is no channel \\"#no-such-channel\\" that patchbot can see: check the spelling/);
    expect(told).not.toMatch(/is not a channel: pick one/);
  });
});

describe('start-up with a channel Slack cannot give an id for', () => {
  let slack: SlackStandIn;
  beforeAll(async () => {
    slack = await startSlackStandIn({ signingSecret: 's', botToken: 'xoxb-e2e', workspace: WORKSPACE });
  });
  afterAll(async () => slack.close());

  /** Starts the bot with PRD's channel written as `value`; one that starts is stopped at once (the test then fails on its own). */
  const start = async (value: string): Promise<void> => {
    const running = await startBot({
      config: prdChannel(value),
      slack: { mode: 'http', botToken: 'xoxb-e2e', signingSecret: 's', appToken: undefined, apiUrl: slack.apiUrl },
      dbPath: join(mkdtempSync(join(tmpdir(), 'patchbot-channels-')), 'patchbot.db'),
      port: 0,
      host: '127.0.0.1',
      logger: silentLogger(),
      // Nothing reaches AWS: the channels are resolved first.
      aws: {
        endpoint: 'http://127.0.0.1:9',
        credentials: { accessKeyId: 'AKIDE2E', secretAccessKey: 'e2e' },
        maxAttempts: 1,
      },
    });
    await running.stop();
  };

  it('a name nobody has fails start, naming it, where it is, and the fix', async () => {
    await expect(start('#prd-patchin')).rejects.toThrow(
      /#prd-patchin \(groups\.PRD\.channel\) is not a channel patchbot can see: check the spelling.*\/invite @patchbot.*id/,
    );
  });

  it('an archived channel fails start, by name or by id, and is not "invite the bot"', async () => {
    await expect(start(`#${OLD.name}`)).rejects.toThrow(
      /#old-patching \(groups\.PRD\.channel\) is archived \(C0OLDPATCH\): unarchive it/,
    );
    const byId = start(OLD.id);
    await expect(byId).rejects.toThrow(/C0OLDPATCH \(groups\.PRD\.channel, #old-patching\) is archived/);
    await expect(byId).rejects.not.toThrow(/invite/);
  });

  it('npm run check says the same: a FAIL for a name nobody has, a WARN for a channel the bot is not in', async () => {
    const check = async (value: string) => {
      const env = loadEnv({ SLACK_API_URL: slack.apiUrl, SLACK_BOT_TOKEN: 'xoxb-e2e', SLACK_SIGNING_SECRET: 's' });
      return (await runSlackPreflight(env, silentLogger(), prdChannel(value))).find((c) => c.what === 'Slack channels');
    };
    expect(await check('#prd-patchin')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(
        /^Channel #prd-patchin \(groups\.PRD\.channel\) is not a channel patchbot can see: check the spelling/,
      ),
    });
    expect(await check('#ops')).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(
        /patchbot is not in #ops \(C0OPSCHAN1, groups\.PRD\.channel\): invite it with \/invite @patchbot/,
      ),
    });
    expect(await check('#prd-patching')).toMatchObject({
      status: 'ok',
      detail: '2 channels; #prd-patching is C0PRDPATCH',
    });
  });

  it('asks conversations.list for public and private channels, 200 a page, without archived ones', async () => {
    const list = slack.calls('conversations.list')[0];
    expect(list?.args).toMatchObject({
      types: 'public_channel,private_channel',
      exclude_archived: 'true',
      limit: '200',
    });
  });
});

describe('a card Slack will not post', () => {
  let h: Harness;
  beforeAll(async () => {
    // PRD posts in #ops, where the bot is not a member (start-up only warns: it may be invited later).
    h = await startHarness({ config: prdChannel(channels.ops), workspace: WORKSPACE });
  });
  afterAll(async () => h.close());

  it('not_in_channel: the request is cancelled, audited, and the requester told to invite the bot', async () => {
    await command(h, 'install PRD', channels.stg);
    const dm = await h.slack.driver.waitFor(
      () => dms(h, users.alice).find((m) => /install of PRD/.test(m.text)),
      10000,
      'a direct message to alice',
    );
    expect(dm.text).toMatch(
      /was cancelled: its card could not be posted in <#C0OPSCHAN1>, so nobody could approve or follow it/,
    );
    expect(dm.text).toMatch(/not_in_channel.*\/invite @patchbot/);
    const op = (await h.bot.store.operations.listRecent({ limit: 5 })).find((o) => o.kind === 'install');
    expect(op?.status).toBe('cancelled');
    const audit = (await h.bot.store.audit.list({ operationId: op!.id, limit: 50 })).map(
      (e) => `${e.actor} ${e.action}`,
    );
    expect(audit).toContain('patchbot operation.cancelled');
    expect(h.sim.stats().calls.SendCommand ?? 0).toBe(0);
  });

  it('a scan, sent before its card: not cancelled half-way, and the requester told where to follow it', async () => {
    const sent = h.sim.stats().calls.SendCommand ?? 0;
    await command(h, 'scan PRD', channels.stg);
    const dm = await h.slack.driver.waitFor(
      () => dms(h, users.alice).find((m) => /scan of PRD/.test(m.text)),
      10000,
      'a direct message to alice',
    );
    expect(dm.text).toMatch(
      /your scan of PRD \(\S+\) (is running|ended \(\w+\)), but its card could not be posted in <#C0OPSCHAN1>/,
    );
    expect(dm.text).toMatch(/\/invite @patchbot.*\/patch history PRD/);
    expect(h.sim.stats().calls.SendCommand ?? 0).toBeGreaterThan(sent);
  });

  it('is_archived: the requester is told to unarchive or change the channel, never to invite the bot', async () => {
    h.slack.workspace.setBotMembership(channels.ops, true);
    h.slack.workspace.setArchived(channels.ops, true);
    try {
      await command(h, 'reboot PRD', channels.stg);
      const dm = await h.slack.driver.waitFor(
        () => dms(h, users.alice).find((m) => /reboot of PRD/.test(m.text)),
        10000,
        'a direct message to alice',
      );
      expect(dm.text).toMatch(/is archived \(is_archived\): unarchive it, or set the group's channel in patchbot.yml/);
      expect(dm.text).not.toMatch(/invite/);
    } finally {
      h.slack.workspace.setArchived(channels.ops, false);
    }
  });
});

describe('/patch digest where Slack refuses the post', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  it('an archived channel is answered with unarchive or change the channel, never "invite the bot"', async () => {
    h.slack.workspace.setArchived(channels.prd, true);
    try {
      const told = await command(h, `digest <#${channels.prd}|prd-patching>`, channels.stg);
      expect(told).toMatch(
        /The digest could not be posted: <#C0PRDPATCH> is archived \(is_archived\): unarchive it, or set the group's channel/,
      );
      expect(told).not.toMatch(/invite/);
    } finally {
      h.slack.workspace.setArchived(channels.prd, false);
    }
  });
});

describe('Slack refusals answered with the fix', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  it('missing_scope on usergroups.users.list: an operator by user group is told the bot lacks usergroups:read, not that they are no operator', async () => {
    h.slack.failNext('usergroups.users.list', 'missing_scope', {
      extra: { needed: 'usergroups:read', provided: 'commands,chat:write' },
    });
    const told = await command(h, 'status STG', channels.stg, users.carol);
    expect(told).toMatch(/lacks the usergroups:read scope for usergroups.users.list/);
    expect(told).toMatch(/reinstall the app/);
    expect(told).not.toMatch(/not an operator/);
  });

  it('token_revoked when posting an answer: the requester gets it privately with SLACK_BOT_TOKEN to fix, not "try again"', async () => {
    h.slack.failNext('chat.postMessage', 'token_revoked');
    const told = await command(h, 'status STG public', channels.stg);
    expect(told).toMatch(/SLACK_BOT_TOKEN was revoked \(token_revoked\).*Reinstall the app/);
    expect(told).toMatch(/only you see it/);
    expect(told).not.toMatch(/Try again/);
  });
});
