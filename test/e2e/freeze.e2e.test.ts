/**
 * Change freezes from SSM Change Calendar (issue 17 part 2) through the real Bolt app (signed
 * requests and clicks) and the real SDK against the simulator, bot and simulator on one ManualClock.
 * What AWS received is read from the simulator's change journal: nothing while a calendar is CLOSED,
 * missing or denied; one SendCommand once every calendar is OPEN.
 */
import { ManualClock } from '../../src/clock';
import { demoConfig, readable, settled, startHarness, type Harness } from '../support/bot';
import { APPROVE, channels, users } from './approval-helpers';

const START = '2026-03-01T00:00:00Z';
const REOPENS = '2026-03-01T06:00:00Z';
const MIN = 60_000;
const CALENDAR = 'prd-freeze';

/** SendCommand requests the simulator received. */
const sendCommands = (h: Harness) => h.sim.changes('SendCommand');

/** The demo's config with PRD respecting the `prd-freeze` calendar (and, with `override`, break-glass by bob and the patch leads). */
function freezeConfig(override = false) {
  const extra = `    changeCalendars: [${CALENDAR}]\n${override ? '    freeze:\n      overrideApprovers: [U0BOB00001, S0LEADS001]\n' : ''}`;
  // STG (no approval needed) respects the same calendar.
  const config = demoConfig((t) =>
    t
      .replace('    promoteFrom: STG\n', `    promoteFrom: STG\n${extra}`)
      .replace('    scanMaxAge: 24h\n  PRD:', `    scanMaxAge: 24h\n    changeCalendars: [${CALENDAR}]\n  PRD:`),
  );
  expect(config.groups.find((g) => g.name === 'PRD')?.changeCalendars).toEqual([CALENDAR]);
  expect(config.groups.find((g) => g.name === 'STG')?.changeCalendars).toEqual([CALENDAR]);
  return config;
}

/** `/patch <text>` as alice in #prd; the new card. */
async function requestCard(h: Harness, text: string) {
  const seen = new Set(h.slack.messages(channels.prd).map((m) => m.ts));
  await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text });
  return h.slack.driver.waitForMessage(
    channels.prd,
    (m) => !seen.has(m.ts) && /waiting for approval/.test(m.text),
    15000,
  );
}

/** bob approves; resolves once the card says the change is approved but frozen. */
async function approveFrozen(h: Harness, ts: string) {
  await h.slack.driver.blockAction({ userId: users.bob, channelId: channels.prd, messageTs: ts, actionId: APPROVE });
  return h.slack.driver.waitForUpdate(channels.prd, ts, (m) => /approved · frozen by/.test(m.text), 15000);
}

/** The action id of the frozen card's break-glass button. */
const OVERRIDE = 'patchbot.override_freeze';

/** Clicks "Override freeze…" on the card as `userId`; what that user was told privately, if anything. */
async function clickOverride(h: Harness, ts: string, userId: string, value?: string): Promise<string> {
  const before = h.slack.responses().length;
  const r = await h.slack.driver.blockAction({
    userId,
    channelId: channels.prd,
    messageTs: ts,
    actionId: OVERRIDE,
    ...(value ? { value } : {}),
  });
  expect(r.status).toBe(200);
  await settled(h.bot);
  return JSON.stringify(h.slack.responses().slice(before));
}

/** The newest operation's status. */
const latestStatus = async (h: Harness) => (await h.bot.store.operations.listRecent({ limit: 1 }))[0]?.status;

