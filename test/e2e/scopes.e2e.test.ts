/**
 * A group spread over two accounts (one by the default credentials, one by AssumeRole) and three
 * regions, through the real bot, SDK and Slack stand-in: the answers say where the instances are,
 * and when one account refuses, the others still answer and the failing scope is named with what
 * to grant: in /patch status, the digest, the compliance and window polls (once when it starts
 * failing, once when it recovers) and install/reboot, which refuse instead of claiming there is
 * nothing to do. One region of an account can fail while its other region answers.
 */
import { GROUPS, sandboxFleet } from '../support/aws';
import { RECENT_READ_MS } from '../../src/patching/recent-reads';
import { DEMO_IDS, OPERATION_ENDED, demoConfig, readable, startHarness, type Harness } from '../support/bot';

const { users, channels } = DEMO_IDS;
const MAIN = '123456789012';
const PARTNER = '210987654321';
const PARTNER_SCOPE = `    - name: partner
      roleArn: arn:aws:iam::${PARTNER}:role/patchbot
      regions: [us-east-1, eu-west-1]
`;
const DENY_PARTNER = { deny: [{ action: 'ssm:DescribeInstanceInformation', account: PARTNER }] };
const DENY_PARTNER_WEST = (action: string) => ({ deny: [{ action, account: PARTNER, region: 'eu-west-1' }] });

/** Messages the bot posted at the top level of a channel (thread replies left out). */
const topLevel = (h: Harness, channel: string) =>
  h.slack.messages(channel).filter((m) => (m.thread_ts ?? m.ts) === m.ts);

