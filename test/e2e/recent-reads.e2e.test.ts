/**
 * Reads reused within the minute, through the real bot, SDK and Slack stand-in: the digest and
 * `/patch status` right after a compliance poll read no group again; a minute later they do.
 */
import { ManualClock } from '../../src/clock';
import { RECENT_READ_MS } from '../../src/patching/recent-reads';
import { demoConfig, privateAnswer, startHarness, type Harness } from '../support/bot';

/** SSM and EC2 calls that read a group (readGroup's operations). */
const GROUP_READS = ['DescribeInstanceInformation', 'DescribeInstancePatchStatesForPatchGroup', 'DescribeInstances'];

describe('group reads reused within the minute', () => {
  let h: Harness;
  const clock = new ManualClock(new Date());
  beforeAll(async () => {
    h = await startHarness({ config: demoConfig(), clock });
  });
  afterAll(() => h.close());

  const groupReads = () => {
    const calls = h.sim.stats().calls;
    return Object.fromEntries(GROUP_READS.map((op) => [op, calls[op] ?? 0]));
  };

  it('the digest and status after a poll read no group; a minute later they read again', async () => {
    await h.bot.runJob('compliance-poll');
    h.sim.resetStats();
    await h.bot.runJob('compliance-poll');
    const poll = groupReads();
    expect(poll.DescribeInstancePatchStatesForPatchGroup).toBeGreaterThan(0);

    h.sim.resetStats();
    await h.bot.runJob('digest');
    expect(h.slack.calls('chat.postMessage').length).toBeGreaterThan(0);
    expect(groupReads().DescribeInstancePatchStatesForPatchGroup).toBe(0);
    expect(groupReads().DescribeInstanceInformation).toBe(0);

    // Status still looks for the other tag spelling (one EC2 call a scope), but not the group itself.
    h.sim.resetStats();
    expect(await privateAnswer(h, 'status PRD')).toContain('PRD');
    expect(groupReads().DescribeInstancePatchStatesForPatchGroup).toBe(0);
    expect(groupReads().DescribeInstanceInformation).toBe(0);

    clock.advance(RECENT_READ_MS);
    h.sim.resetStats();
    await privateAnswer(h, 'status PRD');
    expect(groupReads().DescribeInstancePatchStatesForPatchGroup).toBe(1);
  });
});
