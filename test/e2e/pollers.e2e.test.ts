/**
 * The scheduled jobs through the real bot, SDK and Slack stand-in: news is posted once, never
 * twice, and a channel the bot cannot post in does not stop the others.
 */
import { GROUPS, sandboxFleet } from '../support/aws';
import { DEMO_IDS, demoConfig, readable, startHarness, type Harness } from '../support/bot';

const { users, channels } = DEMO_IDS;

/** Messages the bot posted at the top level of a channel (thread replies left out). */
const topLevel = (h: Harness, channel: string) =>
  h.slack.messages(channel).filter((m) => (m.thread_ts ?? m.ts) === m.ts);

describe('pollers', () => {
  let h: Harness;
  beforeAll(async () => {
    // WIN's channel is one the bot was never invited to.
    h = await startHarness({
      config: demoConfig((t) => t.replace(/(WIN:\n\s+channel:) C0PRDPATCH/, `$1 ${channels.ops}`)),
    });
  });
  afterAll(() => h.close());

  it('posts a maintenance-window execution once: not again on the next poll, nor after a restart', async () => {
    await h.bot.runJob('window-poll'); // first look: what already ran is history, not news
    const before = topLevel(h, channels.prd).length;
    const res = await fetch(`${h.sim.url}/_sandbox/windows/patch-prd/execute`, { method: 'POST' });
    expect(res.status).toBe(200);
    await h.slack.driver.waitFor(
      async () => {
        await h.bot.runJob('window-poll');
        return topLevel(h, channels.prd).length > before;
      },
      15000,
      'the window result',
    );
    const posted = topLevel(h, channels.prd).slice(before);
    expect(posted).toHaveLength(1);
    expect(readable(posted[0]!)).toContain('patch-prd');
    // Its failed instances (the seeded fleet's unreachable PRD one) by Name tag and id, not by host name; it patched PRD.
    const text = readable(posted[0]!);
    const fleet = sandboxFleet(h.sim.url);
    const prd = await fleet.gateways[0]!.listManagedInstances(GROUPS.PRD).finally(() => fleet.close());
    const failedNames = prd.filter((i) => text.includes(i.instanceId)).map((i) => i.name);
    expect(failedNames.length).toBeGreaterThan(0);
    for (const name of failedNames) expect(text).toContain(`*${name}*`);
    expect(text).not.toMatch(/ip-\d+-\d+-\d+-\d+|ec2\.internal/);
    expect(text).toContain('Patched *PRD*');

    await h.bot.runJob('window-poll');
    await h.bot.stop();
    await h.restart();
    await h.bot.runJob('window-poll');
    expect(topLevel(h, channels.prd).length).toBe(before + 1);
  });

  it('posts one diff naming the two PRD instances that got a new critical patch, and nothing when nothing changed', async () => {
    await h.bot.runJob('compliance-poll'); // the first poll records and says nothing
    const before = topLevel(h, channels.prd).length;
    await h.bot.runJob('compliance-poll');
    expect(topLevel(h, channels.prd).length).toBe(before);

    const fleet = sandboxFleet(h.sim.url);
    const online = (await fleet.gateways[0]!.listManagedInstances(GROUPS.PRD)).filter((i) => i.pingStatus === 'Online');
    fleet.close();
    const two = online.slice(0, 2).map((i) => i.instanceId);
    const others = online.slice(2).map((i) => i.instanceId);
    h.sim.releasePatch({
      title: 'ALAS2-2026-7777',
      classification: 'Security',
      severity: 'Critical',
      releasedDaysAgo: 40,
      instanceIds: two,
      rescan: true,
    });
    await h.bot.runJob('compliance-poll');
    const diffs = topLevel(h, channels.prd).slice(before);
    expect(diffs).toHaveLength(1);
    const text = readable(diffs[0]!);
    expect(text).toContain('PRD compliance changed');
    expect(text).toContain('ALAS2-2026-7777');
    for (const id of two) expect(text).toContain(id);
    for (const id of others) expect(text).not.toContain(id);

    await h.bot.runJob('compliance-poll');
    expect(topLevel(h, channels.prd).length).toBe(before + 1);
  });

  it('posts the digest to every channel it can, even when one channel refuses', async () => {
    const before = topLevel(h, channels.prd).length;
    await h.bot.runJob('digest');
    const digest = topLevel(h, channels.prd).slice(before);
    // The digest, then its chart: the polls above recorded today's compliance history.
    expect(digest).toHaveLength(2);
    expect(readable(digest[0]!)).toContain('Daily patch digest');
    expect(readable(digest[0]!)).toContain('PRD');
    expect(digest[1]!.files?.map((f) => f.mimetype)).toEqual(['image/png']);
    expect(h.slack.messages(channels.ops)).toHaveLength(0);
  });

  it('/patch digest posts it on demand, and says so when the bot is not in the channel', async () => {
    const before = topLevel(h, channels.prd).length;
    await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text: 'digest' });
    await h.slack.driver.waitFor(() => topLevel(h, channels.prd).length > before, 10000, 'the digest');
    // Matched by its own response_url: the first command's "posted" note may still be on its way.
    const sent = await h.slack.driver.slashCommand({
      userId: users.alice,
      channelId: channels.prd,
      text: `digest <#${channels.ops}|ops>`,
    });
    const answer = await h.slack.driver.waitForResponse((x) => x.url === sent.responseUrl, 10000);
    expect(JSON.stringify(answer.body)).toMatch(
      /not a member of <#C0OPSCHAN1> \(not_in_channel\): invite it there with \/invite @patchbot/,
    );
  });
});
