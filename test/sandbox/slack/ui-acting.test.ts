/** The demo page's script, run against a fake DOM, renders blocks, threads and ephemerals as text and acts as the chosen user. */
import { webClient } from './helpers';
import { alice, bob, PRD, EVIL, slack, bot, useDemoPage, openPage, settle, dialogOf, msgByTs } from './ui-page';

describe('the demo page', () => {
  useDemoPage();

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
});
