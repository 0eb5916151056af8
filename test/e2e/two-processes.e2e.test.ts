/**
 * Two patchbot processes on one state file (a rolling restart, or two replicas): only the holder of
 * the work lease tracks operations and runs the jobs, so every change is sent once and its card and
 * thread are posted once; when the holder dies or stops, the other takes over within the lease
 * time and finishes what was running, as a restart would.
 */
import { existsSync, rmSync } from 'node:fs';
import type { RunningBot } from '../../src/bot';
import type { Operation } from '../../src/store';
import { waitFor } from '@patchbot/sandbox/slack';
import { DEMO_IDS, OPERATION_ENDED, settled, startHarness, type Harness } from '../support/bot';

const { users, channels } = DEMO_IDS;
const LEASE = { ttlMs: 1500, renewEveryMs: 300 };

const until = (what: string, ok: () => boolean, timeoutMs: number) => waitFor(ok, timeoutMs, what, 25);

/** The operation's card was posted once, and no thread reply was posted twice. */
function postedOnce(h: Harness, op: Operation): void {
  const all = h.slack.messages(op.channel);
  expect(all.filter((m) => m.ts === op.messageTs)).toHaveLength(1);
  const replies = all.filter((m) => m.thread_ts === op.messageTs && m.ts !== op.messageTs).map((m) => m.text);
  expect(new Set(replies).size).toBe(replies.length);
}

/** Top-level operation messages in a channel (cards and results: one per operation). */
function cards(h: Harness, channel: string): number {
  return h.slack
    .messages(channel)
    .filter((m) => (m.thread_ts ?? m.ts) === m.ts && /(Scan|Install) of (STG|PRD)/.test(m.text)).length;
}

describe('two processes on one state file', () => {
  let h: Harness;
  let second: RunningBot;
  beforeAll(async () => {
    h = await startHarness({ lease: LEASE });
    second = await h.startAnother();
  });
  afterAll(async () => h.close());

  it('one leads, the other serves requests only; five changes, whichever process took them, each run and post once', async () => {
    expect(h.bot.role).toBe('leader');
    expect(second.role).toBe('follower');
    const asks: Array<[RunningBot, string, string]> = [
      [h.bot, channels.stg, 'install STG'],
      [second, channels.stg, 'scan STG'],
      [second, channels.prd, 'scan PRD'],
      [h.bot, channels.prd, 'scan PRD'],
      [second, channels.stg, 'scan STG'],
    ];
    for (const [bot, channel, text] of asks) {
      h.routeTo(bot);
      const seen = new Set(h.slack.messages(channel).map((m) => m.ts));
      await h.slack.driver.slashCommand({ userId: users.alice, channelId: channel, text });
      await h.slack.driver.waitForMessage(
        channel,
        (m) => !seen.has(m.ts) && (m.thread_ts ?? m.ts) === m.ts && OPERATION_ENDED.test(m.text),
        30000,
      );
    }
    // Both processes have handled every request and made a tracking pass since: a second tracker (were there one) has posted again.
    await settled(h.bot, second);
    const ops = await h.bot.store.operations.listRecent({ limit: 10 });
    expect(ops).toHaveLength(5);
    for (const op of ops) {
      expect(op.status).toMatch(/succeeded|failed/);
      postedOnce(h, op);
    }
    expect(h.sim.stats().calls.SendCommand).toBe(ops.reduce((n, op) => n + op.commands.length, 0));
    expect(h.sim.stats().calls.SendCommand).toBe(5);
    expect(cards(h, channels.stg) + cards(h, channels.prd)).toBe(5);
  });

  it('a leader that stops gives the lease up: the other leads within one renewal and finishes new work', async () => {
    h.routeTo(second);
    await h.bot.stop();
    await until('the second process leads', () => second.role === 'leader', LEASE.renewEveryMs * 3 + 500);
    const before = new Set(h.slack.messages(channels.stg).map((m) => m.ts));
    await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.stg, text: 'scan STG' });
    await h.slack.driver.waitForMessage(channels.stg, (m) => !before.has(m.ts) && OPERATION_ENDED.test(m.text), 30000);
  });
});

describe('the leader dies mid-operation', () => {
  let h: Harness;
  let second: RunningBot;
  beforeAll(async () => {
    h = await startHarness({ sim: { timing: { pendingMs: 200, runMs: 2500 } }, lease: LEASE });
    second = await h.startAnother();
  });
  afterAll(async () => h.close());

  it('the other takes over within the lease time, sends nothing again and finishes the operation, posted once', async () => {
    await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text: 'scan PRD' });
    const started = await h.slack.driver.waitForMessage(channels.prd, /Scan of PRD/, 10000);
    expect(started.text).not.toMatch(OPERATION_ENDED);

    // The leader's state file goes away under it (as when the process dies): it can no longer renew.
    const died = Date.now();
    await h.bot.store.close();
    await until('the first process stops leading', () => h.bot.role !== 'leader', LEASE.renewEveryMs * 2 + 500);
    await until(
      'the second process leads',
      () => second.role === 'leader',
      LEASE.ttlMs + LEASE.renewEveryMs * 2 + 1000,
    );
    expect(Date.now() - died).toBeLessThan(LEASE.ttlMs + LEASE.renewEveryMs * 2 + 1000);

    h.routeTo(second);
    await h.slack.driver.waitForUpdate(channels.prd, started.ts, (m) => OPERATION_ENDED.test(m.text), 20000);
    await settled(h.bot, second);
    const [op] = await second.store.operations.listRecent({ limit: 5 });
    expect(op?.status).toMatch(/succeeded|failed/);
    postedOnce(h, op!);
    expect(cards(h, channels.prd)).toBe(1);
    expect(h.sim.stats().calls.SendCommand).toBe(1);
  });
});

describe('the state file deleted while the bot runs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ lease: LEASE });
  });
  afterAll(async () => h.close());

  it('is noticed: the bot stops leading and refuses new changes saying why; reads still answer', async () => {
    expect(h.bot.role).toBe('leader');
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${h.dbPath}${suffix}`, { force: true });
    await until('the bot stops leading', () => h.bot.role === 'follower', LEASE.renewEveryMs * 3 + 500);
    expect(existsSync(h.dbPath)).toBe(false); // nothing recreated the file behind the operator's back

    const before = h.slack.responses().length;
    await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.stg, text: 'scan STG' });
    await until('the refusal', () => h.slack.responses().length > before, 10000);
    const said = JSON.stringify(h.slack.responses().slice(before));
    expect(said).toMatch(/state file was deleted while the bot was running/);
    expect(said).toMatch(/takes no new changes until an operator restarts it/);
    expect(said).not.toContain(h.dbPath);
    expect(h.sim.stats().calls.SendCommand ?? 0).toBe(0);

    const reads = h.slack.responses().length;
    await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.stg, text: 'status STG' });
    await until('the status answer', () => h.slack.responses().length > reads, 10000);
    expect(JSON.stringify(h.slack.responses().slice(reads))).not.toMatch(/state file/);
  });
});
