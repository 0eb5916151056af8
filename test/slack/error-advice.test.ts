/**
 * The table of Slack errors against the failures WebClient really throws (answered by the Slack
 * stand-in): each code says what happened and the fix, and the fix is the right one.
 */
import { webApi } from '@slack/bolt';
import { DEMO_IDS, type SlackStandIn } from '@patchbot/sandbox/slack';
import { plainSentence } from '../../src/sentence';
import { slackAdvice, slackFailure } from '../../src/slack/error-advice';
import { SlackError } from '../../src/errors';
import { BOT_TOKEN, standIn } from '../sandbox/slack/helpers';

const PRD = DEMO_IDS.channels.prd;

describe('Slack error advice', () => {
  let slack: SlackStandIn;
  let client: webApi.WebClient;
  beforeAll(async () => {
    slack = await standIn();
    client = new webApi.WebClient(BOT_TOKEN, {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logLevel: webApi.LogLevel.ERROR,
    });
  });
  afterAll(() => slack.close());

  /** The error WebClient throws when chat.postMessage in PRD is answered with `code`. */
  async function failure(code: string, extra?: Record<string, unknown>): Promise<unknown> {
    slack.failNext('chat.postMessage', code, extra ? { extra } : {});
    return client.chat.postMessage({ channel: PRD, text: 'x' }).then(
      () => {
        throw new Error('expected a failure');
      },
      (err: unknown) => err,
    );
  }
  const said = async (code: string, extra?: Record<string, unknown>) => {
    const advice = slackAdvice(await failure(code, extra), { method: 'chat.postMessage', channel: PRD });
    if (!advice) throw new Error(`no advice for ${code}`);
    return { ...advice, line: plainSentence(advice.text) };
  };

  it('missing_scope names the scope Slack says is needed and what the token has, and says to reinstall', async () => {
    const a = await said('missing_scope', { needed: 'chat:write', provided: 'commands' });
    expect(a.line).toMatch(
      /lacks the chat:write scope for chat.postMessage \(it has commands\) \(missing_scope\): add chat:write .* reinstall the app/,
    );
    expect(a.appProblem).toBe(true);
  });

  it.each([
    ['token_revoked', /SLACK_BOT_TOKEN was revoked \(token_revoked\).*Reinstall the app/],
    ['account_inactive', /SLACK_BOT_TOKEN is inactive \(account_inactive\).*Reinstall the app/],
    ['invalid_auth', /does not accept SLACK_BOT_TOKEN \(invalid_auth\).*Set SLACK_BOT_TOKEN/],
    ['not_authed', /received no token \(not_authed\): set SLACK_BOT_TOKEN/],
  ])('%s names SLACK_BOT_TOKEN and the fix, never "try again"', async (code, expected) => {
    const a = await said(code);
    expect(a.line).toMatch(expected);
    expect(a.line).not.toMatch(/try again/i);
    expect(a.appProblem).toBe(true);
  });

  it('not_in_channel: invite the bot', async () => {
    const a = await said('not_in_channel');
    expect(a.line).toBe(`patchbot is not a member of ${PRD} (not_in_channel): invite it there with /invite @patchbot.`);
    expect(a.channelProblem).toBe(true);
  });

  it('is_archived: unarchive or change the channel, never "invite the bot"', async () => {
    const a = await said('is_archived');
    expect(a.line).toMatch(/is archived \(is_archived\): unarchive it, or set the group's channel in patchbot.yml/);
    expect(a.line).not.toMatch(/invite/);
    expect(a.channelProblem).toBe(true);
  });

  it('channel_not_found: a wrong id, or a private channel the bot is not in', async () => {
    const a = await said('channel_not_found');
    expect(a.line).toMatch(
      /does not know the channel C0PRDPATCH \(channel_not_found\): the id in patchbot.yml is wrong, or it is a private channel patchbot is not in/,
    );
  });

  it('ratelimited: patchbot waits and retries by itself', async () => {
    slack.rateLimitNext('chat.postMessage', 2);
    const err = await client.chat.postMessage({ channel: PRD, text: 'x' }).catch((e: unknown) => e);
    const a = slackAdvice(err, { method: 'chat.postMessage' });
    expect(a?.code).toBe('ratelimited');
    expect(plainSentence(a?.text ?? [])).toMatch(/rate limiting patchbot \(ratelimited\).*tries again by itself/);
  });

  it.each(['internal_error', 'fatal_error', 'request_timeout'])(
    '%s: it may have happened, so check before trying again',
    async (code) => {
      const a = await said(code);
      expect(a.uncertain).toBe(true);
      expect(a.line).toMatch(
        new RegExp(`\\(${code}\\); it may have been done all the same, so check before trying again`),
      );
    },
  );

  it.each(['msg_too_long', 'invalid_blocks'])("%s: a patchbot bug to report, not the user's doing", async (code) => {
    const a = await said(code);
    expect(a.line).toMatch(
      new RegExp(`refused the content of a message in C0PRDPATCH \\(${code}\\): this is a patchbot bug`),
    );
  });

  it("an unknown code points at the method's documentation", async () => {
    const a = await said('restricted_action');
    expect(a.line).toMatch(
      /refused chat.postMessage in C0PRDPATCH \(restricted_action\): see https:\/\/api.slack.com\/methods\/chat.postMessage/,
    );
  });

  it('slackFailure wraps it as a SlackError whose user text is the advice; other errors pass through', async () => {
    const wrapped = slackFailure(await failure('token_revoked'), { method: 'chat.postMessage' });
    expect(wrapped).toBeInstanceOf(SlackError);
    expect((wrapped as SlackError).code).toBe('SLACK_AUTH');
    expect((wrapped as SlackError).userMessage).toMatch(/token_revoked/);
    const plain = new Error('not slack');
    expect(slackFailure(plain, { method: 'chat.postMessage' })).toBe(plain);
  });
});
