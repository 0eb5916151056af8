/**
 * The real Bolt app against the stand-in: slash commands and clicks arrive signed as Slack signs
 * them, replies travel through response_url and the Web API, and forged requests are refused.
 */
import type { App } from '@slack/bolt';
import { DEMO_IDS, type SlackStandIn } from '@patchbot/sandbox/slack';
import { standIn, startBolt, type BoltHarness } from './helpers';

const { alice, bob } = DEMO_IDS.users;
const PRD = DEMO_IDS.channels.prd;

/** A tiny bot: /patch replies privately and posts a card; Approve edits it; Reject asks for a reason. */
function register(app: App, seen: { reasons: string[] }): void {
  app.command('/patch', async ({ command, ack, respond, client }) => {
    if (command.text === 'ack-text') {
      await ack('usage: /patch <verb> <group>');
      return;
    }
    await ack();
    await respond({ text: `working on *${command.text}* for <@${command.user_id}>` });
    await client.chat.postMessage({
      channel: command.channel_id,
      text: `card for ${command.text}`,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: `Install ${command.text}` } },
        {
          type: 'actions',
          block_id: 'decision',
          elements: [
            {
              type: 'button',
              action_id: 'approve',
              text: { type: 'plain_text', text: 'Approve' },
              style: 'primary',
              value: 'op-1',
              confirm: {
                title: { type: 'plain_text', text: 'Approve?' },
                text: { type: 'mrkdwn', text: 'Patches will be installed.' },
                confirm: { type: 'plain_text', text: 'Approve' },
                deny: { type: 'plain_text', text: 'Cancel' },
              },
            },
            {
              type: 'button',
              action_id: 'reject',
              text: { type: 'plain_text', text: 'Reject' },
              style: 'danger',
              value: 'op-1',
            },
          ],
        },
      ],
    });
  });
  app.action('approve', async ({ ack, body, respond, client }) => {
    await ack();
    if (body.type !== 'block_actions' || !body.channel || !body.message) return;
    const value = body.actions[0]?.type === 'button' ? body.actions[0].value : '';
    await client.chat.update({
      channel: body.channel.id,
      ts: body.message.ts,
      text: `approved ${value} by <@${body.user.id}>`,
      blocks: [],
    });
    await respond({ text: 'you approved it' });
  });
  app.action('reject', async ({ ack, body, client }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    await client.views.open({
      trigger_id: body.trigger_id,
      view: {
        type: 'modal',
        callback_id: 'reject_reason',
        private_metadata: 'op-1',
        title: { type: 'plain_text', text: 'Reject' },
        submit: { type: 'plain_text', text: 'Reject' },
        blocks: [
          {
            type: 'input',
            block_id: 'reason',
            optional: true,
            label: { type: 'plain_text', text: 'Reason' },
            element: { type: 'plain_text_input', action_id: 'text', multiline: true },
          },
        ],
      },
    });
  });
  app.view('reject_reason', async ({ ack, view }) => {
    const reason = view.state.values.reason?.text?.value ?? '';
    if (reason === 'bad') {
      await ack({ response_action: 'errors', errors: { reason: 'say more' } });
      return;
    }
    seen.reasons.push(`${view.private_metadata}:${reason}`);
    await ack();
  });
}