describe('a group with a change calendar', () => {
  let h: Harness;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock(START);
    h = await startHarness({ clock, sim: { clock }, config: freezeConfig() });
  });
  afterEach(async () => h.close());

  it('a CLOSED calendar stops the send and the card says until when; once OPEN the next pass sends it once', async () => {
    h.sim.setCalendar(CALENDAR, { state: 'CLOSED', nextTransitionTime: REOPENS });
    const card = await requestCard(h, 'install PRD');
    // Up front, before anyone approves: which calendar, until when, and what happens then.
    expect(readable(card)).toContain('*prd-freeze* is CLOSED until Sun 1 Mar 06:00 UTC (in 6h)');
    expect(readable(card)).toContain('if-frozen=wait');

    const frozen = await approveFrozen(h, card.ts);
    expect(frozen.text).toContain('approved · frozen by prd-freeze until Sun 1 Mar 06:00 UTC');
    expect(readable(frozen)).toMatch(/Nothing was sent/);
    expect(readable(frozen)).toMatch(/Approved by <@U0BOB00001>/);
    // No override approvers configured: no break-glass button, and a click anyway is answered plainly.
    expect(readable(frozen)).not.toContain(OVERRIDE);
    // A forged click (the card has no such button) naming the operation is answered with how to configure it.
    const id = (await h.bot.store.operations.listRecent({ limit: 1 }))[0]!.id;
    expect(await clickOverride(h, card.ts, users.carol, id)).toMatch(
      /PRD has no freeze override: .*freeze.overrideApprovers/,
    );
    expect(h.slack.modals()).toEqual([]);
    await settled(h.bot);
    clock.advance(5 * MIN);
    await settled(h.bot);
    expect(sendCommands(h)).toEqual([]);
    expect(await latestStatus(h)).toBe('approved');
    // The frozen card counts down to the reopening as the hours pass.
    clock.advance(2 * 60 * MIN);
    await h.slack.driver.waitForUpdate(
      channels.prd,
      card.ts,
      (m) => readable(m).includes('is CLOSED until Sun 1 Mar 06:00 UTC (in 3h 55m)'),
      15000,
    );
    expect(sendCommands(h)).toEqual([]);

    h.sim.setCalendar(CALENDAR, { state: 'OPEN' });
    clock.advance(MIN);
    await h.slack.driver.waitFor(() => sendCommands(h).length > 0 || undefined, 15000, 'the send once open');
    await h.slack.driver.waitFor(
      async () => ((await latestStatus(h)) === 'running' ? true : undefined),
      15000,
      'the install running',
    );
    clock.advance(MIN);
    await settled(h.bot);
    expect(sendCommands(h)).toHaveLength(1);
  });

  it('a group that needs no approval: the frozen card is the first post, its plan in the thread; the requester elsewhere is told it waits', async () => {
    h.sim.setCalendar(CALENDAR, { state: 'CLOSED', nextTransitionTime: REOPENS });
    // A patch with more CVE ids than the card shows: the plan's patch list goes to the card's thread (every id there).
    h.sim.releasePatch({
      title: 'openssl-3.0.99',
      classification: 'Security',
      severity: 'Critical',
      releasedDaysAgo: 10,
      cveIds: ['CVE-2026-1111', 'CVE-2026-1112', 'CVE-2026-1113', 'CVE-2026-1114'],
      group: 'STG',
      rescan: true,
    });
    const before = h.slack.responses().length;
    await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text: 'install STG' });
    const card = await h.slack.driver.waitForMessage(
      channels.stg,
      (m) => /approved · frozen by prd-freeze/.test(m.text),
      15000,
    );
    await h.slack.driver.waitFor(
      () =>
        h.slack.messages(channels.stg).find((m) => m.thread_ts === card.ts && /patches to install/.test(readable(m))),
      15000,
      'the plan in the frozen card’s thread',
    );
    expect(JSON.stringify(h.slack.responses().slice(before))).toMatch(
      /Install on STG \(op-[0-9a-z]+\) waits to be sent/,
    );
    clock.advance(2 * MIN);
    await settled(h.bot);
    expect(sendCommands(h)).toEqual([]);
  });

  it('a scheduled change is asked about its start up front, and meets the freeze when its window opens: held, then sent once the calendar reopens inside the window', async () => {
    // patch-prd runs Sunday 04:00 Berlin (03:00 UTC), 3 h long with a 1 h cutoff: sent by 05:00 UTC at the latest.
    h.sim.setCalendar(CALENDAR, { state: 'CLOSED', nextTransitionTime: '2026-03-01T04:30:00Z' });
    const card = await requestCard(h, 'install PRD in patch-prd');
    // Closed now and still closed at 03:00 UTC: the card says so about the change's own time.
    expect(readable(card)).toContain('*Frozen at its time:*');
    expect(readable(card)).toContain('*prd-freeze* is CLOSED until Sun 1 Mar 05:30 Europe/Berlin (GMT+1)');
    await h.slack.driver.blockAction({
      userId: users.bob,
      channelId: channels.prd,
      messageTs: card.ts,
      actionId: APPROVE,
    });
    const waiting = await h.slack.driver.waitForUpdate(
      channels.prd,
      card.ts,
      (m) => /approved · runs/.test(m.text),
      15000,
    );
    // The waiting card keeps saying what the calendars said about its time.
    expect(readable(waiting)).toContain('*Frozen at its time:*');
    clock.set('2026-03-01T03:00:00Z');
    await h.slack.driver.waitForUpdate(
      channels.prd,
      card.ts,
      (m) => /approved · frozen by prd-freeze/.test(m.text),
      15000,
    );
    clock.advance(30 * MIN);
    await settled(h.bot);
    expect(sendCommands(h)).toEqual([]);
    // The calendar flips on the simulator's clock at 04:30: the announced reopening makes patchbot ask at once.
    clock.set('2026-03-01T04:30:00Z');
    await h.slack.driver.waitFor(() => sendCommands(h).length > 0 || undefined, 15000, 'the send once reopened');
    await settled(h.bot);
    expect(sendCommands(h)).toHaveLength(1);
  });

  it('with if-frozen=cancel a CLOSED calendar ends the approved change unsent, and the card says so', async () => {
    h.sim.setCalendar(CALENDAR, { state: 'CLOSED', nextTransitionTime: REOPENS });
    const card = await requestCard(h, 'install PRD if-frozen=cancel');
    expect(readable(card)).toContain('if-frozen=cancel');
    await h.slack.driver.blockAction({
      userId: users.bob,
      channelId: channels.prd,
      messageTs: card.ts,
      actionId: APPROVE,
    });
    const ended = await h.slack.driver.waitForUpdate(channels.prd, card.ts, (m) => /frozen/.test(m.text), 15000);
    expect(ended.text).toMatch(/was not sent: frozen/);
    expect(readable(ended)).toContain('*prd-freeze* is CLOSED until Sun 1 Mar 06:00 UTC');
    expect(await latestStatus(h)).toBe('expired');
    h.sim.setCalendar(CALENDAR, { state: 'OPEN' });
    clock.advance(2 * MIN);
    await settled(h.bot);
    expect(sendCommands(h)).toEqual([]);
    const audit = await h.bot.store.audit.list({
      operationId: (await h.bot.store.operations.listRecent({ limit: 1 }))[0]!.id,
      limit: 50,
    });
    expect(audit.map((a) => a.action)).toContain('operation.expired');
  });

  it('a calendar that does not exist is never open: not sent, the card names it', async () => {
    const card = await requestCard(h, 'install PRD');
    expect(readable(card)).toContain('*prd-freeze* does not exist, so it counts as closed');
    const frozen = await approveFrozen(h, card.ts);
    expect(frozen.text).toContain('frozen by prd-freeze (a calendar cannot be read)');
    clock.advance(2 * MIN);
    await settled(h.bot);
    expect(sendCommands(h)).toEqual([]);
    expect(await latestStatus(h)).toBe('approved');
  });

  it('a calendar patchbot may not read is never open: not sent, the card names the permission on the document', async () => {
    h.sim.setCalendar(CALENDAR, { state: 'OPEN' });
    h.sim.configure({ deny: [{ action: 'ssm:GetCalendarState' }] });
    const card = await requestCard(h, 'install PRD');
    const permission = 'ssm:GetCalendarState on arn:aws:ssm:us-east-1:123456789012:document/prd-freeze';
    expect(readable(card)).toContain(permission);
    const frozen = await approveFrozen(h, card.ts);
    expect(readable(frozen)).toContain(`Missing permission: \`${permission}\``);
    clock.advance(2 * MIN);
    await settled(h.bot);
    expect(sendCommands(h)).toEqual([]);
    // Granted again: the next read finds it open and the change goes out once.
    h.sim.configure({ deny: [] });
    clock.advance(MIN);
    await h.slack.driver.waitFor(() => sendCommands(h).length > 0 || undefined, 15000, 'the send once readable');
    await settled(h.bot);
    expect(sendCommands(h)).toHaveLength(1);
  });
});

