/**
 * Failures explained where they happened (issue 17, part 4), through the real Bolt app and the real
 * SDK against the simulator: a failed instance's exit code and the last lines of its output (as the
 * simulator's GetCommandInvocation returns them, read here with the SDK) appear in the result thread
 * with a link to the full output under install.outputS3; Retry failed plans a new change for exactly
 * the failed instances under PRD's approval rules, once, and only for an operator; what the
 * simulator received is read from its change journal.
 */
import { GetCommandInvocationCommand, ListCommandInvocationsCommand, SSMClient } from '@aws-sdk/client-ssm';
import { readPlan } from '../../src/patching/records';
import { OPERATION_TAG_KEY } from '../../src/patching/send-set';
import { escapeText } from '../../src/slack/mrkdwn';
import { GROUPS, SANDBOX_CREDENTIALS, sandboxFleet } from '../support/aws';
import { DEMO_IDS, OPERATION_ENDED, demoConfig, readable, settled, startHarness, type Harness } from '../support/bot';

const { users, channels } = DEMO_IDS;
const RETRY = 'patchbot.retry_failed';
const BUCKET = 'patchbot-output';
const PREFIX = 'runs/prd';

/** The demo config with PRD's command output going to S3. */
const withOutputS3 = () =>
  demoConfig((text) =>
    text.replace(
      '      maxErrors: "1"\n',
      `      maxErrors: "1"\n      outputS3:\n        bucket: ${BUCKET}\n        prefix: ${PREFIX}/\n`,
    ),
  );

/** Posts `/patch install PRD` as alice and returns the approval card and its operation. */
async function requestInstall(h: Harness) {
  const seen = new Set(h.slack.messages(channels.prd).map((m) => m.ts));
  await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text: 'install PRD' });
  const card = await h.slack.driver.waitForMessage(
    channels.prd,
    (m) => !seen.has(m.ts) && /waiting for approval/.test(m.text),
    15000,
  );
  const op = await h.slack.driver.waitFor(
    async () => (await h.bot.store.operations.listRecent({ limit: 20 })).find((o) => o.messageTs === card.ts),
    5000,
    'the card’s operation',
  );
  return { card, op };
}

/** What the simulator's GetCommandInvocation says about one instance, asked with the SDK. */
async function invocation(h: Harness, commandId: string, instanceId: string) {
  const ssm = new SSMClient({ endpoint: h.sim.url, region: 'us-east-1', credentials: SANDBOX_CREDENTIALS });
  try {
    return await ssm.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId, PluginName: 'PatchLinux' }),
    );
  } finally {
    ssm.destroy();
  }
}

/** Every text in the thread under `ts`. */
const threadText = (h: Harness, ts: string) =>
  h.slack
    .messages(channels.prd)
    .filter((m) => m.thread_ts === ts && m.ts !== ts)
    .map(readable)
    .join('\n');

