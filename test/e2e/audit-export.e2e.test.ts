/**
 * The audit CSV holds an install's whole life: a real install on PRD (two approvers needed) driven
 * through the real Bolt app, signed requests and the simulator, then `/patch audit PRD` run on the
 * bot's store and its file read back as CSV; then the same command typed in Slack, whose file must
 * arrive in the requester's DM with the bot (not in the channel) and read back as the same rows.
 */
import { dispatch } from '../../commands/dispatch';
import type { CommandServices, Reply } from '../../commands/command';
import { systemClock } from '../../src/clock';
import { silentLogger } from '../../src/logger';
import { exportAudit } from '../../src/patching/audit-export';
import { webApi } from '@slack/bolt';
import { SlackNameDirectory } from '../../src/slack/directory';
import { verifyAuditChain } from '../../src/store';
import { GROUPS, sandboxFleet } from '../support/aws';
import { demoConfig, OPERATION_ENDED, startHarness, type Harness } from '../support/bot';
import { csvRecords } from '../support/csv';
import { approve, channels, requestCard, users } from './approval-helpers';

/** The bot's DM with a person, as the stand-in (and Slack) names it for conversations.open. */
const dmOf = (userId: string) => `D${userId.slice(1)}`;

/** The messages in `channel` that carry a file. */
const fileMessages = (h: Harness, channel: string) => h.slack.messages(channel).filter((m) => m.files?.length);

/** What a file message carries, fetched from the stand-in as Slack's url_private: its type and text. */
async function fetchFile(file: Record<string, unknown>): Promise<{ contentType: string | null; text: string }> {
  const url = file.url_private;
  if (typeof url !== 'string') throw new Error('the file has no url_private');
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return { contentType: res.headers.get('content-type'), text: await res.text() };
}

/** `/patch audit <words>` as `userId`, answered by the command on the running bot's store. */
async function audit(h: Harness, userId: string, words: string): Promise<Reply> {
  return dispatch(
    {
      userId,
      channelId: channels.prd,
      config: h.config,
      // The directory the bot uses, asking the stand-in's users.info for names.
      names: new SlackNameDirectory(
        new webApi.WebClient('xoxb-e2e', { slackApiUrl: h.slack.apiUrl }),
        systemClock,
        silentLogger(),
      ),
      services: {
        now: () => systemClock.now(),
        auditExport: (input) => exportAudit({ store: h.bot.store, clock: systemClock }, input),
      } as Partial<CommandServices> as CommandServices,
      authorizer: { isAnyOf: async (user, principals) => principals.includes(user) },
      logger: silentLogger(),
    },
    words,
    'req-audit',
  );
}

/** The PRD instances the agent reaches and the patches SSM says they miss, before the install changes that. */
async function fleetBefore(h: Harness): Promise<{ online: string[]; missing: Set<string> }> {
  const fleet = sandboxFleet(h.sim.url);
  try {
    const gw = fleet.gateways[0]!;
    const online = (await gw.listManagedInstances(GROUPS.PRD)).filter((i) => i.pingStatus === 'Online');
    const ids = online.map((i) => i.instanceId).sort();
    const missing = await gw.listInstancePatches(ids, ['Missing']);
    return { online: ids, missing: new Set([...missing.values()].flat().map((p) => p.kbId)) };
  } finally {
    fleet.close();
  }
}