describe('break-glass where freeze.overrideApprovers is configured', () => {
  let h: Harness;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock(START);
    h = await startHarness({ clock, sim: { clock }, config: freezeConfig(true) });
  });
  afterEach(async () => h.close());

  /** Opens the override dialog as `userId` (the click must pass every rule first). */
  async function openDialog(ts: string, userId: string) {
    const before = h.slack.modals().length;
    await h.slack.driver.blockAction({ userId, channelId: channels.prd, messageTs: ts, actionId: OVERRIDE });
    return h.slack.driver.waitFor(
      () =>
        h.slack
          .modals()
          .slice(before)
          .find((m) => m.user === userId && m.state === 'open'),
      5000,
      'the override dialog',
    );
  }

  it('needs a written reason and two different override approvers (never the requester); sent once, announced once, audited', async () => {
    h.sim.setCalendar(CALENDAR, { state: 'CLOSED', nextTransitionTime: REOPENS });
    const card = await requestCard(h, 'install PRD');
    const frozen = await approveFrozen(h, card.ts);
    expect(readable(frozen)).toContain(OVERRIDE);
    const topLevel = () => h.slack.messages(channels.prd).filter((m) => (m.thread_ts ?? m.ts) === m.ts);
    const postsBefore = topLevel().length;

    // The requester and someone who is no override approver get no dialog.
    expect(await clickOverride(h, card.ts, users.alice)).toMatch(/You requested this change, so you cannot override/);
    expect(await clickOverride(h, card.ts, users.mallory)).toMatch(/Only the override approvers of PRD/);
    expect(h.slack.modals()).toEqual([]);

    // bob: a blank reason keeps the dialog open; a reason records the first of two.
    const bobs = await openDialog(card.ts, users.bob);
    expect(JSON.stringify(bobs.view)).toContain('install on PRD');
    await h.slack.driver.viewSubmission({ userId: users.bob, viewId: bobs.id, inputs: { reason_input: '   ' } });
    expect(h.slack.modals().find((m) => m.id === bobs.id)?.errors?.reason).toMatch(/at least 10 characters/);
    await h.slack.driver.viewSubmission({
      userId: users.bob,
      viewId: bobs.id,
      inputs: { reason_input: 'INC-4711: exploited openssl <!channel>' },
    });
    await h.slack.driver.waitForUpdate(channels.prd, card.ts, (m) => /Override requested/.test(readable(m)), 15000);
    clock.advance(2 * MIN);
    await settled(h.bot);
    expect(sendCommands(h)).toEqual([]);
    // The same person twice is still one.
    expect(await clickOverride(h, card.ts, users.bob)).toMatch(/already confirmed this override/);

    // carol (through @patch-leads) confirms: the change goes out despite the CLOSED calendar.
    const carols = await openDialog(card.ts, users.carol);
    await h.slack.driver.viewSubmission({
      userId: users.carol,
      viewId: carols.id,
      inputs: { reason_input: 'Agreed with the CAB chair by phone' },
    });
    await h.slack.driver.waitFor(() => sendCommands(h).length > 0 || undefined, 15000, 'the overridden send');
    const announced = await h.slack.driver.waitFor(
      () => topLevel().find((m) => /Freeze override on PRD/.test(m.text)),
      15000,
      'the announcement',
    );
    const text = readable(announced);
    expect(text).toContain(`<@${users.bob}>`);
    expect(text).toContain(`<@${users.carol}>`);
    expect(text).toContain('prd-freeze');
    expect(text).toContain('INC-4711: exploited openssl &lt;!channel&gt;');
    expect(text).toContain('Agreed with the CAB chair by phone');
    clock.advance(10 * MIN);
    await settled(h.bot);
    clock.advance(MIN);
    await settled(h.bot);
    expect(sendCommands(h)).toHaveLength(1);
    expect(topLevel().filter((m) => /Freeze override on PRD/.test(m.text))).toHaveLength(1);
    // Apart from the card, the announcement is the only new top-level post.
    expect(topLevel().length).toBe(postsBefore + 1);

    const id = (await h.bot.store.operations.listRecent({ limit: 1 }))[0]!.id;
    const audit = await h.bot.store.audit.list({ operationId: id, limit: 50 });
    expect(
      audit
        .filter((a) => a.action === 'operation.freeze_override_recorded')
        .map((a) => a.actor)
        .sort(),
    ).toEqual([users.bob, users.carol].sort());
    const granted = audit.find((a) => a.action === 'operation.freeze_overridden');
    expect(granted?.detail).toMatchObject({
      overriddenBy: [users.bob, users.carol],
      reasons: {
        [users.bob]: 'INC-4711: exploited openssl <!channel>',
        [users.carol]: 'Agreed with the CAB chair by phone',
      },
      calendars: [expect.objectContaining({ calendar: CALENDAR, until: '2026-03-01T06:00:00.000Z' })],
    });
  });
});
