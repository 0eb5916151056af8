/**
 * ChannelDirectory against the Slack stand-in's conversations.list: names found past the first
 * page, private channels only where the bot is, archived ones never resolved, typed names cached.
 */
import { webApi } from '@slack/bolt';
import { silentLogger } from '../../src/logger';
import { DEMO_IDS, DEMO_WORKSPACE, type ChannelSeed, type SlackStandIn } from '@patchbot/sandbox/slack';
import { ChannelDirectory, configChannels, withChannelIds } from '../../src/slack/channel-names';
import { demoConfig } from '../support/bot';
import { BOT_TOKEN, standIn } from '../sandbox/slack/helpers';

const BOT = DEMO_IDS.bot.userId;
/** 450 channels before the demo's own: the demo's are on the third page of 200. */
const MANY: ChannelSeed[] = Array.from({ length: 450 }, (_, i) => ({
  id: `C0FILL${String(i).padStart(4, '0')}`,
  name: `fill-${i}`,
  members: [],
}));
const EXTRA: ChannelSeed[] = [
  { id: 'G0SECRET01', name: 'secret-ops', members: [BOT], isPrivate: true },
  { id: 'G0NOTMINE1', name: 'not-mine', members: [], isPrivate: true },
  { id: 'C0OLDPATCH', name: 'old-patching', members: [BOT], isArchived: true },
];

describe('ChannelDirectory', () => {
  let slack: SlackStandIn;
  let client: webApi.WebClient;
  beforeAll(async () => {
    slack = await standIn({
      workspace: { ...DEMO_WORKSPACE, channels: [...MANY, ...DEMO_WORKSPACE.channels, ...EXTRA] },
    });
    client = new webApi.WebClient(BOT_TOKEN, {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
      logLevel: webApi.LogLevel.ERROR,
    });
  });
  afterAll(() => slack.close());
  beforeEach(() => slack.reset());

  it('finds a name on a later page, following next_cursor, 200 a page', async () => {
    const dir = new ChannelDirectory(client, silentLogger());
    expect(await dir.find('#prd-patching')).toEqual({ id: DEMO_IDS.channels.prd, name: 'prd-patching' });
    const calls = slack.calls('conversations.list');
    expect(calls.length).toBe(3);
    expect(calls.every((c) => c.args.limit === '200')).toBe(true);
    expect(calls[1]?.args.cursor).toBe((calls[0]!.response.response_metadata as { next_cursor: string }).next_cursor);
  });

  it('sees private channels it is in, not others; never resolves an archived one', async () => {
    const dir = new ChannelDirectory(client, silentLogger());
    expect(await dir.find('secret-ops')).toMatchObject({ id: 'G0SECRET01' });
    expect(await dir.find('#not-mine')).toBeUndefined();
    expect(await dir.find('#old-patching')).toBeUndefined();
  });

  it('answers typed names from its listing; a miss asks again only once the listing is 30 s old', async () => {
    let now = 1_000_000;
    const dir = new ChannelDirectory(client, silentLogger(), () => now);
    await dir.find('#stg-patching');
    const listed = slack.calls('conversations.list').length;
    await dir.find('#ops');
    await dir.find('#nope');
    expect(slack.calls('conversations.list').length).toBe(listed);
    now += 31_000;
    await dir.find('#nope');
    expect(slack.calls('conversations.list').length).toBe(listed * 2);
    expect(await dir.find('C0ANYID123')).toEqual({ id: 'C0ANYID123' });
  });

  it('resolves every channel of a config to ids, keeping the config otherwise as it was', async () => {
    const config = demoConfig((t) =>
      t
        .replace(/(STG:\n\s+channel:) C0STGPATCH/, '$1 "#stg-patching"')
        .replace(/(patch-window-am2:) C0PRDPATCH/, '$1 "#secret-ops"'),
    );
    const { config: resolved, warnings } = await new ChannelDirectory(client, silentLogger()).resolveConfig(config);
    expect(warnings).toEqual([]);
    expect(configChannels(resolved).map((c) => c.value)).toEqual([
      DEMO_IDS.channels.stg,
      DEMO_IDS.channels.prd,
      DEMO_IDS.channels.prd,
      'G0SECRET01',
    ]);
    expect(withChannelIds(config, new Map())).toEqual(config);
    expect({ ...resolved, groups: [], windows: {} }).toEqual({ ...config, groups: [], windows: {} });
  });

  it('an id Slack does not show the bot, or a channel the bot is not in, only warns: inviting the bot fixes it without a restart', async () => {
    const config = demoConfig((t) =>
      t
        .replace(/(STG:\n\s+channel:) C0STGPATCH/, '$1 G0NOTMINE1')
        .replace(/(WIN:\n\s+channel:) C0PRDPATCH/, '$1 "#ops"'),
    );
    const { config: resolved, warnings } = await new ChannelDirectory(client, silentLogger()).resolveConfig(config);
    expect(resolved.groups.map((g) => g.channel)).toEqual(['G0NOTMINE1', DEMO_IDS.channels.prd, DEMO_IDS.channels.ops]);
    expect(warnings).toEqual([
      'patchbot is not in #ops (C0OPSCHAN1, groups.WIN.channel): invite it with /invite @patchbot, or it cannot post there',
      'Slack shows patchbot no channel G0NOTMINE1 (groups.STG.channel): check the id, or invite patchbot if it is a private channel (/invite @patchbot); posts there fail until then',
    ]);
  });

  it('a Slack refusal while listing is a SlackError with the fix (missing_scope names channels:read)', async () => {
    slack.failNext('conversations.list', 'missing_scope', {
      extra: { needed: 'channels:read', provided: 'commands,chat:write' },
    });
    const config = demoConfig((t) => t.replace(/(STG:\n\s+channel:) C0STGPATCH/, '$1 "#stg-patching"'));
    await expect(new ChannelDirectory(client, silentLogger()).resolveConfig(config)).rejects.toMatchObject({
      code: 'SLACK_ERROR',
      userMessage: expect.stringMatching(/lacks the channels:read scope for conversations.list.*reinstall the app/),
    });
  });
});