describe('/patch audit after an install on PRD', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: demoConfig((t) => t.replace('minApprovals: 1', 'minApprovals: 2')) });
  });
  afterAll(async () => h.close());

  it('lists its request, both approvals, the approval, the send and the outcome with who, when, targets and patches', async () => {
    const before = await fleetBefore(h);
    const started = new Date();
    const card = await requestCard(h, 'install PRD', /Install .*PRD.*waiting for approval/);
    await approve(h, card.ts, users.bob);
    await approve(h, card.ts, users.carol);
    const done = await h.slack.driver.waitForUpdate(channels.prd, card.ts, (m) => OPERATION_ENDED.test(m.text), 20000);
    // The card shows the end as soon as it is published; the final status and its audit entry follow.
    const finishedEntry = await h.slack.driver.waitFor(
      async () => (await h.bot.store.audit.list({ limit: 1 })).find((e) => e.action === 'operation.finished'),
      10000,
      'the operation.finished entry',
    );
    const ended = new Date();

    const reply = await audit(h, users.bob, 'audit PRD 1d');
    if (reply.kind !== 'file') throw new Error(`expected a file, got ${JSON.stringify(reply)}`);
    expect(reply.to).toBe('requester');
    const rows = csvRecords(new TextDecoder().decode(reply.file.bytes));
    const [op] = await h.bot.store.operations.listRecent({ limit: 1 });
    expect(rows.every((r) => r.operation_id === op!.id && r.group === 'PRD' && r.kind === 'install')).toBe(true);

    // The life in order, each event by whom it was done.
    const life = rows.filter((r) => r.event !== 'checked').map((r) => [r.event, r.user_id, r.user_name]);
    expect(life.slice(0, 3)).toEqual([
      ['requested', users.alice, 'Alice Requester'],
      ['approval_recorded', users.bob, 'Bob Approver'],
      ['approval_recorded', users.carol, 'Carol Lead'],
    ]);
    expect(life.slice(3)).toEqual([
      ['approved', users.carol, 'Carol Lead'],
      ['sent', 'patchbot', 'patchbot'],
      ['finished', 'patchbot', 'patchbot'],
    ]);
    const finished = rows.find((r) => r.event === 'finished')!;
    expect(finished.outcome).toBe(finishedEntry.detail?.status);
    expect(done.text).toContain(
      finished.outcome === 'finished_with_problems' ? 'finished with problems' : finished.outcome,
    );
    expect(JSON.parse(rows.find((r) => r.event === 'approved')!.detail!).approvers).toEqual([users.bob, users.carol]);

    // When: ISO UTC, in order, within the test's run.
    const times = rows.map((r) => r.time!);
    for (const t of times) expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect([...times].sort()).toEqual(times);
    expect(Date.parse(times[0]!)).toBeGreaterThanOrEqual(started.getTime() - 1000);
    expect(Date.parse(times.at(-1)!)).toBeLessThanOrEqual(ended.getTime() + 1000);

    // What: the targets are the PRD instances the agent reaches, the patches those SSM said they missed.
    const targets = rows[0]!.targets!.split(' ');
    expect([...targets].sort()).toEqual(before.online);
    for (const r of rows) expect([r.targets, r.patches]).toEqual([rows[0]!.targets, rows[0]!.patches]);
    const patches = rows[0]!.patches!.split(' ').filter(Boolean);
    expect(patches.length).toBeGreaterThan(0);
    expect(new Set(patches)).toEqual(before.missing);

    // A non-operator gets no file; the log the file came from still verifies.
    expect(await audit(h, users.mallory, 'audit PRD')).toMatchObject({ message: { view: 'forbidden' } });
    expect(await verifyAuditChain(h.bot.store.kysely, h.bot.store.path)).toMatchObject({ checked: rows.length });
  });

  // After the install above: the same log, asked for in Slack.
  it("typed in Slack, arrives as a CSV in the requester's DM with the bot, not in the channel, and is acknowledged", async () => {
    const [op] = await h.bot.store.operations.listRecent({ limit: 1 });
    expect(op).toBeDefined();
    const channelFilesBefore = fileMessages(h, channels.prd).length;
    const toldBefore = h.slack.ephemerals(channels.prd, users.bob).length;
    await h.slack.driver.slashCommand({ userId: users.bob, channelId: channels.prd, text: 'audit PRD 7d' });
    const [message] = await h.slack.driver.waitFor(
      () => {
        const shared = fileMessages(h, dmOf(users.bob));
        return shared.length > 0 ? shared : undefined;
      },
      15_000,
      "the CSV in bob's DM",
    );
    await h.bot.idle();

    // One file, in bob's DM only: not in the channel, not in anyone else's DM.
    expect(fileMessages(h, dmOf(users.bob))).toHaveLength(1);
    expect(fileMessages(h, channels.prd)).toHaveLength(channelFilesBefore);
    expect(fileMessages(h, dmOf(users.alice))).toHaveLength(0);
    const file = message!.files![0]!;
    const today = new Date().toISOString().slice(0, 10);
    const weekAgo = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
    expect(file).toMatchObject({ mimetype: 'text/csv', filetype: 'csv' });
    expect(String(file.name)).toBe(`patchbot-audit-prd-${weekAgo}-to-${today}.csv`);
    expect(String(file.title)).toMatch(
      /^patchbot audit log, PRD, \d{4}-\d\d-\d\dT[\d:.]+Z to \d{4}-\d\d-\d\dT[\d:.]+Z$/,
    );
    expect(message!.text).toMatch(/^The audit log of PRD from \S+Z to \S+Z: \d+ entries\.$/);

    // Its bytes are the install's life, one row per audit entry, as the comment counts them.
    const fetched = await fetchFile(file);
    expect(fetched.contentType).toBe('text/csv');
    const rows = csvRecords(fetched.text);
    expect(message!.text).toContain(`: ${rows.length} entries.`);
    expect(rows.every((r) => r.operation_id === op!.id && r.group === 'PRD' && r.kind === 'install')).toBe(true);
    expect(rows.filter((r) => r.event !== 'checked').map((r) => [r.event, r.user_id])).toEqual([
      ['requested', users.alice],
      ['approval_recorded', users.bob],
      ['approval_recorded', users.carol],
      ['approved', users.carol],
      ['sent', 'patchbot'],
      ['finished', 'patchbot'],
    ]);

    // Bob is told, privately in the channel, where the file went.
    const told = h.slack
      .ephemerals(channels.prd, users.bob)
      .slice(toldBefore)
      .map((e) => e.text);
    expect(told).toEqual([expect.stringMatching(/sent .*patchbot-audit-prd-.*\.csv.* direct messages/i)]);
  });

  it('typed in Slack by someone who neither operates nor approves PRD, is refused and shares no file', async () => {
    const filesBefore = h.slack.calls('files.completeUploadExternal').length;
    await h.slack.driver.slashCommand({ userId: users.mallory, channelId: channels.prd, text: 'audit PRD 7d' });
    const refusal = await h.slack.driver.waitForEphemeral(
      users.mallory,
      /not an operator or approver of PRD/,
      10_000,
      channels.prd,
    );
    await h.bot.idle();
    expect(refusal.text).toMatch(/cannot export its audit log/);
    expect(h.slack.calls('files.completeUploadExternal')).toHaveLength(filesBefore);
    expect(h.slack.calls('files.getUploadURLExternal').length).toBe(
      h.slack.calls('files.completeUploadExternal').length,
    );
    expect(fileMessages(h, dmOf(users.mallory))).toHaveLength(0);
  });
});
