/**
 * Every read command, every bad input and every refusal, as Slack sends them, through the real
 * Bolt app and SDK against the simulator. Assertions are on the text a person reads.
 */
import { RECENT_READ_MS } from '../../src/patching/recent-reads';
import { DEMO_IDS, privateAnswer, readable, startHarness, type Harness } from '../support/bot';

const { users, channels } = DEMO_IDS;

describe('read commands and bad input', () => {
  let h: Harness;
  // Real time, which a test moves on by a minute when the fleet changed under a read it made: a
  // group read is reused for a minute (RecentReads), as a person asking again within it would see.
  let offsetMs = 0;
  const clock = { now: () => new Date(Date.now() + offsetMs) };
  beforeAll(async () => {
    h = await startHarness({ clock });
  });
  afterAll(() => h.close());

  /** Sends `/patch <text>` and returns the message the bot posted in the channel. */
  async function posted(text: string, match: RegExp): Promise<string> {
    const seen = new Set(h.slack.messages(channels.prd).map((m) => m.ts));
    const sent = await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text });
    expect(sent.status).toBe(200);
    const message = await h.slack.driver.waitForMessage(
      channels.prd,
      (m) => !seen.has(m.ts) && match.test(readable(m)),
      10000,
    );
    return readable(message);
  }

  it('help lists every subcommand and the groups', async () => {
    const text = await privateAnswer(h, 'help');
    for (const verb of ['help', 'groups', 'status', 'baseline', 'windows', 'scan', 'history'])
      expect(text).toContain(`/patch ${verb}`);
    expect(text).toMatch(/STG.*PRD.*WIN/s);
    expect(await privateAnswer(h, '')).toContain('/patch status');
  });

  it('groups shows each group with its channel and approval rule', async () => {
    const text = await privateAnswer(h, 'groups');
    expect(text).toContain('PRD');
    expect(text).toContain('STG');
    expect(text).toMatch(/approv/i);
  });

  it('status PRD shows counts, the non-compliant and the unreachable instances, privately with a Share in channel button', async () => {
    const text = await privateAnswer(h, 'status prd');
    expect(text).toContain('PRD compliance');
    expect(text).toContain('Share in channel');
    expect(text).toMatch(/non-compliant/i);
    expect(text).toContain('prd-web-3');
    expect(text).toMatch(/Unreachable/);
    expect(text).toContain('prd-app-3');
  });

  it('baseline STG shows the approval rule as a person reads it, privately; with public, in the channel', async () => {
    const text = await privateAnswer(h, 'baseline STG');
    expect(text).toContain('STG-AL2Baseline');
    expect(text).toContain('Share in channel');
    expect(text).toMatch(/Critical/);
    expect(text).toMatch(/1 day/);
    const shared = await posted('baseline STG public', /STG-AL2Baseline/);
    expect(shared).toMatch(/1 day/);
    expect(shared).not.toContain('Share in channel');
  });

  it('windows shows the nightly window with its schedule and next run, privately; with public, in the channel', async () => {
    const text = await privateAnswer(h, 'windows');
    expect(text).toContain('patch-window-am2');
    expect(text).toContain('Share in channel');
    expect(text).toContain('cron(00 17 * * ? *)');
    expect(text).toMatch(/[Nn]ext/);
    expect(await privateAnswer(h, 'windows PRD')).not.toContain('patch-stg');
    expect(await posted('windows PRD public', /patch-prd/)).not.toContain('patch-stg');
    expect(await posted('windows PUBLIC', /patch-window-am2/)).toContain('cron(00 17 * * ? *)');
  });

  it('status PRD public posts the answer in the channel, without a Share button', async () => {
    const text = await posted('status PRD public', /PRD compliance/);
    expect(text).toContain('prd-web-3');
    expect(text).not.toContain('Share in channel');
  });

  it('help says who sees each answer and how to share one', async () => {
    const text = await privateAnswer(h, 'help');
    expect(text).toContain('/patch status &lt;group&gt; [chart] [public]');
    expect(text).toMatch(/only you see the answer; add `public`, or click Share in channel, to post it in the channel/);
    expect(text).toContain("posted in the group's channel");
  });

  it('history lists the operations the bot ran', async () => {
    await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text: 'scan PRD' });
    await h.slack.driver.waitForMessage(channels.prd, /Scan of PRD/, 10000);
    const text = await privateAnswer(h, 'history PRD');
    expect(text).toMatch(/op-[0-9a-z]{6}/);
    expect(text).toContain('scan');
    expect(text).toContain(users.alice);
  });

  it.each([
    ['frobnicate PRD', /Unknown subcommand .*frobnicate.*Subcommands/s],
    ['status', /Which group\? Groups: STG, PRD, WIN/],
    ['status QA', /Unknown group .*QA.*Groups: STG, PRD, WIN/s],
    ['status PRD now', /Unexpected .*now.*Usage/s],
    ['scan', /Which group\?.*Usage/s],
    ['instal PRD', /Unknown subcommand .*instal.*Did you mean install\?/s],
    ['STATSU PRD', /Did you mean status\?/],
    ['PRD', /PRD is a group: try \/patch status PRD/],
    ['status PDR', /Unknown group .*PDR.*Did you mean PRD\? Groups: STG, PRD, WIN/s],
    ['history QA PRD', /Unknown group .*QA.*Groups: STG, PRD, WIN/s],
    ['status QA now', /Unknown group .*QA.*Groups/s],
    ['install PRD never', /.*never.* is not a reboot option\. Did you mean reboot=never\?/s],
    ['reboot PRD al', /.*al.* is not understood\. Did you mean all\?/s],
    ['cancel', /Which operation\? Give its id: op- and six letters or digits, like op-7k2m9q/],
    ['cancel null', /.null.{1,3} is not an operation id: ids are op- and six letters or digits, like op-7k2m9q/],
    ['cancel op-nope99', /There is no operation .{1,3}op-nope99/],
  ])('"/patch %s" gets a reply saying what was wrong and what is valid', async (input, expected) => {
    const before = h.sim.stats().calls.SendCommand ?? 0;
    expect(await privateAnswer(h, input)).toMatch(expected);
    expect(h.sim.stats().calls.SendCommand ?? 0).toBe(before);
  });

  it('names the bad word, not the word after it', async () => {
    expect(await privateAnswer(h, 'history QA PRD')).not.toMatch(/Unexpected/);
    expect(await privateAnswer(h, 'cancel op-nope99')).not.toContain('op-n0pe99');
  });

  it('echoes a 5,000-character word cut short, and keeps the groups and the usage', async () => {
    for (const input of [
      `status ${'x'.repeat(5000)}`,
      `cancel ${'y'.repeat(5000)}`,
      `${'z'.repeat(5000)} PRD`,
      `status PRD ${'w'.repeat(5000)}`,
    ]) {
      const text = await privateAnswer(h, input);
      expect(text).toContain('Usage');
      expect(text).toContain('…');
      expect(text).not.toMatch(/[xyzw]{60}/);
      if (input.startsWith('status x')) expect(text).toContain('Groups: STG, PRD, WIN');
      if (input.startsWith('z')) expect(text).toMatch(/Subcommands.*`help`/);
    }
  });

  it('echoes what was typed exactly, escaped for Slack', async () => {
    const text = await privateAnswer(h, 'cancel <!channel>&x');
    expect(text).toContain('&lt;!channel&gt;&amp;x');
    expect(text).not.toContain('<!channel>');
  });

  it('refuses a non-operator and says who may', async () => {
    const before = h.sim.stats().calls.SendCommand ?? 0;
    const text = await privateAnswer(h, 'scan PRD', users.mallory);
    expect(text).toMatch(/not an operator on PRD/);
    expect(text).toContain(users.alice);
    expect(h.sim.stats().calls.SendCommand ?? 0).toBe(before);
  });

  it('lets a member of an operator user group in', async () => {
    expect(await privateAnswer(h, 'status STG', users.carol)).toContain('STG compliance');
    expect(h.slack.calls('usergroups.users.list').length).toBeGreaterThan(0);
  });

  it('escapes a hostile Name tag before it reaches Slack', async () => {
    const id = (await posted('status PRD public', /PRD compliance/)).match(/prd-web-3\*? `(i-[0-9a-f]+)`/)?.[1];
    expect(id).toBeDefined();
    h.sim.setInstance(id!, { tags: { Name: '<!channel> <@U0BOB00001> <https://evil.example|click>' } });
    offsetMs += RECENT_READ_MS; // past the read above, so the new Name is read
    const text = await posted('status PRD public', /PRD compliance/);
    expect(text).toContain('&lt;!channel&gt;');
    expect(await privateAnswer(h, 'status PRD')).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://evil');
    expect(text).not.toContain('<@U0BOB00001>');
  });
});