describe('the real Bolt app against the Slack stand-in', () => {
  let slack: SlackStandIn;
  let bolt: BoltHarness;
  const seen = { reasons: [] as string[] };

  beforeAll(async () => {
    slack = await standIn();
    bolt = await startBolt(slack, (app) => register(app, seen));
  });
  afterAll(async () => {
    await bolt?.stop();
    await slack?.close();
  });
  beforeEach(() => {
    slack.reset();
    seen.reasons.length = 0;
  });

  it('acknowledges a signed slash command within the request, replies through respond() and posts the card', async () => {
    const result = await slack.driver.slashCommand({ userId: alice, channelId: PRD, text: 'install PRD' });
    expect(result.status).toBe(200);
    expect(result.elapsedMs).toBeLessThan(3000);
    expect(result.slackError).toBeUndefined();

    const reply = await slack.driver.waitForEphemeral(alice, 'working on *install PRD*');
    expect(reply).toMatchObject({ channel: PRD, user: alice, via: 'response_url' });
    expect(slack.ephemerals(PRD, bob)).toEqual([]);

    const card = await slack.driver.waitForMessage(PRD, 'Install install PRD');
    expect(card).toMatchObject({ user: DEMO_IDS.bot.userId, bot_id: DEMO_IDS.bot.botId, via: 'chat.postMessage' });
    expect(card.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(slack.responses()).toEqual([
      expect.objectContaining({ source: 'command', user: alice, outcome: 'ephemeral', status: 200 }),
    ]);
    const post = slack.calls('chat.postMessage')[0];
    expect(post).toMatchObject({ auth: 'bearer', status: 200, args: { channel: PRD, text: 'card for install PRD' } });
    expect(Array.isArray(post?.args.blocks)).toBe(true);
  });

  it('shows a slash command acknowledged with text to the user alone, as Slack does', async () => {
    await slack.driver.slashCommand({ userId: alice, channelId: PRD, text: 'ack-text' });
    const e = await slack.driver.waitForEphemeral(alice, 'usage: /patch');
    expect(e.via).toBe('ack');
    expect(slack.messages(PRD)).toEqual([]);
  });

  it('handles a block action: the payload carries the message, the bot updates it and replies privately', async () => {
    await slack.driver.slashCommand({ userId: alice, channelId: PRD, text: 'install PRD' });
    const card = await slack.driver.waitForMessage(PRD, 'Install install PRD');

    const click = await slack.driver.blockAction({
      userId: bob,
      channelId: PRD,
      messageTs: card.ts,
      actionId: 'approve',
    });
    expect(click.status).toBe(200);
    const updated = await slack.driver.waitForUpdate(PRD, card.ts, `approved op-1 by <@${bob}>`);
    expect(updated.history.map((v) => v.via)).toEqual(['chat.postMessage', 'chat.update']);
    expect(updated.edited?.user).toBe(DEMO_IDS.bot.userId);
    await slack.driver.waitForEphemeral(bob, 'you approved it');
  });

  it('opens a modal from a click within the trigger window and takes its submission, errors included', async () => {
    await slack.driver.slashCommand({ userId: alice, channelId: PRD, text: 'install PRD' });
    const card = await slack.driver.waitForMessage(PRD, 'Install install PRD');
    await slack.driver.blockAction({ userId: bob, channelId: PRD, messageTs: card.ts, actionId: 'reject' });
    const modal = await slack.driver.waitFor(() => slack.modals()[0]);
    expect(modal).toMatchObject({ user: bob, state: 'open' });

    const refused = await slack.driver.viewSubmission({ userId: bob, viewId: modal.id, inputs: { text: 'bad' } });
    expect(refused.json).toMatchObject({ response_action: 'errors' });
    expect(slack.modals()[0]).toMatchObject({ state: 'open', errors: { reason: 'say more' } });

    const accepted = await slack.driver.viewSubmission({
      userId: bob,
      viewId: modal.id,
      inputs: { text: 'too risky today' },
    });
    expect(accepted.status).toBe(200);
    expect(seen.reasons).toEqual(['op-1:too risky today']);
    expect(slack.modals()[0]?.state).toBe('submitted');
  });

  describe('forged requests are refused with 401 and leave no trace', () => {
    const nothingRecorded = (): void => {
      expect(slack.messages(PRD)).toEqual([]);
      expect(slack.ephemerals()).toEqual([]);
      expect(slack.responses()).toEqual([]);
      expect(slack.calls().filter((c) => c.method !== 'auth.test')).toEqual([]);
    };

    it('a wrong signing secret', async () => {
      const r = await slack.driver.slashCommand({
        userId: alice,
        channelId: PRD,
        text: 'install PRD',
        signingSecret: 'not-the-secret',
      });
      expect(r.status).toBe(401);
      await bolt.idle();
      nothingRecorded();
    });

    it('a timestamp six minutes old', async () => {
      const r = await slack.driver.slashCommand({
        userId: alice,
        channelId: PRD,
        text: 'install PRD',
        timestampOffsetSeconds: -360,
      });
      expect(r.status).toBe(401);
      await bolt.idle();
      nothingRecorded();
    });

    it('a captured body replayed with a new timestamp but the old signature', async () => {
      const original = await slack.driver.slashCommand({
        userId: alice,
        channelId: PRD,
        text: 'install PRD',
        timestamp: Math.floor(Date.now() / 1000) - 120,
      });
      expect(original.status).toBe(200);
      await slack.driver.waitForMessage(PRD, 'Install install PRD');
      slack.reset();

      const replay = await slack.driver.send(original.sent.body, { signature: original.sent.signature });
      expect(replay.status).toBe(401);
      expect(replay.sent.timestamp).not.toBe(original.sent.timestamp);
      await bolt.idle();
      nothingRecorded();
    });

    it('while the real secret with the same body is accepted (the forgery is the only difference)', async () => {
      const r = await slack.driver.slashCommand({ userId: alice, channelId: PRD, text: 'install PRD' });
      expect(r.status).toBe(200);
      await slack.driver.waitForMessage(PRD, 'Install install PRD');
    });
  });
});