describe('failures explained in the thread, and Retry failed', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: withOutputS3() });
  });
  afterAll(async () => h.close());

  it('shows each failed instance’s exit code and last output lines, links the output, and retries exactly the failed ones once', async () => {
    const { card, op } = await requestInstall(h);
    const targets = readPlan(op)!.targets;
    expect(targets.length).toBeGreaterThanOrEqual(3);
    // Two targets fail their next command: one that misses patches (so the retry has something to install) and another.
    const fleet = sandboxFleet(h.sim.url);
    const states = await fleet.gateways[0]!.getPatchStates(targets.map((t) => t.instanceId)).finally(() =>
      fleet.close(),
    );
    const missing = new Set(states.filter((s) => s.missingCount > 0).map((s) => s.instanceId));
    const first = targets.find((t) => missing.has(t.instanceId));
    const second = targets.find((t) => t !== first);
    expect(first && second).toBeTruthy();
    const failing = [first!, second!];
    for (const t of failing) h.sim.setInstance(t.instanceId, { failNext: true });

    await h.slack.driver.blockAction({
      userId: users.bob,
      channelId: channels.prd,
      messageTs: card.ts,
      actionId: 'patchbot.approve',
    });
    const done = await h.slack.driver.waitForUpdate(channels.prd, card.ts, (m) => OPERATION_ENDED.test(m.text), 30000);
    expect(done.text).toMatch(/Install of PRD failed/);
    expect(readable(done)).toContain('Retry failed (2)');

    const send = h.sim.changes('SendCommand')[0]!.detail;
    const commandId = send['commandId'] as string;
    // The thread: a summary by reason, then each failed instance with its output.
    await h.slack.driver.waitFor(
      () =>
        /2 instances failed in the install of PRD/.test(threadText(h, card.ts)) &&
        /2 of 2/.test(threadText(h, card.ts)),
      20000,
      'the failure detail in the thread',
    );
    const thread = threadText(h, card.ts);
    for (const t of failing) {
      const answer = await invocation(h, commandId, t.instanceId);
      expect(answer.Status).toBe('Failed');
      const lines = (answer.StandardOutputContent ?? '').trim().split('\n');
      expect(lines.length).toBeGreaterThan(0);
      // The last line SSM kept, escaped as the thread shows it, and the exit code SSM reports.
      expect(thread).toContain(escapeText(lines[lines.length - 1]!));
      expect(thread).toContain(`exit code ${answer.ResponseCode}`);
      expect(thread).toContain(t.instanceId);
      // The link is the StandardOutputUrl SSM answers for the invocation (the object under install.outputS3).
      expect(answer.StandardOutputUrl).toContain(`/${BUCKET}/${PREFIX}/${commandId}/${t.instanceId}/`);
      expect(thread).toContain(`<${answer.StandardOutputUrl}|Full output in S3>`);
    }
    // Instances that succeeded are not explained as failures.
    for (const t of targets.filter((x) => !failing.includes(x)))
      expect(thread).not.toContain(`\`${t.instanceId}\` — Failed`);

    // Mallory is no operator of PRD: refused, nothing planned.
    const before = (await h.bot.store.operations.listRecent({ limit: 50 })).length;
    await h.slack.driver.blockAction({
      userId: users.mallory,
      channelId: channels.prd,
      messageTs: card.ts,
      actionId: RETRY,
    });
    await settled(h.bot);
    expect(JSON.stringify(h.slack.responses().at(-1))).toMatch(/Only operators of PRD/);
    expect(await h.bot.store.operations.listRecent({ limit: 50 })).toHaveLength(before);

    // Alice retries: a new approval card for exactly the failed instances.
    const seen = new Set(h.slack.messages(channels.prd).map((m) => m.ts));
    await h.slack.driver.blockAction({
      userId: users.alice,
      channelId: channels.prd,
      messageTs: card.ts,
      actionId: RETRY,
    });
    const retryCard = await h.slack.driver
      .waitForMessage(channels.prd, (m) => !seen.has(m.ts) && /waiting for approval/.test(m.text), 15000)
      .catch((err: unknown) => {
        throw new Error(`${String(err)}; last answer: ${JSON.stringify(h.slack.responses().at(-1))}`);
      });
    expect(readable(retryCard)).toContain(`Retry of the failed instances of \`${op.id}\``);
    const retry = await h.slack.driver.waitFor(
      async () => (await h.bot.store.operations.listRecent({ limit: 20 })).find((o) => o.messageTs === retryCard.ts),
      5000,
      'the retry’s operation',
    );
    const failedIds = failing.map((t) => t.instanceId).sort();
    expect(
      readPlan(retry)!
        .targets.map((t) => t.instanceId)
        .sort(),
    ).toEqual(failedIds);

    // A second click plans nothing more.
    await h.slack.driver.blockAction({
      userId: users.alice,
      channelId: channels.prd,
      messageTs: card.ts,
      actionId: RETRY,
    });
    await settled(h.bot);
    expect(JSON.stringify(h.slack.responses().at(-1))).toMatch(new RegExp(`already retried as ${retry.id}`));
    expect(await h.bot.store.operations.listRecent({ limit: 50 })).toHaveLength(before + 1);

    // Approved (four-eyes: bob, not alice), it is sent to exactly the failed instances.
    await h.slack.driver.blockAction({
      userId: users.bob,
      channelId: channels.prd,
      messageTs: retryCard.ts,
      actionId: 'patchbot.approve',
    });
    const retried = await h.slack.driver.waitForUpdate(
      channels.prd,
      retryCard.ts,
      (m) => OPERATION_ENDED.test(m.text),
      30000,
    );
    expect(retried.text).toMatch(/Install of PRD succeeded/);
    const sends = h.sim.changes('SendCommand');
    expect(sends).toHaveLength(2);
    expect(sends[1]!.detail['targets']).toEqual([{ Key: `tag:${OPERATION_TAG_KEY}`, Values: [retry.id] }]);
    expect([...(sends[1]!.detail['resolved'] as string[])].sort()).toEqual(failedIds);
  });
});

describe('a maintenance window’s failed instances', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  it('are explained in the window result’s thread with their exit code and the end of their output', async () => {
    await h.bot.runJob('window-poll'); // first look: what already ran is history
    const fleet = sandboxFleet(h.sim.url);
    const prd = await fleet.gateways[0]!.listManagedInstances(GROUPS.PRD).finally(() => fleet.close());
    const failing = prd.find((i) => i.pingStatus === 'Online')!;
    const unreachable = prd.find((i) => i.pingStatus !== 'Online' && i.ec2State === 'running');
    h.sim.setInstance(failing.instanceId, { failNext: true });
    const before = new Set(h.slack.messages(channels.prd).map((m) => m.ts));
    h.sim.executeWindow('patch-prd');
    const posted = await h.slack.driver.waitFor(
      async () => {
        await h.bot.runJob('window-poll');
        return h.slack.messages(channels.prd).find((m) => !before.has(m.ts) && /patch-prd/.test(m.text));
      },
      20000,
      'the window result',
    );
    await settled(h.bot);
    const thread = threadText(h, posted.ts);
    // What the simulator's GetCommandInvocation says about the failed instance, asked here with the SDK.
    const ssm = new SSMClient({ endpoint: h.sim.url, region: 'us-east-1', credentials: SANDBOX_CREDENTIALS });
    try {
      const listed = await ssm.send(new ListCommandInvocationsCommand({ InstanceId: failing.instanceId }));
      const commandId = listed.CommandInvocations![0]!.CommandId!;
      const answer = await ssm.send(
        new GetCommandInvocationCommand({
          CommandId: commandId,
          InstanceId: failing.instanceId,
          PluginName: 'PatchLinux',
        }),
      );
      expect(answer.Status).toBe('Failed');
      const lines = (answer.StandardOutputContent ?? '').trim().split('\n');
      expect(thread).toContain('instance failed in window patch-prd');
      expect(thread).toContain(escapeText(lines[lines.length - 1]!));
      expect(thread).toContain(`exit code ${answer.ResponseCode}`);
      expect(thread).toContain(failing.instanceId);
    } finally {
      ssm.destroy();
    }
    // An instance SSM never reached has no output to show: it is listed on the result, not explained.
    if (unreachable) {
      expect(readable(posted)).toContain(unreachable.instanceId);
      expect(thread).not.toContain(`\`${unreachable.instanceId}\` — Failed`);
    }
  });
});
