/**
 * The stand-in's App Home as Slack documents it: views.publish (user_id, a `home` view of at most
 * 100 valid blocks, optional hash), app_home_opened in the Events API envelope, signed like every
 * request, and block_actions from a Home view (view container, no response_url).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySlackSignature } from '@patchbot/sandbox/slack';
import { SIGNING_SECRET } from './helpers';
import { alice, client, platformError, section, slack, useStandIn } from './web-api-world';

useStandIn();

const view = (blocks: unknown[]) => ({ type: 'home' as const, blocks: blocks as never[] });
const button = {
  type: 'actions',
  block_id: 'b1',
  elements: [{ type: 'button', action_id: 'go', value: 'v1', text: { type: 'plain_text', text: 'Go' } }],
};

/** A bot endpoint that records what it receives and acknowledges with 200. */
async function recorder() {
  const got: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    got,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
    close: () => server.close(),
  };
}

describe('views.publish', () => {
  it('sets the user’s Home, keeps its id across publishes and answers the view', async () => {
    const first = await client.views.publish({ user_id: alice, view: view([section('hello')]) });
    expect(first).toMatchObject({ ok: true, view: { type: 'home', blocks: [section('hello')] } });
    const second = await client.views.publish({ user_id: alice, view: view([section('again')]) });
    expect(second.view?.id).toBe(first.view?.id);
    expect(slack.home(alice)).toMatchObject({ publishes: 2, view: { blocks: [section('again')] } });
  });

  it('refuses what Slack refuses: not home, over 100 blocks, invalid blocks, unknown user, a stale hash', async () => {
    expect(
      await platformError(client.views.publish({ user_id: alice, view: { type: 'modal', blocks: [] } as never })),
    ).toBe('invalid_arguments');
    const many = Array.from({ length: 101 }, (_, i) => section(`s${i}`));
    expect(await platformError(client.views.publish({ user_id: alice, view: view(many) }))).toBe('invalid_arguments');
    expect(await platformError(client.views.publish({ user_id: alice, view: view([{ type: 'section' }]) }))).toBe(
      'invalid_arguments',
    );
    expect(await platformError(client.views.publish({ user_id: 'U0NOBODY01', view: view([]) }))).toBe('user_not_found');
    await client.views.publish({ user_id: alice, view: view([]) });
    expect(await platformError(client.views.publish({ user_id: alice, view: view([]), hash: '1.stale' }))).toBe(
      'hash_conflict',
    );
    const hash = slack.home(alice)!.hash;
    await expect(client.views.publish({ user_id: alice, view: view([]), hash })).resolves.toMatchObject({ ok: true });
    // 100 blocks are fine.
    await expect(client.views.publish({ user_id: alice, view: view(many.slice(0, 100)) })).resolves.toMatchObject({
      ok: true,
    });
  });
});

describe('the driver on the Home tab', () => {
  it('sends app_home_opened as a signed Events API callback, with the view once one was published', async () => {
    const bot = await recorder();
    try {
      slack.setBotEventsUrl(bot.url);
      await slack.driver.openHome({ userId: alice });
      await client.views.publish({ user_id: alice, view: view([button]) });
      await slack.driver.openHome({ userId: alice });
      const [before, after] = bot.got.map((g) => ({ ...g, json: JSON.parse(g.body) }));
      expect(before!.headers['content-type']).toBe('application/json');
      expect(
        verifySlackSignature(
          SIGNING_SECRET,
          {
            timestamp: String(before!.headers['x-slack-request-timestamp']),
            signature: String(before!.headers['x-slack-signature']),
          },
          before!.body,
        ),
      ).toBe(true);
      expect(before!.json).toMatchObject({
        type: 'event_callback',
        api_app_id: expect.any(String),
        team_id: expect.any(String),
        event: { type: 'app_home_opened', user: alice, tab: 'home', channel: expect.stringMatching(/^D/) },
      });
      expect(before!.json.event.view).toBeUndefined();
      expect(after!.json.event.view).toMatchObject({ type: 'home', id: slack.home(alice)!.id });
    } finally {
      bot.close();
    }
  });

  it('clicks a button in the Home as block_actions from a view container, with no response_url', async () => {
    const bot = await recorder();
    try {
      slack.setBotEventsUrl(bot.url);
      await client.views.publish({ user_id: alice, view: view([button]) });
      await slack.driver.homeAction({ userId: alice, actionId: 'go' });
      const payload = JSON.parse(new URLSearchParams(bot.got[0]!.body).get('payload')!);
      const id = slack.home(alice)!.id;
      expect(payload).toMatchObject({
        type: 'block_actions',
        user: { id: alice },
        container: { type: 'view', view_id: id },
        view: { id, type: 'home' },
        actions: [{ action_id: 'go', block_id: 'b1', value: 'v1' }],
      });
      expect(payload.response_url).toBeUndefined();
      await expect(slack.driver.homeAction({ userId: alice, actionId: 'nothere' })).rejects.toThrow(/no button/);
    } finally {
      bot.close();
    }
  });
});
