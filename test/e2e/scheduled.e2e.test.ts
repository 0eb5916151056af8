/**
 * Approve now, run in the window: `/patch install PRD in patch-prd` and `at 02:00 Asia/Tokyo`
 * through the real Bolt app (signed requests and clicks) and the real SDK against the simulator,
 * bot and simulator on one ManualClock. What AWS received is read from the simulator's change
 * journal: nothing before the window opens, one SendCommand when it does, none once it is missed
 * or cancelled.
 */
import {
  DeleteMaintenanceWindowCommand,
  DescribeMaintenanceWindowsCommand,
  SSMClient,
  UpdateMaintenanceWindowCommand,
} from '@aws-sdk/client-ssm';
import { ManualClock } from '../../src/clock';
import { SANDBOX_CREDENTIALS } from '../support/aws';
import { OPERATION_ENDED, readable, settled, startHarness, type Harness } from '../support/bot';
import { APPROVE, channels, users } from './approval-helpers';

/** Sunday 1 March 2026, 01:00 in Berlin (CET, UTC+1): the seeded patch-prd runs Sundays 04:00 Berlin, 3 h long, 1 h cutoff. */
const SUNDAY_0100_BERLIN = '2026-03-01T00:00:00Z';
const WINDOW_OPENS = '2026-03-01T03:00:00Z';
const MIN = 60_000;

/** SendCommand requests the simulator received. */
const sendCommands = (h: Harness) => h.sim.changes('SendCommand');

/** `/patch <text>` as alice in #prd; the new card. */
async function requestCard(h: Harness, text: string, match: RegExp) {
  const seen = new Set(h.slack.messages(channels.prd).map((m) => m.ts));
  await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text });
  return h.slack.driver.waitForMessage(channels.prd, (m) => !seen.has(m.ts) && match.test(m.text), 15000);
}

/** bob approves; resolves once the card says it is approved and waiting. */
async function approveScheduled(h: Harness, ts: string) {
  await h.slack.driver.blockAction({ userId: users.bob, channelId: channels.prd, messageTs: ts, actionId: APPROVE });
  return h.slack.driver.waitForUpdate(channels.prd, ts, (m) => /approved · runs/.test(m.text), 15000);
}

/** The card as it is now. */
const cardNow = (h: Harness, ts: string) => h.slack.messages(channels.prd).find((m) => m.ts === ts)!;

/** `/patch <text>` as alice; what she was told privately. */
async function privateAnswer(h: Harness, text: string): Promise<string> {
  const before = h.slack.responses().length;
  await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text });
  await h.slack.driver.waitFor(() => h.slack.responses().length > before || undefined, 15000, 'the answer');
  await settled(h.bot);
  return JSON.stringify(h.slack.responses().slice(before));
}

