/**
 * The demo page: served self-contained, its state endpoint inert, and its script run against a
 * fake DOM to prove it renders blocks, threads and ephemerals as text and acts as the chosen user.
 */
import { runInNewContext } from 'node:vm';
import { DEMO_IDS, type SlackStandIn } from '../../../src/sandbox/slack';
import { FakeDocument, type FakeNode } from './fake-dom';
import { fakeBot, standIn, webClient } from './helpers';

const { alice, bob } = DEMO_IDS.users;
const PRD = DEMO_IDS.channels.prd;
const EVIL = '<script>alert(1)</script><img src=x onerror=alert(2)>';

describe('the demo page', () => {
  let slack: SlackStandIn;
  let bot: Awaited<ReturnType<typeof fakeBot>>;

  beforeAll(async () => {
    bot = await fakeBot();
    slack = await standIn({ botEventsUrl: bot.url });
  });
  afterAll(async () => {
    await slack?.close();
    await bot?.close();
  });
  beforeEach(() => slack.reset());

  it('is one self-contained HTML page with no external assets and no embedded data', async () => {
    await webClient(slack).chat.postMessage({ channel: PRD, text: EVIL });
    const res = await fetch(`${slack.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toContain('alert(1)');
    expect(() => new Function(/<script>([\s\S]*)<\/script>/.exec(html)?.[1] ?? 'syntax error here(')).not.toThrow();
  });

  it('serves the state as inert JSON: <script> in a message never appears raw', async () => {
    await webClient(slack).chat.postMessage({ channel: PRD, text: EVIL, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: EVIL } }] });
    const res = await fetch(`${slack.url}/_ui/state?channel=${PRD}&user=${alice}`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await res.text();
    expect(text).not.toContain('<script>');
    expect(text).toContain('\\u003cscript\\u003e');
    const state = JSON.parse(text) as { messages: Array<{ text: string }>; channel: { id: string }; user: { id: string } };
    expect(state.messages[0]?.text).toBe(EVIL);
    expect(state).toMatchObject({ channel: { id: PRD }, user: { id: alice } });
  });

  it('accepts only JSON posts, so a foreign page cannot drive it with a plain form', async () => {
    const res = await fetch(`${slack.url}/_ui/command`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(res.status).toBe(415);
    expect(bot.received).toHaveLength(0);
  });

  it('renders the channel as text and acts as the selected user', async () => {
    const client = webClient(slack);
    const card = await client.chat.postMessage({
      channel: PRD,
      text: 'card',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Install PRD' } },
        { type: 'section', text: { type: 'mrkdwn', text: `*bold* and ${EVIL}` }, fields: [{ type: 'mrkdwn', text: '*Reboot*\nif needed' }] },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'requested by <@U0ALICE001>' }] },
        { type: 'divider' },
        {
          type: 'actions',
          block_id: 'decide',
          elements: [
            {
              type: 'button',
              action_id: 'approve',
              style: 'primary',
              text: { type: 'plain_text', text: 'Approve' },
              value: 'op-1',
              confirm: { title: { type: 'plain_text', text: 'Sure?' }, text: { type: 'plain_text', text: 'It installs.' }, confirm: { type: 'plain_text', text: 'Yes' }, deny: { type: 'plain_text', text: 'No' } },
            },
          ],
        },
      ],
    });
    await client.chat.postMessage({ channel: PRD, text: 'thread detail', thread_ts: card.ts as string });
    await client.chat.postEphemeral({ channel: PRD, user: alice, text: 'for alice only' });
    await client.chat.postEphemeral({ channel: PRD, user: bob, text: 'for bob only' });

    const html = await (await fetch(`${slack.url}/`)).text();
    const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1] ?? '';
    const doc = new FakeDocument(['channels', 'users', 'head', 'log', 'modal', 'status', 'input', 'composer-form']);
    const questions: string[] = [];
    const base = slack.url;
    runInNewContext(script, {
      document: doc,
      location: { search: `?channel=${PRD}&user=${alice}` },
      history: { replaceState: () => undefined },
      window: { confirm: (q: string) => (questions.push(q), true), open: () => undefined },
      fetch: (path: string, init?: RequestInit) => fetch(`${base}${path}`, init),
      setInterval: () => 0,
      URLSearchParams,
      JSON,
      Date,
      Number,
      String,
      Object,
    });
    const log = doc.getElementById('log');
    await slack.driver.waitFor(() => log.children.length > 0);

    const text = log.textContent;
    expect(text).toContain('Install PRD');
    expect(text).toContain(EVIL); // shown as text, never parsed
    expect(log.find('script')).toHaveLength(0);
    expect(log.find('img')).toHaveLength(0);
    expect(log.find('b').map((b) => b.textContent)).toEqual(expect.arrayContaining(['bold', 'Reboot']));
    expect(log.find('span', 'mention').map((m) => m.textContent)).toContain('@alice');
    expect(log.find('div', 'replies')[0]?.textContent).toContain('thread detail');
    const ephemeral = log.find('div', 'eph');
    expect(ephemeral.map((e) => e.textContent)).toEqual([expect.stringContaining('for alice only')]);
    expect(ephemeral[0]?.textContent).toContain('Only visible to you');
    expect(text).not.toContain('for bob only');

    const approve = log.find('button').find((b: FakeNode) => b.textContent === 'Approve');
    expect(approve?.className).toContain('primary');
    approve?.fire('click');
    await slack.driver.waitFor(() => bot.received.length > 0);
    expect(questions).toEqual(['Sure?\n\nIt installs.']);
    const payload = JSON.parse(new URLSearchParams(bot.received[0]?.body).get('payload') ?? '{}') as { user: { id: string }; actions: Array<{ action_id: string; value: string }> };
    expect(payload.user.id).toBe(alice);
    expect(payload.actions[0]).toMatchObject({ action_id: 'approve', value: 'op-1' });

    doc.getElementById('input').value = 'scan PRD';
    doc.getElementById('composer-form').fire('submit');
    await slack.driver.waitFor(() => bot.received.length > 1);
    expect(Object.fromEntries(new URLSearchParams(bot.received[1]?.body))).toMatchObject({ command: '/patch', text: 'scan PRD', user_id: alice, channel_id: PRD });
  });
});
