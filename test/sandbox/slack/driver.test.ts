/** The driver sends what Slack sends: the slash command form, Slack's signature, and Slack's view of a slow or failing bot. */
import { verifySlackRequest } from '@slack/bolt';
import { DEMO_IDS, slackSignature, verifySlackSignature, type SlackStandIn } from '@patchbot/sandbox/slack';
import { SIGNING_SECRET, fakeBot, standIn } from './helpers';

const { alice } = DEMO_IDS.users;
const PRD = DEMO_IDS.channels.prd;

describe('the driver', () => {
  let slack: SlackStandIn;

  beforeAll(async () => {
    slack = await standIn();
  });
  afterAll(() => slack?.close());
  beforeEach(() => slack.reset());

  it('sends the slash command form with every field Slack sends, signed as Bolt verifies', async () => {
    const bot = await fakeBot();
    try {
      slack.setBotEventsUrl(bot.url);
      const r = await slack.driver.slashCommand({ userId: alice, channelId: '#prd-patching', text: 'scan PRD & more' });
      const req = bot.received[0];
      expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded');
      const form = Object.fromEntries(new URLSearchParams(req?.body));
      expect(Object.keys(form)).toEqual([
        'token',
        'team_id',
        'team_domain',
        'channel_id',
        'channel_name',
        'user_id',
        'user_name',
        'command',
        'text',
        'api_app_id',
        'is_enterprise_install',
        'response_url',
        'trigger_id',
      ]);
      expect(form).toMatchObject({
        team_id: DEMO_IDS.team,
        channel_id: PRD,
        channel_name: 'prd-patching',
        user_id: alice,
        user_name: 'alice',
        command: '/patch',
        text: 'scan PRD & more',
        api_app_id: DEMO_IDS.bot.appId,
        is_enterprise_install: 'false',
        response_url: r.responseUrl,
        trigger_id: r.triggerId,
      });
      const timestamp = Number(req?.headers['x-slack-request-timestamp']);
      const signature = String(req?.headers['x-slack-signature']);
      expect(signature).toBe(slackSignature(SIGNING_SECRET, timestamp, req?.body ?? ''));
      expect(() =>
        verifySlackRequest({
          signingSecret: SIGNING_SECRET,
          body: req?.body ?? '',
          headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
        }),
      ).not.toThrow();
      expect(verifySlackSignature(SIGNING_SECRET, { timestamp: String(timestamp), signature }, req?.body ?? '')).toBe(
        true,
      );
      expect(verifySlackSignature('other', { timestamp: String(timestamp), signature }, req?.body ?? '')).toBe(false);
    } finally {
      await bot.close();
    }
  });

  it('shows the user Slack error when the bot answers late or fails, like Slack does', async () => {
    const bot = await fakeBot((req) => (req.body.includes('text=slow') ? { delayMs: 400 } : { status: 500 }));
    try {
      slack.setBotEventsUrl(bot.url);
      slack.configure({ ackTimeoutMs: 200 });
      const slow = await slack.driver.slashCommand({ userId: alice, channelId: PRD, text: 'slow' });
      expect(slow).toMatchObject({ status: 200, slackError: 'operation_timeout' });
      const broken = await slack.driver.slashCommand({ userId: alice, channelId: PRD, text: 'broken' });
      expect(broken).toMatchObject({ status: 500, slackError: 'dispatch_failed' });
      expect(slack.ephemerals(PRD, alice).map((e) => [e.from, e.text])).toEqual([
        ['USLACKBOT', '/patch failed with the error "operation_timeout"'],
        ['USLACKBOT', '/patch failed with the error "dispatch_failed"'],
      ]);
    } finally {
      await bot.close();
    }
  });

  it('shows an in_channel JSON acknowledgement in the channel', async () => {
    const bot = await fakeBot(() => ({
      contentType: 'application/json',
      body: JSON.stringify({ response_type: 'in_channel', text: 'scan of PRD started' }),
    }));
    try {
      slack.setBotEventsUrl(bot.url);
      await slack.driver.slashCommand({ userId: alice, channelId: PRD, text: 'scan PRD' });
      expect(slack.messages(PRD)).toEqual([expect.objectContaining({ text: 'scan of PRD started', via: 'ack' })]);
    } finally {
      await bot.close();
    }
  });

  it('refuses to drive an unknown user or channel, and says when no bot URL is set', async () => {
    slack.setBotEventsUrl('');
    await expect(slack.driver.slashCommand({ userId: alice, channelId: PRD, text: 'x' })).rejects.toThrow(
      /events URL is not set/,
    );
    await expect(slack.driver.slashCommand({ userId: 'U0NOBODY01', channelId: PRD, text: 'x' })).rejects.toThrow(
      /no user/,
    );
    await expect(slack.driver.slashCommand({ userId: alice, channelId: '#nowhere', text: 'x' })).rejects.toThrow(
      /no channel/,
    );
  });
});
