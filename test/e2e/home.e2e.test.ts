/**
 * The App Home through the real Bolt app: signed `app_home_opened` events, views.publish into the
 * Slack stand-in, and Approve/Reject clicked inside the Home view, with the real SDK against the
 * simulator. A click from the Home approves exactly as on the card (four-eyes included), and opened
 * Homes follow changes at most once a minute per user.
 */
import { ManualClock } from '../../src/clock';
import type { HomeRecord } from '@patchbot/sandbox/slack';
import { OPERATION_ENDED, readable, settled, startHarness, type Harness } from '../support/bot';
import { APPROVE, channels, requestCard, sends, users } from './approval-helpers';

/** Every text and action id in a Home view, for what a person reads and can click. */
const homeText = (h: HomeRecord | undefined): string => JSON.stringify(h?.view.blocks ?? []);

/** The Home's Approve buttons' values (operation ids). */
function approveButtons(h: HomeRecord | undefined): string[] {
  const out: string[] = [];
  for (const block of (h?.view.blocks ?? []) as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>)
    for (const e of block.elements ?? []) if (e.action_id === APPROVE && e.value) out.push(e.value);
  return out;
}

/** Opens the user's Home and waits for the publish it causes. */
async function openHome(h: Harness, userId: string): Promise<HomeRecord> {
  const before = h.slack.home(userId)?.publishes ?? 0;
  const r = await h.slack.driver.openHome({ userId });
  expect(r.status).toBe(200);
  return h.slack.driver.waitFor(() => {
    const home = h.slack.home(userId);
    return home && home.publishes > before ? home : undefined;
  }, 10_000);
}

/** Waits until the user's Home has been published more than `count` times. */
const publishedMoreThan = (h: Harness, userId: string, count: number) =>
  h.slack.driver.waitFor(() => {
    const home = h.slack.home(userId);
    return home && home.publishes > count ? home : undefined;
  }, 10_000);

