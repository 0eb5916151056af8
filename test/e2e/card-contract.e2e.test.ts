/**
 * The card is a contract: an approved change reaches exactly the instances its card listed, through
 * the real Bolt app (signed requests and clicks) and the real SDK against the simulator. What the
 * simulator received is read from its change journal, not from patchbot's own records.
 */
import { SSMClient, UpdatePatchBaselineCommand } from '@aws-sdk/client-ssm';
import { readPlan } from '../../src/patching/records';
import { OPERATION_TAG_KEY } from '../../src/patching/send-set';
import type { Operation } from '../../src/store';
import { GROUPS, SANDBOX_CREDENTIALS, sandboxFleet } from '../support/aws';
import { DEMO_IDS, OPERATION_ENDED, readable, startHarness, type Harness } from '../support/bot';

const { users, channels } = DEMO_IDS;
const APPROVE = 'patchbot.approve';

/** Posts `/patch <text>` as alice in #prd and returns the card it produced, with its operation. */
async function requestCard(h: Harness, text: string): Promise<{ ts: string; op: Operation; text: string }> {
  const seen = new Set(h.slack.messages(channels.prd).map((m) => m.ts));
  await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text });
  const card = await h.slack.driver.waitForMessage(
    channels.prd,
    (m) => !seen.has(m.ts) && /waiting for approval/.test(m.text),
    15000,
  );
  // The tracker stores the card's ts right after Slack answers the post.
  const op = await h.slack.driver.waitFor(
    async () => (await h.bot.store.operations.listRecent({ limit: 20 })).find((o) => o.messageTs === card.ts),
    5000,
    'the card’s operation',
  );
  const thread = h.slack.messages(channels.prd).filter((m) => m.thread_ts === card.ts);
  return { ts: card.ts, op, text: readable(card) + JSON.stringify(thread) };
}

async function approveAndWait(h: Harness, ts: string, until: RegExp = OPERATION_ENDED) {
  await h.slack.driver.blockAction({ userId: users.bob, channelId: channels.prd, messageTs: ts, actionId: APPROVE });
  return h.slack.driver.waitForUpdate(channels.prd, ts, (m) => until.test(m.text), 30000);
}

/** Sets PRD's baseline description, which moves its ModifiedDate as UpdatePatchBaseline does on AWS. */
async function editPrdBaseline(h: Harness): Promise<void> {
  const fleet = sandboxFleet(h.sim.url);
  const baseline = await fleet.gateways[0]!.getBaseline(GROUPS.PRD);
  fleet.close();
  const ssm = new SSMClient({ endpoint: h.sim.url, region: 'us-east-1', credentials: SANDBOX_CREDENTIALS });
  try {
    await ssm.send(
      new UpdatePatchBaselineCommand({
        BaselineId: baseline.baselineId,
        Description: 'approve Medium too, from now on',
      }),
    );
  } finally {
    ssm.destroy();
  }
}

/** Instance ids by Name tag in the default partition. */
async function idsByName(h: Harness): Promise<Map<string, string>> {
  const fleet = sandboxFleet(h.sim.url);
  try {
    const all = [
      ...(await fleet.gateways[0]!.listManagedInstances(GROUPS.PRD)),
      ...(await fleet.gateways[0]!.listManagedInstances(GROUPS.STG)),
    ];
    return new Map(all.map((i) => [i.name ?? i.instanceId, i.instanceId]));
  } finally {
    fleet.close();
  }
}

