/**
 * The command responder against the Slack stand-in's response_urls and a server that never answers:
 * the message arrives as sent, a refusal throws Bolt's RespondError with Slack's status and code,
 * and a post with no answer gives up after its timeout instead of holding the command.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RespondError } from '@slack/bolt';
import { DEMO_IDS, type SlackStandIn } from '@patchbot/sandbox/slack';
import { responseUrlResponder } from '../../src/slack/response-url';
import { standIn } from '../sandbox/slack/helpers';

const { alice } = DEMO_IDS.users;
const PRD = DEMO_IDS.channels.prd;

let slack: SlackStandIn;
beforeAll(async () => {
  slack = await standIn();
});
afterAll(() => slack.close());
beforeEach(() => slack.reset());

describe('responseUrlResponder', () => {
  it('posts each message as JSON to the response_url, privately unless it says otherwise', async () => {
    const respond = responseUrlResponder(slack.issueCommandResponseUrl(alice, PRD));
    await respond({ response_type: 'ephemeral', text: 'only for alice' });
    await respond({ response_type: 'in_channel', text: 'for everyone' });
    expect(slack.ephemerals(PRD, alice)).toEqual([
      expect.objectContaining({ text: 'only for alice', via: 'response_url' }),
    ]);
    expect(slack.messages(PRD)).toEqual([expect.objectContaining({ text: 'for everyone', via: 'response_url' })]);
  });

  it("throws Bolt's RespondError with Slack's status and code when the response_url is used up", async () => {
    const respond = responseUrlResponder(slack.issueCommandResponseUrl(alice, PRD));
    for (let i = 1; i <= 5; i++) await respond({ text: `use ${i}` });
    const refused = await respond({ text: 'sixth' }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(RespondError);
    expect(refused).toMatchObject({ statusCode: 404, code: 'slack_bolt_respond_error' });
    expect((refused as Error).message).toContain('used_url');
    expect(slack.ephemerals(PRD, alice).map((e) => e.text)).not.toContain('sixth');
  });

  describe('against a server that takes the post and never answers', () => {
    let silent: Server;
    let url: string;
    beforeAll(async () => {
      silent = createServer((req) => req.resume());
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/response/1`;
    });
    afterAll(async () => {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('gives up after its timeout', async () => {
      const started = Date.now();
      await expect(responseUrlResponder(url, 200)({ text: 'lost' })).rejects.toMatchObject({
        code: 'UND_ERR_HEADERS_TIMEOUT',
      });
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });
});
