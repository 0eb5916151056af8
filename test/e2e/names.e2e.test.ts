/**
 * Names, not ids, through the real Bolt app and the Slack stand-in: the cancel refusal, the
 * approval card, the reject dialog and what follows name people as mentions and the approver
 * user group by its handle (usergroups.list), never by raw id and never with a mention that
 * would notify the whole group; a note about another channel links it.
 */
import { rawIds } from '../slack/views/fixtures';
import { DEMO_IDS, readable, startHarness, type Harness } from '../support/bot';

const { users, channels, userGroups } = DEMO_IDS;

/** What the bot said since the given counts of calls and responses: posts, updates, ephemerals, modals and response_url answers. */
function sentSince(h: Harness, calls: number, responses: number): string {
  // What readers see of each call: its text, blocks and view (not the channel and ts it is addressed with).
  const said = h.slack
    .calls()
    .slice(calls)
    .filter((c) => /^(chat|views)\./.test(c.method))
    .map(({ args }) => ({ text: args.text, blocks: args.blocks, view: args.view }));
  return JSON.stringify([
    ...said,
    ...h.slack
      .responses()
      .slice(responses)
      .map((r) => r.body),
  ]);
}

describe('names, not ids, through the Bolt app', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('the card names the approver group by handle; the cancel refusal and the reject dialog name people; nothing shows a raw id', async () => {
    const calls = h.slack.calls().length;
    const responses = h.slack.responses().length;
    const seen = new Set(h.slack.messages(channels.prd).map((m) => m.ts));
    await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text: 'install PRD' });
    const card = await h.slack.driver.waitForMessage(
      channels.prd,
      (m) => !seen.has(m.ts) && /waiting for approval/.test(m.text),
      10000,
    );
    const id = readable(card).match(/op-[0-9a-z]{6}/)![0];
    expect(readable(card)).toContain(
      `Who may approve: <@${users.bob}>, @patch-leads (not <@${users.alice}>, who requested it)`,
    );
    expect(h.slack.calls('usergroups.list').length).toBeGreaterThan(0);

    // mallory may not cancel: the refusal names the requester and the approvers.
    const before = h.slack.responses().length;
    await h.slack.driver.slashCommand({ userId: users.mallory, channelId: channels.prd, text: `cancel ${id}` });
    const refusal = await h.slack.driver.waitFor(
      () =>
        h.slack
          .responses()
          .slice(before)
          .find((r) => /may cancel/.test(JSON.stringify(r.body))),
      5000,
      'the cancel refusal',
    );
    expect(JSON.stringify(refusal.body)).toContain(
      `Only the requester (<@${users.alice}>) or an approver of PRD (<@${users.bob}>, @patch-leads) may cancel ${id}.`,
    );

    // bob opens the reject dialog: the requester is a mention in a mrkdwn section.
    await h.slack.driver.blockAction({
      userId: users.bob,
      channelId: channels.prd,
      messageTs: card.ts,
      actionId: 'patchbot.reject',
    });
    const modal = await h.slack.driver.waitFor(
      () => h.slack.modals().find((m) => m.user === users.bob && m.state === 'open'),
      5000,
      'the reject dialog',
    );
    const dialog = JSON.stringify(modal.view);
    expect(dialog).toContain(`requested by <@${users.alice}>`);
    expect(dialog).toMatch(/"type":"mrkdwn","text":"🚫 Reject \*install on PRD, requested by <@U0ALICE001>/);
    await h.slack.driver.viewSubmission({
      userId: users.bob,
      viewId: modal.id,
      inputs: { reason_input: 'change freeze' },
    });
    const rejected = await h.slack.driver.waitForUpdate(channels.prd, card.ts, (m) => /rejected/i.test(m.text), 10000);
    expect(readable(rejected)).toContain(`Rejected by <@${users.bob}>`);

    // carol's late Approve is told who rejected it, by mention.
    const late = h.slack.responses().length;
    await h.slack.driver.blockAction({
      userId: users.carol,
      channelId: channels.prd,
      messageTs: card.ts,
      actionId: 'patchbot.approve',
    });
    const told = await h.slack.driver.waitFor(
      () =>
        h.slack
          .responses()
          .slice(late)
          .find((r) => /rejected/.test(JSON.stringify(r.body))),
      5000,
      'the late approve answer',
    );
    expect(JSON.stringify(told.body)).toContain(`was rejected by <@${users.bob}> at`);

    // History names who rejected it.
    const historyAt = h.slack.responses().length;
    await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text: 'history PRD' });
    const history = await h.slack.driver.waitFor(
      () =>
        h.slack
          .responses()
          .slice(historyAt)
          .find((r) => /Recent operations/.test(JSON.stringify(r.body))),
      5000,
      'the history',
    );
    expect(JSON.stringify(history.body)).toContain(`rejected by <@${users.bob}> · requested by <@${users.alice}>`);

    const everything = sentSince(h, calls, responses);
    expect(rawIds(everything)).toEqual([]);
    expect(everything).not.toContain(userGroups.patchLeads);
  });

  it('a scan asked for in another channel says where it is posted with a channel link', async () => {
    const before = h.slack.responses().length;
    await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text: 'scan STG' });
    const note = await h.slack.driver.waitFor(
      () =>
        h.slack
          .responses()
          .slice(before)
          .find((r) => /posted in/.test(JSON.stringify(r.body))),
      5000,
      'the scan note',
    );
    expect(JSON.stringify(note.body)).toContain(`Progress and the result are posted in <#${channels.stg}>.`);
    expect(rawIds(JSON.stringify(note.body))).toEqual([]);
  });
});
