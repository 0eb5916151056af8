/**
 * What the user sees when AWS says no or something changed: a denied action named with the IAM
 * permission to grant, and a newly released patch called out after the next scan. Plus the
 * health endpoint an orchestrator probes.
 */
import { DEMO_IDS, OPERATION_ENDED, readable, startHarness, type Harness } from '../support/bot';

const { users, channels } = DEMO_IDS;

describe('AWS trouble and news, as the user sees it', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  async function newMessage(text: string, match: RegExp): Promise<string> {
    const seen = new Set(h.slack.messages(channels.prd).map((m) => m.ts));
    await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text });
    // A scan's message is posted early and updated; wait until it says how the scan ended.
    const done = (m: { text: string; blocks: unknown[] }) =>
      match.test(readable(m)) && (!/Scan of/.test(m.text) || OPERATION_ENDED.test(m.text));
    return readable(await h.slack.driver.waitForMessage(channels.prd, (m) => !seen.has(m.ts) && done(m), 15000));
  }

  it('answers /health', async () => {
    const res = await fetch(`http://127.0.0.1:${h.bot.port}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, role: 'leader', backend: 'sqlite' });
    const live = await fetch(`http://127.0.0.1:${h.bot.port}/health/live`);
    expect({ status: live.status, body: await live.json() }).toEqual({ status: 200, body: { ok: true } });
  });

  it('a scan AWS refuses ends failed, naming the IAM action to grant', async () => {
    h.sim.configure({ deny: [{ action: 'ssm:SendCommand' }] });
    try {
      const text = await newMessage('scan PRD', /Scan of PRD/);
      // Nothing went out, and the verdict says so (patching/verdict.ts).
      expect(text).toMatch(/Scan of PRD was not sent/);
      expect(text).toContain('ssm:SendCommand');
      expect(text).not.toMatch(/at .*\.ts:\d+/);
    } finally {
      h.sim.configure({ deny: [] });
    }
  });

  it('status with EC2 denied says what failed and what to do, never a stack trace', async () => {
    h.sim.configure({ deny: [{ action: 'ec2:DescribeInstances' }] });
    try {
      const text = await newMessage('status PRD public', /PRD/);
      expect(text).toContain('ec2:DescribeInstances');
      expect(text).toMatch(/Grant the IAM action/);
      expect(text).not.toMatch(/at .*\.ts:\d+/);
    } finally {
      h.sim.configure({ deny: [] });
    }
  });

  it('a patch released since the last scan is reported as newly missing', async () => {
    await newMessage('scan PRD', /Scan of PRD/);
    h.sim.releasePatch({
      title: 'ALAS2-2026-9999',
      classification: 'Security',
      severity: 'Critical',
      releasedDaysAgo: 40,
      group: 'PRD',
    });
    const text = await newMessage('scan PRD', /Scan of PRD/);
    expect(text).toMatch(/Newly missing/i);
    expect(text).toContain('ALAS2-2026-9999');
  });
});