describe('the approved card is exactly what runs', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.close());

  it('sends to exactly the card’s targets: not the excluded one brought online, not a new instance tagged PRD after the card', async () => {
    const card = await requestCard(h, 'install PRD');
    const plan = readPlan(card.op)!;
    const targetIds = plan.targets.map((t) => t.instanceId).sort();
    expect(targetIds.length).toBeGreaterThan(0);
    for (const t of plan.targets) expect(card.text).toContain(t.name!);
    expect(plan.excluded.map((e) => e.name)).toContain('prd-app-3');
    // prd-db-2 carries PatchGroup=PRD: SSM counts it in PRD, the card says this change does not reach it.
    expect(card.text).toContain('1 instance is tagged PatchGroup=PRD and is not part of this group');
    expect(plan.targets.map((t) => t.name)).not.toContain('prd-db-2');

    // Between card and approval: the excluded instance comes back, and an STG instance is retagged PRD.
    const ids = await idsByName(h);
    h.sim.setInstance(ids.get('prd-app-3')!, { pingStatus: 'Online' });
    h.sim.setInstance(ids.get('stg-web-1')!, { tags: { 'Patch Group': 'PRD' } });

    const done = await approveAndWait(h, card.ts);
    const sends = h.sim.changes('SendCommand');
    expect(sends).toHaveLength(1);
    const send = sends[0]!.detail;
    expect(send['targets']).toEqual([{ Key: `tag:${OPERATION_TAG_KEY}`, Values: [card.op.id] }]);
    expect(send['comment']).toBe(`patchbot ${card.op.id}`);
    expect([...(send['resolved'] as string[])].sort()).toEqual(targetIds);
    const tagged = h.sim.changes('CreateTags').flatMap((c) => c.detail['resourceIds'] as string[]);
    expect([...tagged].sort()).toEqual(targetIds);
    expect(targetIds).not.toContain(ids.get('prd-app-3'));
    expect(targetIds).not.toContain(ids.get('stg-web-1'));

    // The result names what was left out on purpose, and the marker tag is gone again.
    const text = readable(done);
    expect(text).toMatch(/Not included \(2\)/);
    expect(text).toContain('prd-app-3');
    expect(text).toContain('stg-web-1');
    expect(text).toContain('joined PRD after the card was posted');
    await h.slack.driver.waitFor(
      async () => (h.sim.changes('DeleteTags').length > 0 ? true : undefined),
      10000,
      'the marker tag removed',
    );
    expect([...(h.sim.changes('DeleteTags')[0]!.detail['resourceIds'] as string[])].sort()).toEqual(targetIds);
  });

  it('a baseline edited between card and approval stops the send; the card says why and Plan again makes a new card', async () => {
    const card = await requestCard(h, 'install PRD');
    await editPrdBaseline(h);
    const stopped = await approveAndWait(h, card.ts, /not sent/);
    expect(h.sim.changes('SendCommand')).toHaveLength(0);
    expect(h.sim.changes('CreateTags')).toHaveLength(0);
    const text = readable(stopped);
    expect(text).toMatch(/Install on PRD was not sent/);
    expect(text).toMatch(/baseline .* was modified at .* after the plan was made/);
    expect(text).toContain('nothing was sent');
    expect(text).toContain('patchbot.replan');
    expect(await h.bot.store.operations.get(card.op.id)).toMatchObject({ status: 'failed', error: { code: 'DRIFT' } });

    const seen = new Set(h.slack.messages(channels.prd).map((m) => m.ts));
    await h.slack.driver.blockAction({
      userId: users.alice,
      channelId: channels.prd,
      messageTs: card.ts,
      actionId: 'patchbot.replan',
    });
    const again = await h.slack.driver.waitForMessage(
      channels.prd,
      (m) => !seen.has(m.ts) && /waiting for approval/.test(m.text),
      15000,
    );
    expect(again.ts).not.toBe(card.ts);
    // The new plan rests on the edited baseline, so approving it sends.
    await approveAndWait(h, again.ts);
    expect(h.sim.changes('SendCommand')).toHaveLength(1);
  });

  it('a target stopped after the card stops the send; one whose agent went offline is left out and reported', async () => {
    const ids = await idsByName(h);
    const first = await requestCard(h, 'install PRD');
    h.sim.setInstance(ids.get('prd-web-2')!, { state: 'stopped' });
    const stopped = await approveAndWait(h, first.ts, /not sent/);
    expect(readable(stopped)).toMatch(/prd-web-2 .* is stopped now; it was running when the card was posted/);
    expect(h.sim.changes('SendCommand')).toHaveLength(0);
    h.sim.setInstance(ids.get('prd-web-2')!, { state: 'running' });

    const second = await requestCard(h, 'install PRD');
    h.sim.setInstance(ids.get('prd-web-1')!, { pingStatus: 'ConnectionLost' });
    const done = await approveAndWait(h, second.ts);
    const send = h.sim.changes('SendCommand')[0]!.detail;
    expect(send['resolved']).not.toContain(ids.get('prd-web-1'));
    expect(readable(done)).toMatch(/Went offline before the send \(1\)/);
    expect(done.text).toMatch(/finished with problems|failed/);
  });
});

