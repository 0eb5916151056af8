import { LogLevel, WebClient } from '@slack/web-api';
import { silentLogger } from '../../src/logger';
import { plainSentence } from '../../src/sentence';
import { DEMO_IDS, startSlackStandIn, type SlackStandIn } from '@patchbot/sandbox/slack';
import { ChannelPoster } from '../../src/slack/poster';
import { capturingLogger } from '../support/log-capture';

const message = (text: string) => ({
  text,
  blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }],
});

describe('ChannelPoster against the Slack stand-in', () => {
  let slack: SlackStandIn;
  let client: WebClient;
  beforeAll(async () => {
    slack = await startSlackStandIn({ signingSecret: 's', botToken: 'xoxb-poster' });
    client = new WebClient('xoxb-poster', {
      slackApiUrl: slack.apiUrl,
      logLevel: LogLevel.ERROR,
      retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 50 },
    });
  });
  afterAll(() => slack.close());

  it('a channel the bot is not in does not stop the others', async () => {
    const poster = new ChannelPoster(client, silentLogger(), 0);
    const results = await Promise.all([
      poster.post(DEMO_IDS.channels.ops, message('digest for ops')),
      poster.post(DEMO_IDS.channels.prd, message('digest for prd')),
      poster.post('C0NOSUCHCHAN', message('digest for nowhere')),
    ]);
    expect(results.map((r) => (r === undefined ? 'posted' : plainSentence(r)))).toEqual([
      expect.stringMatching(/is not a member of #?C\w+ \(not_in_channel\): invite it there with \/invite @patchbot/),
      'posted',
      expect.stringMatching(/does not know the channel C0NOSUCHCHAN \(channel_not_found\)/),
    ]);
    expect(slack.messages(DEMO_IDS.channels.prd).map((m) => m.text)).toContain('digest for prd');
  });

  it('an archived channel is skipped with "unarchive or change the channel" in the log, never "invite the bot"', async () => {
    const { logger, lines } = capturingLogger('error');
    const poster = new ChannelPoster(client, logger, 0);
    slack.workspace.setArchived(DEMO_IDS.channels.prd, true);
    try {
      const refused = await poster.post(DEMO_IDS.channels.prd, message('digest for an archived channel'));
      expect(refused && plainSentence(refused)).toMatch(/is archived \(is_archived\): unarchive it/);
    } finally {
      slack.workspace.setArchived(DEMO_IDS.channels.prd, false);
    }
    const said = lines()
      .map((l) => String(l.msg))
      .join('\n');
    expect(said).toMatch(/is archived \(is_archived\): unarchive it, or set the group's channel in patchbot.yml/);
    expect(said).not.toMatch(/invite/);
  });

  it('posts one channel at a pace, and rides out a 429', async () => {
    const poster = new ChannelPoster(client, silentLogger(), 150);
    slack.rateLimitNext('chat.postMessage', 1);
    const started = Date.now();
    await Promise.all([
      poster.post(DEMO_IDS.channels.stg, message('one')),
      poster.post(DEMO_IDS.channels.stg, message('two')),
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(slack.messages(DEMO_IDS.channels.stg).map((m) => m.text)).toEqual(expect.arrayContaining(['one', 'two']));
  });

  it('posts thread detail under the message', async () => {
    const poster = new ChannelPoster(client, silentLogger(), 0);
    await poster.post(DEMO_IDS.channels.stg, { ...message('parent'), thread: [message('detail')] });
    const parent = slack.messages(DEMO_IDS.channels.stg).find((m) => m.text === 'parent')!;
    expect(slack.messages(DEMO_IDS.channels.stg).find((m) => m.text === 'detail')?.thread_ts).toBe(parent.ts);
  });
});