describe('a group across two accounts and three regions', () => {
  let h: Harness;
  let mainIds: string[];
  let partnerIds: string[];
  let partnerEastIds: string[];
  /** Instances tagged PatchGroup=PRD (the other spelling): status names them apart, from the scopes that answer. */
  let mainOtherIds: string[];
  let partnerEastOtherIds: string[];

  // Real time plus a jump of a minute after each test, so no test is answered from the group read
  // an earlier one left (a read is reused for a minute, RecentReads).
  let offsetMs = 0;
  const clock = { now: () => new Date(Date.now() + offsetMs) };

  beforeAll(async () => {
    h = await startHarness({
      clock,
      sim: {
        fleets: [
          { account: MAIN, region: 'us-east-1', seed: 11 },
          { account: PARTNER, region: 'us-east-1', seed: 12 },
          { account: PARTNER, region: 'eu-west-1', seed: 13 },
        ],
      },
      config: demoConfig((t) => t.replace(/( {6}regions: \[us-east-1\]\n)/, `$1${PARTNER_SCOPE}`)),
    });
    expect(h.config.aws.scopes.map((s) => s.name)).toEqual(['sandbox', 'partner']);
    const fleet = sandboxFleet(h.sim.url, h.config.aws.scopes);
    try {
      const ids = async (scope: string, region?: string) =>
        (
          await Promise.all(
            fleet.gateways
              .filter((g) => g.scope === scope && (region === undefined || g.region === region))
              .map((g) => g.listManagedInstances(GROUPS.PRD)),
          )
        )
          .flat()
          .map((i) => i.instanceId);
      const otherIds = async (scope: string, region?: string) =>
        (
          await Promise.all(
            fleet.gateways
              .filter((g) => g.scope === scope && (region === undefined || g.region === region))
              .map((g) => g.listOtherSpelling(GROUPS.PRD)),
          )
        )
          .flat()
          .map((i) => i.instanceId);
      mainOtherIds = await otherIds('sandbox');
      partnerEastOtherIds = await otherIds('partner', 'us-east-1');
      mainIds = await ids('sandbox');
      partnerIds = await ids('partner');
      partnerEastIds = await ids('partner', 'us-east-1');
    } finally {
      fleet.close();
    }
    expect(mainIds.length).toBeGreaterThan(0);
    expect(partnerIds.length).toBeGreaterThan(0);
    expect(partnerEastIds.length).toBeGreaterThan(0);
    expect(partnerEastIds.length).toBeLessThan(partnerIds.length);
  });
  afterAll(() => h.close());
  afterEach(() => {
    offsetMs += RECENT_READ_MS;
    h.sim.configure({ deny: [] });
  });

  async function command(text: string, match: RegExp): Promise<string> {
    const seen = new Set(h.slack.messages(channels.prd).map((m) => m.ts));
    await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text });
    return readable(
      await h.slack.driver.waitForMessage(channels.prd, (m) => !seen.has(m.ts) && match.test(readable(m)), 8000),
    );
  }

  async function privately(text: string, channelId: string = channels.prd): Promise<string> {
    const sent = await h.slack.driver.slashCommand({ userId: users.alice, channelId, text });
    await h.slack.driver.waitForResponse((x) => x.url === sent.responseUrl, 8000);
    return JSON.stringify(h.slack.responses().filter((x) => x.url === sent.responseUrl));
  }

  it('status says how many instances, in how many accounts and regions', async () => {
    const text = await command('status PRD public', /PRD compliance/);
    const total = mainIds.length + partnerIds.length;
    expect(text).toContain(`PRD: ${total.toLocaleString('en-US')} instances in 2 accounts, 2 regions`);
    expect(text).not.toContain('Could not read');
  });

  it('status with one account denied: the other account answers, and the failing scopes are named with the fix', async () => {
    h.sim.configure(DENY_PARTNER);
    const text = await command('status PRD public', /PRD compliance/);
    expect(text).toContain(`PRD: ${mainIds.length} instances`);
    expect(text).not.toContain('in 2 accounts');
    // The instances it lists (non-compliant, unreachable) are all the answering account's.
    const listed = new Set(text.match(/i-[0-9a-f]{17}/g) ?? []);
    expect(listed.size).toBeGreaterThan(0);
    for (const id of listed) expect([...mainIds, ...mainOtherIds]).toContain(id);
    expect(text).toContain('Could not read 2 scopes');
    expect(text).toContain('partner · us-east-1');
    expect(text).toContain('partner · eu-west-1');
    expect(text).toContain('ssm:DescribeInstanceInformation');
    expect(text).toMatch(/Grant the IAM action/);
  });

  it('status with one region of an account denied: that account’s other region answers, and only the failing region is named', async () => {
    h.sim.configure(DENY_PARTNER_WEST('ssm:DescribeInstanceInformation'));
    const text = await command('status PRD public', /PRD compliance/);
    const answering = [...mainIds, ...partnerEastIds];
    expect(text).toContain(`PRD: ${answering.length.toLocaleString('en-US')} instances in 2 accounts`);
    const listed = new Set(text.match(/i-[0-9a-f]{17}/g) ?? []);
    expect(listed.size).toBeGreaterThan(0);
    for (const id of listed) expect([...answering, ...mainOtherIds, ...partnerEastOtherIds]).toContain(id);
    expect([...listed].some((id) => partnerEastIds.includes(id))).toBe(true);
    expect(text).toContain(`• partner · us-east-1 — ${partnerEastIds.length} instances`);
    expect(text).toContain('Could not read 1 scope');
    expect(text).toMatch(
      /• \*partner · eu-west-1\*: AWS denied ssm:DescribeInstanceInformation in scope partner \(eu-west-1\)/,
    );
    expect(text).not.toContain('*partner · us-east-1*');
  });

  it('the digest names the group whose scope failed, and still counts the others', async () => {
    h.sim.configure(DENY_PARTNER);
    const before = topLevel(h, channels.prd).length;
    await h.bot.runJob('digest');
    const digest = topLevel(h, channels.prd).slice(before);
    expect(digest).toHaveLength(1);
    const text = readable(digest[0]!);
    expect(text).toContain('Daily patch digest');
    expect(text).toMatch(new RegExp(`\\*PRD\\* · [\\d.]+% compliant \\(\\d+ of ${mainIds.length}\\)`));
    expect(text).toContain('*PRD* in *partner · us-east-1*');
    expect(text).toContain('*PRD* in *partner · eu-west-1*');
  });

  it('the compliance poll posts a failing scope when it starts failing and once when it recovers, not every poll', async () => {
    const notes = (from: number) =>
      topLevel(h, channels.prd)
        .slice(from)
        .filter((m) => /^(⚠️|✅) PRD: /.test(m.text));
    await h.bot.runJob('compliance-poll'); // the first poll records and says nothing
    const start = topLevel(h, channels.prd).length;
    await h.bot.runJob('compliance-poll');
    expect(topLevel(h, channels.prd).length).toBe(start);

    h.sim.configure(DENY_PARTNER);
    await h.bot.runJob('compliance-poll');
    const failing = notes(start);
    expect(failing).toHaveLength(1);
    expect(failing[0]!.text).toBe('⚠️ PRD: could not read 2 scopes (partner · us-east-1, partner · eu-west-1)');
    expect(readable(failing[0]!)).toMatch(/Grant the IAM action .ssm:DescribeInstanceInformation/);

    const afterFailing = topLevel(h, channels.prd).length;
    await h.bot.runJob('compliance-poll');
    await h.bot.runJob('compliance-poll');
    expect(topLevel(h, channels.prd).length).toBe(afterFailing);

    h.sim.configure({ deny: [] });
    await h.bot.runJob('compliance-poll');
    const recovered = notes(afterFailing);
    expect(recovered).toHaveLength(1);
    expect(recovered[0]!.text).toBe('✅ PRD: 2 scopes answer again (partner · us-east-1, partner · eu-west-1)');
    const afterRecovery = topLevel(h, channels.prd).length;
    await h.bot.runJob('compliance-poll');
    expect(topLevel(h, channels.prd).length).toBe(afterRecovery);
  });

  it('the window poll posts a failing region once in each channel whose groups span it, and once when it recovers', async () => {
    const watched = [channels.prd, channels.stg];
    const count = () => watched.map((c) => topLevel(h, c).length);
    const notes = (from: number[]) =>
      watched.map((c, i) =>
        topLevel(h, c)
          .slice(from[i])
          .map((m) => m.text),
      );
    await h.bot.runJob('window-poll'); // first look: history, not news
    const start = count();

    h.sim.configure(DENY_PARTNER_WEST('ssm:DescribeMaintenanceWindows'));
    await h.bot.runJob('window-poll');
    await h.bot.runJob('window-poll');
    for (const posted of notes(start))
      expect(posted).toEqual(['⚠️ Maintenance windows: could not read 1 scope (partner · eu-west-1)']);
    const failing = topLevel(h, channels.prd).at(-1)!;
    expect(readable(failing)).toContain('ssm:DescribeMaintenanceWindows');
    expect(readable(failing)).toContain('Window poll');

    const afterFailing = count();
    h.sim.configure({ deny: [] });
    await h.bot.runJob('window-poll');
    await h.bot.runJob('window-poll');
    for (const posted of notes(afterFailing))
      expect(posted).toEqual(['✅ Maintenance windows: 1 scope answers again (partner · eu-west-1)']);
  });

  it('install and reboot with every scope failing name the scopes instead of "no running instance"', async () => {
    h.sim.configure({ deny: [{ action: 'ssm:DescribeInstanceInformation' }] });
    const sends = h.sim.stats().calls.SendCommand ?? 0;
    const install = await privately('install STG', channels.stg);
    expect(install).toContain('Could not plan the install of STG: 3 scopes could not be read');
    expect(install).toContain('sandbox (us-east-1)');
    expect(install).toContain('partner (eu-west-1)');
    expect(install).toContain('ssm:DescribeInstanceInformation');
    expect(install).not.toContain('no running instance');
    const reboot = await privately('reboot STG all', channels.stg);
    expect(reboot).toContain('Could not plan the reboot of STG');
    expect(reboot).not.toContain('no running instance');
    expect(h.sim.stats().calls.SendCommand ?? 0).toBe(sends);
  });

  it('a scan keeps showing the answering account’s progress while the other cannot be read, and finishes once it can', async () => {
    h.sim.configure({ deny: [{ action: 'ssm:ListCommandInvocations', account: PARTNER }] });
    const seen = new Set(h.slack.messages(channels.prd).map((m) => m.ts));
    await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text: 'scan PRD' });
    const posted = await h.slack.driver.waitForMessage(
      channels.prd,
      (m) => !seen.has(m.ts) && /Scan of PRD/.test(m.text),
      8000,
    );
    const current = () => h.slack.messages(channels.prd).find((m) => m.ts === posted.ts)!;
    const progress = await h.slack.driver.waitFor(
      () => {
        const m = current();
        const done = /is running · (\d+)\/(\d+) finished/.exec(m.text);
        return done &&
          Number(done[1]) > 0 &&
          done[1] === done[2] &&
          readable(m).includes('in partner (us-east-1), partner (eu-west-1) right now')
          ? m
          : undefined;
      },
      8000,
      'progress of the answering account with a notice naming the other',
    );
    expect(readable(progress)).toContain('ssm:ListCommandInvocations');
    expect(readable(progress)).toContain('The other scopes’ progress is shown');

    h.sim.configure({ deny: [] });
    const ended = await h.slack.driver.waitFor(
      () => (OPERATION_ENDED.test(current().text) ? current() : undefined),
      8000,
      'the scan to end',
    );
    expect(ended.text).not.toMatch(/failed:/);
  });
});