describe('App Home', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.bot.runJob('compliance-poll');
  });
  afterAll(async () => h.close());

  it('rejects from the Home through the same reason dialog as the card, and the Home moves on at once', async () => {
    const card = await requestCard(h, 'install PRD', /Install .*PRD.*waiting for approval/);
    const opId = /op-[0-9a-z]{6,8}/.exec(readable(card))![0];
    const carols = await openHome(h, users.carol);
    expect(approveButtons(carols)).toEqual([opId]);
    const before = h.slack.modals().length;
    await h.slack.driver.homeAction({ userId: users.carol, actionId: 'patchbot.reject' });
    const modal = await h.slack.driver.waitFor(() =>
      h.slack
        .modals()
        .slice(before)
        .find((m) => m.user === users.carol),
    );
    await h.slack.driver.viewSubmission({
      userId: users.carol,
      viewId: modal.id,
      inputs: { reason_input: 'not this week' },
    });
    const rejected = await h.slack.driver.waitForUpdate(channels.prd, card.ts, (m) => /rejected/i.test(m.text), 10_000);
    expect(readable(rejected)).toContain('not this week');
    const after = await publishedMoreThan(h, users.carol, carols.publishes);
    expect(approveButtons(after)).toEqual([]);
    await settled(h.bot);
    expect(sends(h)).toBe(0);
  });

  it('shows an approver the pending PRD install with buttons that approve exactly as on the card', async () => {
    const card = await requestCard(h, 'install PRD', /Install .*PRD.*waiting for approval/);
    const opId = /op-[0-9a-z]{6,8}/.exec(readable(card))![0];

    const bobs = await openHome(h, users.bob);
    expect(approveButtons(bobs)).toEqual([opId]);
    expect(homeText(bobs)).toContain('patchbot.reject');
    // Names, not ids: the requester and the card's channel as mentions; the group tiles and the estate.
    expect(homeText(bobs)).toContain(`<@${users.alice}>`);
    expect(homeText(bobs)).toContain(`<#${channels.prd}>`);
    expect(homeText(bobs)).toMatch(/\*PRD\* · \d+% compliant/);
    expect(homeText(bobs)).toContain('*Estate*');

    // Four-eyes: the requester's own Home lists the change without Approve...
    const alices = await openHome(h, users.alice);
    expect(homeText(alices)).toContain(opId);
    expect(homeText(alices)).toContain('waiting for someone else');
    expect(approveButtons(alices)).toEqual([]);
    // ...and a forged click from it is refused as on the card, told on her Home.
    const forged = await h.slack.driver.homeAction({ userId: users.alice, actionId: APPROVE, value: opId });
    expect(forged.status).toBe(200);
    const told = await publishedMoreThan(h, users.alice, alices.publishes);
    expect(homeText(told)).toMatch(/you requested this change/i);
    await settled(h.bot);
    expect(sends(h)).toBe(0);

    // bob approves from his Home: sent once, the card ends as on a card click, and his Home moves on at once.
    const beforeClick = h.slack.home(users.bob)!.publishes;
    const click = await h.slack.driver.homeAction({ userId: users.bob, actionId: APPROVE });
    expect(click.status).toBe(200);
    const done = await h.slack.driver.waitForUpdate(channels.prd, card.ts, (m) => OPERATION_ENDED.test(m.text), 20_000);
    expect(readable(done)).toMatch(/Approved by/);
    const after = await publishedMoreThan(h, users.bob, beforeClick);
    expect(approveButtons(after)).toEqual([]);
    await settled(h.bot);
    expect(sends(h)).toBe(1);

    // The same button clicked again from an old Home: the change is not pending any more; nothing is sent.
    await h.slack.driver.homeAction({ userId: users.bob, actionId: APPROVE, value: opId });
    await settled(h.bot);
    expect(sends(h)).toBe(1);
  });

  it('shows a non-operator no group tiles, only what they can do about it', async () => {
    const home = await openHome(h, users.mallory);
    const text = homeText(home);
    expect(text).toMatch(/do not operate or approve any patch group/);
    for (const group of ['PRD', 'STG', 'WIN']) expect(text).not.toContain(`*${group}*`);
    expect(text).not.toContain('*Estate*');
    expect(approveButtons(home)).toEqual([]);
  });

  it('ignores the Messages tab', async () => {
    const before = h.slack.home(users.carol)?.publishes ?? 0;
    const r = await h.slack.driver.openHome({ userId: users.carol, tab: 'messages' });
    expect(r.status).toBe(200);
    await settled(h.bot);
    expect(h.slack.home(users.carol)?.publishes ?? 0).toBe(before);
  });
});

describe('App Home refresh', () => {
  it('republishes an opened Home when an operation starts and ends, at most once a minute per user', async () => {
    const clock = new ManualClock('2026-03-02T09:00:00Z');
    const h = await startHarness({ clock, sim: { clock } });
    try {
      const opened = await openHome(h, users.bob);
      expect(opened.publishes).toBe(1);
      // A scan starts and ends while the clock stands still: bob's Home is not published again within the minute.
      await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.stg, text: 'scan STG' });
      await h.slack.driver.waitForMessage(channels.stg, (m) => /Scan/.test(m.text), 10_000);
      await settled(h.bot);
      await settled(h.bot);
      expect(h.slack.home(users.bob)!.publishes).toBe(1);
      // The minute is up: one trailing publish carries every change since.
      clock.advance(60_000);
      const refreshed = await publishedMoreThan(h, users.bob, 1);
      expect(refreshed.publishes).toBe(2);
      expect(homeText(refreshed)).toContain('*STG*');
      await settled(h.bot);
      expect(h.slack.home(users.bob)!.publishes).toBe(2);
    } finally {
      await h.close();
    }
  });

  it('works in Socket Mode: the event arrives over the socket and the Home is published', async () => {
    const h = await startHarness({ slackMode: 'socket' });
    try {
      const home = await openHome(h, users.bob);
      expect(homeText(home)).toContain('Waiting for your approval');
    } finally {
      await h.close();
    }
  });
});