describe('a group without approval (STG)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  it('installs on exactly its plan’s targets, never the stopped stg-batch-1; a scan names stg-batch-1 as stopped', async () => {
    const seen = new Set(h.slack.messages(channels.stg).map((m) => m.ts));
    await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.stg, text: 'install STG' });
    const done = await h.slack.driver.waitForMessage(
      channels.stg,
      (m) => !seen.has(m.ts) && /Install of STG/.test(m.text) && OPERATION_ENDED.test(m.text),
      30000,
    );
    const op = (await h.bot.store.operations.listRecent({ limit: 5 })).find((o) => o.messageTs === done.ts)!;
    const targets = readPlan(op)!
      .targets.map((t) => t.instanceId)
      .sort();
    const ids = await idsByName(h);
    expect(targets).not.toContain(ids.get('stg-batch-1'));
    const send = h.sim.changes('SendCommand')[0]!.detail;
    expect([...(send['resolved'] as string[])].sort()).toEqual(targets);

    const before = new Set(h.slack.messages(channels.stg).map((m) => m.ts));
    await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.stg, text: 'scan STG' });
    const scan = await h.slack.driver.waitForMessage(
      channels.stg,
      (m) => !before.has(m.ts) && /Scan of STG/.test(m.text) && OPERATION_ENDED.test(m.text),
      30000,
    );
    expect(readable(scan)).toMatch(/stg-batch-1\* `i-[0-9a-f]+` — stopped · /);
  });
});

describe('a change of more than 50 instances', () => {
  let h: Harness;
  beforeAll(async () => {
    // 300 instances: PRD gets about 120 of them.
    h = await startHarness({ sim: { instances: 300 } });
  });
  afterAll(async () => h.close());

  it('is one command whose MaxErrors holds across the whole change, not per batch of 50 ids', async () => {
    const card = await requestCard(h, 'install PRD');
    const plan = readPlan(card.op)!;
    expect(plan.targets.length).toBeGreaterThan(100);
    // Every target would fail: with MaxErrors 1, SSM stops after the first wave (25% at a time).
    for (const t of plan.targets) h.sim.setInstance(t.instanceId, { failNext: true });
    const done = await approveAndWait(h, card.ts);

    const sends = h.sim.changes('SendCommand');
    expect(sends).toHaveLength(1);
    expect(sends[0]!.detail).toMatchObject({ maxErrors: '1', maxConcurrency: '25%' });
    expect((sends[0]!.detail['resolved'] as string[]).length).toBe(plan.targets.length);
    const fleet = sandboxFleet(h.sim.url);
    try {
      const commandId = sends[0]!.detail['commandId'] as string;
      const invocations = await fleet.gateways[0]!.listCommandInvocations(commandId);
      const wave = Math.floor((25 * plan.targets.length) / 100);
      expect(invocations.filter((i) => i.status === 'Failed')).toHaveLength(wave);
      const notRun = invocations.filter((i) => i.status === 'Cancelled' && i.statusDetails === 'Terminated');
      expect(notRun).toHaveLength(plan.targets.length - wave);
    } finally {
      fleet.close();
    }
    expect(done.text).toMatch(/Install of PRD failed/);
    expect(readable(done)).toMatch(/Not run \(\d+\)/);
  });
});