describe('an install approved at 01:00 for the 04:00 window', () => {
  let h: Harness;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock(SUNDAY_0100_BERLIN);
    h = await startHarness({ clock, sim: { clock } });
  });
  afterEach(async () => h.close());

  it('is sent at 04:00 and not before, and its card counts down in the window’s zone', async () => {
    const card = await requestCard(h, 'install PRD in patch-prd', /waiting for approval/);
    expect(readable(card)).toContain(
      '*Once approved, runs* in *patch-prd* at Sun 1 Mar 04:00 Europe/Berlin (GMT+1) (in 3h)',
    );
    expect(readable(card)).toContain('not after Sun 1 Mar 06:00 Europe/Berlin (GMT+1)');

    const approved = await approveScheduled(h, card.ts);
    expect(approved.text).toContain('approved · runs in *patch-prd* at Sun 1 Mar 04:00 Europe/Berlin (GMT+1) (in 3h)');
    expect(readable(approved)).toMatch(/Approved by <@U0BOB00001>/);
    await settled(h.bot);
    expect(sendCommands(h)).toEqual([]);

    clock.advance(2 * 60 * MIN + 59 * MIN); // 03:59
    await h.slack.driver.waitForUpdate(channels.prd, card.ts, (m) => /\(in 1m\)/.test(m.text), 15000);
    await settled(h.bot);
    expect(sendCommands(h)).toEqual([]);
    expect((await h.bot.store.operations.listRecent({ limit: 1 }))[0]?.status).toBe('approved');

    clock.set(WINDOW_OPENS);
    await h.slack.driver.waitFor(() => sendCommands(h).length > 0 || undefined, 15000, 'the send at 04:00');
    expect(sendCommands(h)).toHaveLength(1);
    await h.slack.driver.waitFor(
      async () => (await h.bot.store.operations.listRecent({ limit: 1 }))[0]?.status === 'running' || undefined,
      15000,
      'the install running',
    );
    // The instances report their results as the (manual) time goes on.
    clock.advance(10 * MIN);
    const done = await h.slack.driver.waitForUpdate(channels.prd, card.ts, (m) => OPERATION_ENDED.test(m.text), 30000);
    expect(done.text).not.toMatch(/was not sent|missed/);
    expect(readable(done)).toContain(`sent 2026-03-01 03:00 UTC`);
    expect(sendCommands(h)).toHaveLength(1);
  });

  it('is missed when the bot is down through the window: nothing sent, the card says why and what to do', async () => {
    const card = await requestCard(h, 'install PRD in patch-prd', /waiting for approval/);
    await approveScheduled(h, card.ts);
    await h.bot.stop();
    clock.set('2026-03-01T05:30:00Z'); // 06:30 Berlin: past 04:00 + 3h - 1h
    await h.restart();
    const missed = await h.slack.driver.waitForUpdate(
      channels.prd,
      card.ts,
      (m) => /missed its window/.test(m.text),
      15000,
    );
    expect(readable(missed)).toMatch(/did not get to send it before Sun 1 Mar 06:00 Europe\/Berlin/);
    expect(readable(missed)).toMatch(/request the change again/);
    expect(readable(missed)).not.toContain(APPROVE);
    const op = (await h.bot.store.operations.listRecent({ limit: 1 }))[0]!;
    expect(op.status).toBe('expired');
    expect(sendCommands(h)).toEqual([]);
    expect(await privateAnswer(h, 'history PRD')).toMatch(/missed its window/);
  });

  it.each([
    [
      'disabled',
      (ssm: SSMClient, WindowId: string) => ssm.send(new UpdateMaintenanceWindowCommand({ WindowId, Enabled: false })),
      /disabled/,
    ],
    [
      'deleted',
      (ssm: SSMClient, WindowId: string) => ssm.send(new DeleteMaintenanceWindowCommand({ WindowId })),
      /deleted|no longer exists/,
    ],
  ])('is not sent when its window was %s before it opened, and the card says so', async (_, change, why) => {
    const card = await requestCard(h, 'install PRD in patch-prd', /waiting for approval/);
    await approveScheduled(h, card.ts);
    // An operator changes the window in the console while the change waits.
    const ssm = new SSMClient({ endpoint: h.sim.url, region: 'us-east-1', credentials: SANDBOX_CREDENTIALS });
    try {
      const listed = await ssm.send(
        new DescribeMaintenanceWindowsCommand({ Filters: [{ Key: 'Name', Values: ['patch-prd'] }] }),
      );
      await change(ssm, listed.WindowIdentities![0]!.WindowId!);
    } finally {
      ssm.destroy();
    }
    clock.set(WINDOW_OPENS);
    const missed = await h.slack.driver.waitForUpdate(
      channels.prd,
      card.ts,
      (m) => /missed its window/.test(m.text),
      15000,
    );
    expect(readable(missed)).toMatch(why);
    expect(readable(missed)).not.toContain(APPROVE);
    await settled(h.bot);
    expect((await h.bot.store.operations.listRecent({ limit: 1 }))[0]?.status).toBe('expired');
    expect(sendCommands(h)).toEqual([]);
  });

  it('can be cancelled while it waits, and is then never sent', async () => {
    const card = await requestCard(h, 'install PRD in patch-prd', /waiting for approval/);
    await approveScheduled(h, card.ts);
    const op = (await h.bot.store.operations.listRecent({ limit: 1 }))[0]!;
    expect(await privateAnswer(h, `cancel ${op.id}`)).toContain(`${op.id} (install on PRD) is cancelled`);
    const cancelled = await h.slack.driver.waitForUpdate(channels.prd, card.ts, (m) => /cancelled/.test(m.text), 15000);
    expect(readable(cancelled)).toMatch(/Was to run in \*patch-prd\*/);
    clock.set(WINDOW_OPENS);
    await settled(h.bot);
    clock.advance(MIN);
    await settled(h.bot);
    expect(sendCommands(h)).toEqual([]);
    expect(cardNow(h, card.ts).text).toMatch(/cancelled/);
  });

  it('`at 02:00 Asia/Tokyo` runs at the next 02:00 in Tokyo, shown in Tokyo time', async () => {
    const card = await requestCard(h, 'install PRD at 02:00 Asia/Tokyo', /waiting for approval/);
    // 00:00 UTC is 09:00 in Tokyo: the next 02:00 there is Monday, 17 h on.
    expect(readable(card)).toContain('runs* at Mon 2 Mar 02:00 Asia/Tokyo (GMT+9) (in 17h)');
    await approveScheduled(h, card.ts);
    clock.set('2026-03-01T16:59:00Z');
    await h.slack.driver.waitForUpdate(channels.prd, card.ts, (m) => /\(in 1m\)/.test(m.text), 15000);
    await settled(h.bot);
    expect(sendCommands(h)).toEqual([]);
    clock.set('2026-03-01T17:00:00Z');
    await h.slack.driver.waitFor(() => sendCommands(h).length > 0 || undefined, 15000, 'the send at 02:00 Tokyo');
    expect(sendCommands(h)).toHaveLength(1);
  });

  it.each([
    [
      'install PRD in nope-window',
      /There is no maintenance window \\"nope-window\\": windows in PRD's scopes: patch-prd, patch-stg, patch-window-am2/,
    ],
    ['install PRD at 2026-02-28T23:00Z', /That time is in the past/],
    ['install PRD at 02:00 Mars/Olympus', /\\"Mars\/Olympus\\" is not a time zone: use an IANA name like Asia\/Tokyo/],
    ['install PRD at 02:00', /needs a time zone after it/],
    ['install PRD at 2026-03-02T02:00', /has no offset/],
    ['install PRD at 2026-02-30T02:00Z', /is not a real date and time/],
    ['install PRD at soon', /\\"soon\\" is not a time/],
    ['install PRD in', /Which maintenance window\?/],
    ['install PRD in patch-prd at 02:00 UTC', /Give one schedule: in and at cannot both apply/],
  ])('/patch %s is refused with the valid forms, and no card', async (text, why) => {
    const before = h.slack.messages(channels.prd).length;
    const told = await privateAnswer(h, text);
    expect(told).toMatch(why);
    expect(told).toMatch(/at &lt;HH:MM&gt; &lt;IANA time zone, like 02:00 Asia\/Tokyo&gt;|Usage/);
    expect(h.slack.messages(channels.prd).length).toBe(before);
    expect(await h.bot.store.operations.listRecent({ limit: 5 })).toEqual([]);
  });
});
