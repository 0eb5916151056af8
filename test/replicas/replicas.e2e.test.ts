/**
 * Three replicas on one PostgreSQL database behind a round-robin load balancer, each a real bot
 * process (Bolt, the AWS SDK over HTTP) against the simulator and the Slack stand-in: any replica
 * takes a request or a click, and still every change is sent once and every message posted once,
 * through two approvers clicking at once, the leader SIGKILLed mid-install, and a poll cycle.
 */
import type { SlackMessage } from '@patchbot/sandbox/slack';
import type { Operation } from '../../src/store';
import { DEMO_IDS, OPERATION_ENDED } from '../support/bot';
import { startReplicas, type Replicas } from '../support/replicas';

const { users, channels } = DEMO_IDS;
const APPROVE = 'patchbot.approve';
/** SSM's SendCommand calls the simulator carried out (its change journal, not its call counter). */
const sendsOf = (r: Replicas) => r.sim.changes('SendCommand').length;
const isTop = (m: SlackMessage) => (m.thread_ts ?? m.ts) === m.ts;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `/patch install PRD` as alice through the balancer; the approval card once posted. */
async function requestInstall(r: Replicas): Promise<SlackMessage> {
  const seen = new Set(r.slack.messages(channels.prd).map((m) => m.ts));
  const asked = await r.slack.driver.slashCommand({
    userId: users.alice,
    channelId: channels.prd,
    text: 'install PRD',
  });
  expect(asked.status).toBe(200);
  return r.slack.driver.waitForMessage(
    channels.prd,
    (m) => !seen.has(m.ts) && isTop(m) && /waiting for approval/.test(m.text),
    20_000,
  );
}

/** The operation behind a card, as the shared database holds it. */
async function operationOf(r: Replicas, card: SlackMessage): Promise<Operation> {
  const ops = await r.store.operations.listRecent({ limit: 20 });
  const op = ops.find((o) => o.messageTs === card.ts);
  if (!op) throw new Error(`no operation for the card ${card.ts}`);
  return op;
}

/** The card is in the channel once, and no reply in its thread was posted twice. */
function postedOnce(r: Replicas, card: SlackMessage): void {
  const all = r.slack.messages(channels.prd);
  expect(all.filter((m) => m.ts === card.ts)).toHaveLength(1);
  const replies = all.filter((m) => m.thread_ts === card.ts && m.ts !== card.ts).map((m) => m.text);
  expect(replies.length).toBeGreaterThan(0);
  expect(new Set(replies).size).toBe(replies.length);
}

describe('three replicas on one PostgreSQL database behind a round-robin balancer [postgres]', () => {
  let r: Replicas;
  beforeAll(async () => {
    r = await startReplicas({ count: 3 });
  }, 90_000);
  afterAll(async () => r?.close());

  it('an install asked on A and approved at once on B and C is sent once per command, its result posted once', async () => {
    const roles = await r.roles();
    expect(Object.values(roles).sort()).toEqual(['follower', 'follower', 'leader']);
    r.proxy.setUpstreams(r.bots.map((b) => ({ name: b.name, port: b.port })));

    const card = await requestInstall(r);
    // bob and carol (an approver through @patch-leads) click Approve at the same moment.
    const clicks = await Promise.all(
      [users.bob, users.carol].map((userId) =>
        r.slack.driver.blockAction({ userId, channelId: channels.prd, messageTs: card.ts, actionId: APPROVE }),
      ),
    );
    expect(clicks.map((c) => c.status)).toEqual([200, 200]);
    const landed = r.proxy.routed.map((x) => x.upstream);
    expect(landed.slice(0, 3).sort()).toEqual(['A', 'B', 'C']);
    expect(landed[0]).toBe('A'); // the command
    expect(landed.slice(1, 3).sort()).toEqual(['B', 'C']); // one click each

    await r.slack.driver.waitForUpdate(channels.prd, card.ts, (m) => OPERATION_ENDED.test(m.text), 60_000);
    await sleep(3000); // a second sender or poster, were there one, would act within a few tracker passes
    const op = await operationOf(r, card);
    expect(op.status).toMatch(/succeeded|failed/);
    expect(op.commands.length).toBeGreaterThan(0);
    expect(sendsOf(r)).toBe(op.commands.length);
    const approvals = (await r.store.audit.list({ limit: 50 })).filter((e) => e.action === 'operation.approved');
    expect(approvals).toHaveLength(1);
    postedOnce(r, card);
  }, 120_000);

  it('the leader SIGKILLed mid-install: another replica leads within 15 s, and the install ends, sent once, posted once', async () => {
    // PRD is patched by now: a new critical patch gives the install something to do, each instance takes 2.5 s (three waves at 25%).
    r.sim.releasePatch({
      title: 'ALAS2-2026-8888',
      classification: 'Security',
      severity: 'Critical',
      releasedDaysAgo: 40,
      group: 'PRD',
      rescan: true,
    });
    r.sim.configure({ timing: { pendingMs: 200, runMs: 2500 } });
    const sentBefore = sendsOf(r);
    const card = await requestInstall(r);
    await r.slack.driver.blockAction({
      userId: users.bob,
      channelId: channels.prd,
      messageTs: card.ts,
      actionId: APPROVE,
    });
    await r.slack.driver.waitFor(() => sendsOf(r) > sentBefore, 20_000, 'the install sent');
    // Mid-install: AWS has the command and the leader has recorded it; the instances are still running it.
    await r.slack.driver.waitFor(async () => (await operationOf(r, card)).status === 'running', 10_000, 'running');

    const old = await r.leader();
    const killedAt = Date.now();
    await old.kill();
    const next = await r.leader(15_000);
    const takeoverMs = Date.now() - killedAt;
    expect(next.name).not.toBe(old.name);
    expect(takeoverMs).toBeLessThan(15_000);
    process.stdout.write(`replicas: ${old.name} killed, ${next.name} leads after ${takeoverMs} ms\n`);

    await r.slack.driver.waitForUpdate(channels.prd, card.ts, (m) => OPERATION_ENDED.test(m.text), 60_000);
    await sleep(3000);
    const op = await operationOf(r, card);
    expect(op.status).toMatch(/succeeded|failed/);
    expect(sendsOf(r) - sentBefore).toBe(op.commands.length);
    postedOnce(r, card);
    // The balancer skipped the dead replica: nothing Slack sent since was lost.
    expect(r.proxy.routed.filter((x) => x.status !== 200)).toEqual([]);
  }, 120_000);
});

