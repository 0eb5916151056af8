/** The Home refresher: opened Homes republished on change, at most once a minute per user, coalesced, bounded. */
import { ManualClock } from '../../src/clock';
import { silentLogger } from '../../src/logger';
import { decisionOrigin } from '../../src/slack/actions';
import { refreshingPublisher } from '../../src/slack/home-hooks';
import { HomeRefresher } from '../../src/slack/home-refresh';
import type { OperationPublisher } from '../../src/patching/publisher-port';
import type { Operation } from '../../src/store';

function world(maxUsers?: number) {
  const clock = new ManualClock('2026-03-01T10:00:00Z');
  const published: string[] = [];
  const refresher = new HomeRefresher({
    clock,
    logger: silentLogger(),
    publish: async (u) => {
      published.push(u);
    },
    ...(maxUsers ? { maxUsers } : {}),
  });
  return { clock, published, refresher };
}

describe('HomeRefresher', () => {
  it('publishes on open, coalesces changes within the minute into one trailing publish, then publishes at once again', async () => {
    const { clock, published, refresher } = world();
    await refresher.opened('U1');
    expect(published).toEqual(['U1']);
    for (let i = 0; i < 10; i++) {
      clock.advance(5_000);
      refresher.changed();
    }
    await refresher.flushDue();
    expect(published).toEqual(['U1']);
    clock.advance(10_000); // 60 s after the open
    await refresher.flushDue();
    expect(published).toEqual(['U1', 'U1']);
    await refresher.flushDue();
    expect(published).toEqual(['U1', 'U1']);
    clock.advance(60_000);
    refresher.changed();
    await Promise.resolve();
    expect(published).toEqual(['U1', 'U1', 'U1']);
    refresher.stop();
  });

  it('never publishes the Home of a user who did not open it', async () => {
    const { published, refresher } = world();
    refresher.changed();
    await refresher.flushDue();
    expect(published).toEqual([]);
    expect(refresher.knows('U1')).toBe(false);
    refresher.stop();
  });

  it('forgets the least recently opened users past its cap', async () => {
    const { refresher } = world(3);
    for (const u of ['U1', 'U2', 'U3', 'U4']) await refresher.opened(u);
    expect(refresher.size).toBe(3);
    expect(refresher.knows('U1')).toBe(false);
    expect(refresher.knows('U4')).toBe(true);
    refresher.stop();
  });

  it('keeps going when a publish fails', async () => {
    const clock = new ManualClock();
    const refresher = new HomeRefresher({
      clock,
      logger: silentLogger(),
      publish: async () => {
        throw new Error('views.publish failed');
      },
    });
    await expect(refresher.opened('U1')).resolves.toBeUndefined();
    refresher.stop();
  });
});

describe('refreshingPublisher', () => {
  it('tells the refresher when an operation is posted, changes status or ends, not on every progress update', async () => {
    let changes = 0;
    const inner: OperationPublisher = { publish: async () => undefined, publishFailures: async () => undefined };
    const pub = refreshingPublisher(inner, { changed: () => void changes++ });
    const op = (status: Operation['status']) => ({ id: 'op-abc123', status }) as Operation;
    const journal = {} as never;
    const report = {} as never;
    await pub.publish(op('pending'), report, 'started', journal);
    await pub.publish(op('pending'), report, 'progress', journal);
    await pub.publish(op('running'), report, 'progress', journal);
    await pub.publish(op('running'), report, 'progress', journal);
    await pub.publish(op('succeeded'), report, 'finished', journal);
    expect(changes).toBe(3);
  });
});

describe('decisionOrigin', () => {
  const home = {
    api_app_id: 'A1',
    container: { type: 'view', view_id: 'V1' },
    view: { id: 'V1', type: 'home', app_id: 'A1' },
  };
  it('takes a message, or this app’s Home view, and nothing else', () => {
    expect(decisionOrigin({ container: { type: 'message', message_ts: '1.2', channel_id: 'C1' } })).toEqual({
      channel: 'C1',
      messageTs: '1.2',
    });
    expect(decisionOrigin(home)).toEqual({ home: true });
    expect(decisionOrigin({ ...home, view: { ...home.view, type: 'modal' } })).toBeUndefined();
    expect(decisionOrigin({ ...home, view: { ...home.view, app_id: 'A2' } })).toBeUndefined();
    expect(decisionOrigin({ ...home, container: { type: 'view', view_id: 'V2' } })).toBeUndefined();
    expect(decisionOrigin({})).toBeUndefined();
  });
});
