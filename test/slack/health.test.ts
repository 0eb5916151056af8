import { Health, PING_CACHE_MS } from '../../src/slack/health';

/** Readiness and liveness answers, with the database check counted and timed by hand. */
describe('Health', () => {
  function health(opts: { reachable?: () => boolean; socket?: () => 'socket_mode_disconnected' | undefined } = {}) {
    let now = 0;
    let pings = 0;
    const h = new Health(
      {
        ping: async () => {
          pings++;
          if (opts.reachable && !opts.reachable()) throw new Error('connection refused');
        },
        role: () => 'follower',
        backend: 'sqlite',
      },
      opts.socket ?? (() => undefined),
      () => now,
    );
    return {
      h,
      pings: () => pings,
      advance: (ms: number) => {
        now += ms;
      },
    };
  }

  it('reports the role and the backend when ready', async () => {
    const { h } = health();
    expect(await h.readiness()).toEqual({ status: 200, body: { ok: true, role: 'follower', backend: 'sqlite' } });
  });

  it('asks the database at most once a second, however many probes come', async () => {
    const { h, pings, advance } = health();
    await Promise.all(Array.from({ length: 50 }, () => h.readiness()));
    expect(pings()).toBe(1);
    advance(PING_CACHE_MS - 1);
    await h.readiness();
    expect(pings()).toBe(1);
    advance(1);
    await h.readiness();
    expect(pings()).toBe(2);
  });

  it('names the database first when both it and Slack are down, then Slack once the database answers', async () => {
    let reachable = false;
    const { h, advance } = health({ reachable: () => reachable, socket: () => 'socket_mode_disconnected' });
    expect(await h.readiness()).toMatchObject({ status: 503, body: { ok: false, reason: 'database_unreachable' } });
    reachable = true;
    advance(PING_CACHE_MS);
    expect(await h.readiness()).toMatchObject({ status: 503, body: { reason: 'socket_mode_disconnected' } });
  });

  it('without a store to ask, readiness is Slack alone and says nothing of role or backend', async () => {
    const h = new Health(undefined, () => undefined);
    expect(await h.readiness()).toEqual({ status: 200, body: { ok: true } });
  });
});