describe('three replicas for a whole poll cycle [postgres]', () => {
  let r: Replicas;
  beforeAll(async () => {
    // Every job every minute; the first looks are behind them (history, not news).
    r = await startReplicas({ count: 3, schedules: 'every-minute', primed: true });
  }, 90_000);
  afterAll(async () => r?.close());

  /** Top-level messages of `channel` whose text (or blocks) match. */
  const posts = (channel: string, what: RegExp) =>
    r.slack.messages(channel).filter((m) => isTop(m) && what.test(`${m.text}\n${JSON.stringify(m.blocks)}`));
  const DIGEST = /Daily patch digest/;
  const WINDOW = /patch-prd/;
  const DIFF = /PRD compliance changed/;
  const toNextMinute = () => 60_000 - (Date.now() % 60_000);

  it('each window result, compliance diff and digest is posted once, by the leader', async () => {
    const roles = await r.roles();
    expect(Object.values(roles).sort()).toEqual(['follower', 'follower', 'leader']);
    // One minute boundary (one cron firing) inside what is watched: start well clear of one.
    if (toNextMinute() < 10_000) await sleep(toNextMinute() + 15_000);
    const boundary = Date.now() + toNextMinute();
    // Digests are counted from the boundary on: on a loaded machine the previous firing's digest
    // may still be posting (one channel after the other) when `before` is taken.
    const sinceBoundary = (m: SlackMessage) => Number(m.ts) * 1000 >= boundary;
    const count = () => ({
      stgDigests: posts(channels.stg, DIGEST).filter(sinceBoundary).length,
      prdDigests: posts(channels.prd, DIGEST).filter(sinceBoundary).length,
      windowResults: posts(channels.prd, WINDOW).filter((m) => !DIGEST.test(m.text)).length,
      diffs: posts(channels.prd, DIFF).length,
    });
    const before = count();
    const executed = await fetch(`${r.sim.url}/_sandbox/windows/patch-prd/execute`, { method: 'POST' });
    expect(executed.status).toBe(200);
    r.sim.releasePatch({
      title: 'ALAS2-2026-9999',
      classification: 'Security',
      severity: 'Critical',
      releasedDaysAgo: 40,
      group: 'PRD',
      rescan: true,
    });

    const once = { stgDigests: 1, prdDigests: 1, windowResults: 1, diffs: 1 };
    const grown = () => {
      const now = count();
      return Object.fromEntries(Object.entries(now).map(([k, v]) => [k, v - before[k as keyof typeof before]]));
    };
    await r.slack.driver.waitFor(
      () => Object.values(grown()).every((n) => n >= 1),
      toNextMinute() + 30_000,
      'the cycle: a digest in each channel, the window result and the compliance diff',
    );
    await sleep(5000); // a second poster, were there one, would have posted by now
    expect(Date.now()).toBeLessThan(boundary + 60_000); // still one firing inside what was watched
    expect(grown()).toEqual(once);
  }, 180_000);
});
