/**
 * The demo page: served self-contained, its state endpoint inert, and its script run against a
 * fake DOM to prove it renders blocks, threads and ephemerals as text and acts as the chosen user.
 */
import { runInNewContext } from 'node:vm';
import { DEMO_IDS, type SlackStandIn } from '@patchbot/sandbox/slack';
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
    await webClient(slack).chat.postMessage({
      channel: PRD,
      text: EVIL,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: EVIL } }],
    });
    const res = await fetch(`${slack.url}/_ui/state?channel=${PRD}&user=${alice}`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await res.text();
    expect(text).not.toContain('<script>');
    expect(text).toContain('\\u003cscript\\u003e');
    const state = JSON.parse(text) as {
      messages: Array<{ text: string }>;
      channel: { id: string };
      user: { id: string };
    };
    expect(state.messages[0]?.text).toBe(EVIL);
    expect(state).toMatchObject({ channel: { id: PRD }, user: { id: alice } });
  });

  it('accepts only JSON posts, so a foreign page cannot drive it with a plain form', async () => {
    const res = await fetch(`${slack.url}/_ui/command`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(res.status).toBe(415);
    expect(bot.received).toHaveLength(0);
  });

  /** Runs the page's script against a fake DOM as `user`; `tick()` polls as the page's timer would. */
  async function openPage(user: string, channel: string = PRD) {
    const html = await (await fetch(`${slack.url}/`)).text();
    const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1] ?? '';
    const doc = new FakeDocument([
      'team',
      'channels',
      'people',
      'users',
      'head',
      'log',
      'input',
      'composer-form',
      'status',
      'modal',
      'confirm',
    ]);
    doc.getElementById('modal').hidden = true;
    doc.getElementById('confirm').hidden = true;
    const urls: string[] = [];
    let timer: () => Promise<void> = () => Promise.resolve();
    const base = slack.url;
    runInNewContext(script, {
      document: doc,
      location: { search: `?channel=${channel}&user=${user}` },
      history: { replaceState: (_s: unknown, _t: string, url: string) => urls.push(url) },
      window: {
        confirm: () => {
          throw new Error('window.confirm must not be used');
        },
        open: () => undefined,
      },
      fetch: (path: string, init?: RequestInit) => {
        // Read whole before the page sees it, and counted until then, so settle() knows what is in flight.
        const request = fetch(`${base}${path}`, init).then(
          async (res) => new Response(await res.arrayBuffer(), { status: res.status, headers: res.headers }),
        );
        inFlight.add(request);
        const done = () => inFlight.delete(request);
        request.then(done, done);
        return request;
      },
      setInterval: (fn: () => Promise<void>) => {
        timer = fn;
        return 0;
      },
      URLSearchParams,
      JSON,
      Date,
      Number,
      String,
      Object,
      Math,
      RegExp,
    });
    const log = doc.getElementById('log');
    await slack.driver.waitFor(() => log.children.length > 0);
    return { doc, log, urls, tick: () => timer() };
  }
  /** The page's requests still in flight, answers not yet handed to it. */
  const inFlight = new Set<Promise<Response>>();
  /** Waits until the page has nothing in flight and has acted on every answer (which may ask again, e.g. a poll). */
  const settle = async () => {
    do {
      await Promise.allSettled([...inFlight]);
      await new Promise((r) => setImmediate(r));
    } while (inFlight.size > 0);
  };
  const dialogOf = (doc: FakeDocument) => doc.getElementById('confirm');
  const msgByTs = (log: FakeNode, ts: string) => log.find('div', 'msg').find((m) => m.getAttribute('data-ts') === ts);

  it('renders the channel as text and acts as the selected user', async () => {
    const client = webClient(slack);
    const card = await client.chat.postMessage({
      channel: PRD,
      text: 'card',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Install PRD' } },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: `*bold* and ${EVIL}` },
          fields: [{ type: 'mrkdwn', text: '*Reboot*\nif needed' }],
        },
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
              confirm: {
                title: { type: 'plain_text', text: 'Sure?' },
                text: { type: 'mrkdwn', text: 'It *installs*.' },
                confirm: { type: 'plain_text', text: 'Go' },
                deny: { type: 'plain_text', text: 'No' },
              },
            },
            {
              type: 'button',
              action_id: 'reject',
              style: 'danger',
              text: { type: 'plain_text', text: 'Reject' },
              value: 'op-1',
              confirm: {
                title: { type: 'plain_text', text: 'Reject it?' },
                text: { type: 'plain_text', text: 'Really.' },
                confirm: { type: 'plain_text', text: 'Yes, reject' },
                deny: { type: 'plain_text', text: 'Keep it' },
                style: 'danger',
              },
            },
          ],
        },
      ],
    });
    const cardTs = card.ts as string;
    await client.chat.postMessage({ channel: PRD, text: 'thread detail', thread_ts: cardTs });
    await client.chat.postMessage({ channel: PRD, text: 'more detail', thread_ts: cardTs });
    const eph = await client.chat.postEphemeral({ channel: PRD, user: alice, text: 'for alice only' });
    await client.chat.postEphemeral({ channel: PRD, user: bob, text: 'for bob only' });

    const { doc, log } = await openPage(alice);
    const text = log.textContent;
    expect(text).toContain('Install PRD');
    expect(text).toContain(EVIL); // shown as text, never parsed
    expect(log.find('script')).toHaveLength(0);
    expect(log.find('img')).toHaveLength(0);
    expect(log.find('b').map((b) => b.textContent)).toEqual(expect.arrayContaining(['bold', 'Reboot']));
    expect(log.find('span', 'mention').map((m) => m.textContent)).toContain('@alice');
    expect(log.find('span', 'badge').map((b) => b.textContent)).toContain('APP');

    // A day divider comes before the first message, as in Slack.
    expect(log.find('div', 'day').map((d) => d.textContent)).toEqual([expect.stringMatching(/^(Today|Yesterday)$/)]);

    // Every message, reply and ephemeral carries its ts; the thread shows its count and replies.
    const parent = msgByTs(log, cardTs);
    expect(parent?.textContent).toContain('2 replies');
    expect(parent?.textContent).not.toContain('thread detail');
    expect(log.find('div', 'thread')[0]?.textContent).toMatch(/thread detail[\s\S]*more detail/);
    expect(
      log
        .find('div', 'thread')[0]
        ?.find('div', 'msg')
        .map((m) => m.getAttribute('data-ts')),
    ).toHaveLength(2);
    const toggle = parent!.find('button', 'thread-line')[0]!;
    expect(toggle.find('span', 'count').map((c) => c.textContent)).toEqual(['2 replies']);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(log.find('div', 'msg').every((m) => /^\d+\.\d+$/.test(m.getAttribute('data-ts') ?? ''))).toBe(true);
    const ephemeral = log.find('div', 'eph');
    expect(ephemeral.map((e) => e.textContent)).toEqual([expect.stringContaining('for alice only')]);
    expect(ephemeral[0]?.getAttribute('data-ts')).toBe(eph.message_ts);
    expect(ephemeral[0]?.textContent).toContain('Only visible to you');
    expect(text).not.toContain('for bob only');

    // Approve asks first, in the page: nothing is posted until the dialog's own button is clicked.
    const approve = parent!.button('Approve');
    expect(approve.className).toContain('primary');
    const dialog = dialogOf(doc);
    expect(dialog.shown).toBe(false);
    expect(dialog.getAttribute('role')).toBeNull();
    approve.fire('click');
    expect(dialog.shown).toBe(true);
    expect(dialog.attributes).toMatchObject({ role: 'dialog', 'aria-modal': 'true', 'aria-label': 'Sure?' });
    expect(dialog.textContent).toMatch(/Sure\?[\s\S]*It installs\./);
    expect(dialog.find('b').map((b) => b.textContent)).toEqual(['installs']);
    expect(dialog.find('button').map((b) => b.textContent)).toEqual(['No', 'Go']);
    expect(dialog.button('Go').className).toContain('primary');
    expect(doc.activeElement).toBe(dialog.button('Go'));
    expect(doc.getElementById('modal').shown).toBe(false);

    dialog.button('No').fire('click');
    expect(dialog.shown).toBe(false);
    expect(dialog.getAttribute('role')).toBeNull();
    await settle();
    expect(bot.received).toHaveLength(0);

    // Escape closes it too, and a danger confirm colours its button.
    parent!.button('Reject').fire('click');
    expect(dialog.attributes['aria-label']).toBe('Reject it?');
    expect(dialog.find('button').map((b) => b.textContent)).toEqual(['Keep it', 'Yes, reject']);
    expect(dialog.button('Yes, reject').className).toContain('danger');
    // Tab stays inside the dialog: from its last button back to its first.
    doc.activeElement = dialog.button('Yes, reject');
    dialog.fire('keydown', { key: 'Tab', shiftKey: false, preventDefault: () => undefined });
    expect(doc.activeElement).toBe(dialog.button('Keep it'));
    dialog.fire('keydown', { key: 'Escape' });
    expect(dialog.shown).toBe(false);
    expect(doc.getElementById('status').textContent).toBe('cancelled Reject');
    await settle();
    expect(bot.received).toHaveLength(0);

    approve.fire('click');
    dialog.button('Go').fire('click');
    expect(dialog.shown).toBe(false);
    await slack.driver.waitFor(() => bot.received.length > 0);
    const payload = JSON.parse(new URLSearchParams(bot.received[0]?.body).get('payload') ?? '{}') as {
      user: { id: string };
      actions: Array<{ action_id: string; value: string }>;
    };
    expect(payload.user.id).toBe(alice);
    expect(payload.actions[0]).toMatchObject({ action_id: 'approve', value: 'op-1' });

    const input = doc.getElementById('input');
    input.value = 'scan PRD';
    doc.getElementById('composer-form').fire('submit');
    expect(input.value).toBe('');
    await slack.driver.waitFor(() => bot.received.length > 1);
    expect(Object.fromEntries(new URLSearchParams(bot.received[1]?.body))).toMatchObject({
      command: '/patch',
      text: 'scan PRD',
      user_id: alice,
      channel_id: PRD,
    });
    // The status line speaks for the newest request: Approve's later answer does not overwrite it.
    await slack.driver.waitFor(() =>
      /^\/patch scan PRD acknowledged in \d+ ms$/.test(doc.getElementById('status').textContent),
    );
    await settle();
    expect(doc.getElementById('status').textContent).toMatch(/^\/patch scan PRD acknowledged in \d+ ms$/);
    // ArrowUp brings the last command back.
    input.fire('keydown', { key: 'ArrowUp', preventDefault: () => undefined });
    expect(input.value).toBe('/patch scan PRD');
  });

  it('updates the log in place: unchanged messages are kept, an edited one is redrawn and marked', async () => {
    const client = webClient(slack);
    const first = await client.chat.postMessage({ channel: PRD, text: 'first' });
    const second = await client.chat.postMessage({ channel: PRD, text: 'second' });
    const { log, tick } = await openPage(alice);
    const before = { first: msgByTs(log, first.ts as string), second: msgByTs(log, second.ts as string) };
    expect(before.first?.textContent).not.toContain('(edited)');

    await client.chat.update({ channel: PRD, ts: first.ts as string, text: 'first, edited' });
    const third = await client.chat.postMessage({ channel: PRD, text: 'third' });
    await tick();
    const after = { first: msgByTs(log, first.ts as string), second: msgByTs(log, second.ts as string) };
    expect(after.second).toBe(before.second);
    expect(after.first).not.toBe(before.first);
    expect(after.first?.textContent).toMatch(/\(edited\)[\s\S]*first, edited/);
    expect(log.find('div', 'msg').map((m) => m.getAttribute('data-ts'))).toEqual([first.ts, second.ts, third.ts]);
  });

  it('keeps a thread folded across polls once its reply count is clicked', async () => {
    const client = webClient(slack);
    const parent = (await client.chat.postMessage({ channel: PRD, text: 'parent' })).ts as string;
    await client.chat.postMessage({ channel: PRD, text: 'reply one', thread_ts: parent });
    const { log, tick } = await openPage(alice);
    const thread = () => log.find('div', 'thread')[0]!;
    expect(thread().shown && !thread().className.includes('collapsed')).toBe(true);
    msgByTs(log, parent)!.find('button', 'thread-line')[0]!.fire('click');
    expect(thread().className).toContain('collapsed');

    await client.chat.postMessage({ channel: PRD, text: 'reply two', thread_ts: parent });
    await tick();
    expect(
      msgByTs(log, parent)
        ?.find('span', 'count')
        .map((c) => c.textContent),
    ).toEqual(['2 replies']);
    expect(thread().className).toContain('collapsed');
    expect(msgByTs(log, parent)!.find('button', 'thread-line')[0]!.getAttribute('aria-expanded')).toBe('false');
    msgByTs(log, parent)!.find('button', 'thread-line')[0]!.fire('click');
    expect(thread().className).not.toContain('collapsed');
    expect(thread().textContent).toMatch(/reply one[\s\S]*reply two/);
  });

  it('renders mrkdwn basics as elements and keeps words with underscores as they are', async () => {
    await webClient(slack).chat.postMessage({
      channel: PRD,
      text: 'x',
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: '_it_ ~gone~ `code` <https://example.com/a|the site> <!here> snake_case_name\n&gt; quoted\n```pre *not bold*```\n• *one*\n• two',
          },
        },
      ],
    });
    const { log } = await openPage(alice);
    expect(log.find('i').map((n) => n.textContent)).toEqual(['it']);
    expect(log.find('s').map((n) => n.textContent)).toEqual(['gone']);
    expect(log.find('code').map((n) => n.textContent)).toEqual(['code']);
    expect(log.find('a').map((a) => [a.textContent, a.href, a.rel])).toEqual([
      ['the site', 'https://example.com/a', 'noopener noreferrer'],
    ]);
    expect(log.find('span', 'mention').map((n) => n.textContent)).toEqual(['@here']);
    expect(log.textContent).toContain('snake_case_name');
    expect(log.find('blockquote').map((n) => n.textContent)).toEqual(['quoted']);
    expect(log.find('pre').map((n) => n.textContent)).toEqual(['pre *not bold*']);
    // Bullet lines are blocks of their own (so long items wrap under their text).
    expect(log.find('div', 'li').map((n) => n.textContent)).toEqual(['• one', '• two']);
    expect(
      log
        .find('div', 'li')[0]
        ?.find('b')
        .map((n) => n.textContent),
    ).toEqual(['one']);
  });

  it('lists people by display name with their role hint and switching person updates the address', async () => {
    const { doc, urls } = await openPage(alice);
    const users = doc.getElementById('users');
    expect(users.options.map((o) => [o.value, o.textContent])).toEqual(
      expect.arrayContaining([
        [alice, 'alice — Alice Requester'],
        [bob, 'bob — Bob Approver'],
        [DEMO_IDS.users.carol, 'carol — Carol Lead · @patch-leads'],
      ]),
    );
    expect(users.value).toBe(alice);
    expect(
      doc
        .getElementById('channels')
        .find('button')
        .map((b) => b.textContent),
    ).toContain('# prd-patching');
    users.value = bob;
    users.fire('change', { target: users });
    expect(new URLSearchParams(urls[urls.length - 1]?.slice(1)).get('user')).toBe(bob);
    expect(doc.getElementById('modal').shown).toBe(false);
  });

  it('switches person from the sidebar, one pressed button per person', async () => {
    const { doc, urls, tick } = await openPage(alice);
    const people = doc.getElementById('people');
    const pressed = () =>
      people
        .find('button')
        .filter((b) => b.getAttribute('aria-pressed') === 'true')
        .map((b) => b.getAttribute('aria-label'));
    expect(people.find('button').map((b) => b.getAttribute('aria-label'))).toEqual(
      expect.arrayContaining(['Act as alice (Alice Requester)', 'Act as bob (Bob Approver)']),
    );
    expect(pressed()).toEqual(['Act as alice (Alice Requester)']);
    people
      .find('button')
      .find((b) => b.getAttribute('aria-label')?.startsWith('Act as bob'))!
      .fire('click');
    expect(new URLSearchParams(urls[urls.length - 1]?.slice(1)).get('user')).toBe(bob);
    await slack.driver.waitFor(() => doc.getElementById('users').value === bob);
    await tick();
    expect(pressed()).toEqual(['Act as bob (Bob Approver)']);
  });

  it('says so in the header when the bot is not in the channel', async () => {
    const { doc } = await openPage(alice, DEMO_IDS.channels.ops);
    expect(doc.getElementById('head').textContent).toContain('patchbot is not in this channel');
    expect(
      doc
        .getElementById('channels')
        .find('button')
        .find((b) => b.getAttribute('aria-current') === 'page')?.textContent,
    ).toBe('# ops');
  });
});
