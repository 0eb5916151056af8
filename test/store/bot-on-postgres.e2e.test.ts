/**
 * The bot on PostgreSQL, end to end: two processes on one database (PATCHBOT_DATABASE_URL as main
 * passes it to startBot), the simulator and the Slack stand-in. One leads; whichever process takes
 * a change, it is sent and posted once.
 */
import type { RunningBot } from '../../src/bot';
import { DEMO_IDS, OPERATION_ENDED, settled, startHarness, type Harness } from '../support/bot';
import { freshDatabase } from '../support/postgres';

const { users, channels } = DEMO_IDS;

describe('two processes on one PostgreSQL database [postgres]', () => {
  let h: Harness;
  let second: RunningBot;
  let db: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    db = await freshDatabase();
    h = await startHarness({
      lease: { ttlMs: 1500, renewEveryMs: 300 },
      database: { backend: 'postgres', url: db.url },
    });
    second = await h.startAnother();
  });
  afterAll(async () => {
    await h?.close();
    await db?.drop();
  });

  it('one leads, the other serves requests only; each change, whichever process took it, runs and posts once', async () => {
    expect(h.bot.store.backend).toBe('postgres');
    expect(h.bot.role).toBe('leader');
    expect(second.role).toBe('follower');
    const asks: Array<[RunningBot, string, string]> = [
      [h.bot, channels.stg, 'install STG'],
      [second, channels.stg, 'scan STG'],
      [second, channels.prd, 'scan PRD'],
    ];
    for (const [bot, channel, text] of asks) {
      h.routeTo(bot);
      const seen = new Set(h.slack.messages(channel).map((m) => m.ts));
      await h.slack.driver.slashCommand({ userId: users.alice, channelId: channel, text });
      await h.slack.driver.waitForMessage(
        channel,
        (m) => !seen.has(m.ts) && (m.thread_ts ?? m.ts) === m.ts && OPERATION_ENDED.test(m.text),
        30000,
      );
    }
    await settled(h.bot, second);
    const ops = await second.store.operations.listRecent({ limit: 10 });
    expect(ops).toHaveLength(3);
    for (const op of ops) {
      expect(op.status).toMatch(/succeeded|failed/);
      const all = h.slack.messages(op.channel);
      expect(all.filter((m) => m.ts === op.messageTs)).toHaveLength(1);
    }
    expect(h.sim.stats().calls.SendCommand).toBe(ops.reduce((n, op) => n + op.commands.length, 0));
    expect(h.sim.stats().calls.SendCommand).toBe(3);
    expect((await h.bot.store.audit.list({ limit: 100 })).length).toBeGreaterThan(0);
  });
});
