/** The demo page's log updated in place, threads kept folded, mrkdwn rendered, and the people list and header, run against a fake DOM. */
import { DEMO_IDS } from '@patchbot/sandbox/slack';
import { webClient } from './helpers';
import { alice, bob, PRD, slack, useDemoPage, openPage, msgByTs } from './ui-page';

describe('the demo page', () => {
  useDemoPage();

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
