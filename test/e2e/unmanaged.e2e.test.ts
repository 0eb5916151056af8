/**
 * Instances tagged for a group in EC2 that SSM does not manage (Security Hub SSM.1), through the real
 * bot, SDK and Slack stand-in: status lists them under their account and region, the digest lists
 * them, and a stopped instance (which SSM leaves out of its list on purpose) is never called unmanaged.
 */
import { DEMO_IDS, privateAnswer, demoConfig, readable, startHarness, type Harness } from '../support/bot';

const { channels } = DEMO_IDS;
const PRD = { 'Patch Group': 'PRD' };
const STG = { 'Patch Group': 'STG' };

describe('instances SSM does not manage', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      // The demo's scope in a second region, where PRD has one instance and it has no agent.
      config: demoConfig((t) => t.replace('regions: [us-east-1]', 'regions: [us-east-1, eu-west-1]')),
      sim: {
        unmanagedInstances: [
          { name: 'prd-legacy-1', tags: PRD },
          { name: 'prd-legacy-eu', tags: PRD, region: 'eu-west-1' },
          { name: 'stg-legacy-off', tags: STG, state: 'stopped' },
        ],
      },
    });
  });
  afterAll(() => h.close());

  it('status PRD lists them under their account and region, by name, with SSM.1 and the fix', async () => {
    const text = await privateAnswer(h, 'status PRD');
    expect(text).toContain('🛡 *2 instances not managed by SSM* (Security Hub SSM.1) — tagged for PRD in EC2');
    expect(text).toContain('• *sandbox* (123456789012) · us-east-1 — 1: *prd-legacy-1*');
    expect(text).toContain('• *sandbox* (123456789012) · eu-west-1 — 1: *prd-legacy-eu*');
    expect(text).toContain('AmazonSSMManagedInstanceCore');
    // prd-app-3's agent lost its connection: SSM still manages it, so it is unreachable, not unmanaged.
    const section = text.slice(text.indexOf('not managed by SSM* (Security Hub'));
    expect(section).not.toContain('prd-app-3');
    // Counted as unreachable too, but named once: the unreachable list leaves them to this section.
    const unreachableAt = text.indexOf('*Unreachable (');
    expect(unreachableAt).toBeGreaterThanOrEqual(0);
    const unreachable = text.slice(unreachableAt, text.indexOf('"}', unreachableAt));
    expect(unreachable).toMatch(
      /^\*Unreachable \(\d+\)\* — SSM cannot scan or patch these \(2 not managed by SSM, listed below\)/,
    );
    expect(unreachable).toContain('prd-app-3');
    expect(unreachable).not.toContain('prd-legacy');
    expect(text).not.toContain('no agent registration');
  });

  it('a stopped instance is not called unmanaged, with or without an agent', async () => {
    const text = await privateAnswer(h, 'status STG');
    expect(text).toContain('STG compliance');
    expect(text).toContain('stg-batch-1'); // stopped, with an agent: unreachable
    expect(text).toContain('stg-legacy-off'); // stopped, no agent: unreachable too (EC2 stopped)
    expect(text).not.toContain('not managed by SSM');
  });

  it('the digest lists them for their group', async () => {
    const topLevel = () => h.slack.messages(channels.prd).filter((m) => (m.thread_ts ?? m.ts) === m.ts);
    const before = topLevel().length;
    await h.bot.runJob('digest');
    const digest = topLevel().slice(before);
    expect(digest).toHaveLength(1);
    const text = readable(digest[0]!);
    expect(text).toContain('Daily patch digest');
    expect(text).toContain(
      '🛡 2 not managed by SSM (SSM.1) — *sandbox* (123456789012) · eu-west-1: *prd-legacy-eu*; *sandbox* (123456789012) · us-east-1: *prd-legacy-1*',
    );
    // WIN, in the same channel, has none.
    expect(text.match(/not managed by SSM/g)).toHaveLength(1);
  });
});
