import { Ticker } from '../../src/patching/ticker';
import { eventually } from '../support/aws';

/** One turn of the event loop: Node reports unhandled rejections before the next one begins. */
const turn = () => new Promise((r) => setImmediate(r));

describe('Ticker', () => {
  let unhandled: unknown[];
  const onUnhandled = (err: unknown) => unhandled.push(err);
  beforeEach(() => {
    unhandled = [];
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it('keeps running after a pass rejects or throws, telling onError each time', async () => {
    let calls = 0;
    const errors: unknown[] = [];
    const ticker = new Ticker(
      () => {
        calls++;
        if (calls === 1) return Promise.reject(new Error('store busy'));
        if (calls === 2) throw new Error('a bug');
        return Promise.resolve();
      },
      10,
      (err) => errors.push(err),
    );
    ticker.start();
    await eventually(async () => (calls >= 4 ? true : undefined), 1000);
    await ticker.stop();
    expect(calls).toBeGreaterThanOrEqual(4);
    expect(errors.map((e) => (e as Error).message)).toEqual(['store busy', 'a bug']);
    await turn();
    expect(unhandled).toEqual([]);
  });

  it('goes on even when onError itself throws', async () => {
    let calls = 0;
    const ticker = new Ticker(
      async () => {
        calls++;
        throw new Error('always');
      },
      10,
      () => {
        throw new Error('the logger broke');
      },
    );
    ticker.start();
    await eventually(async () => (calls >= 3 ? true : undefined), 1000);
    await ticker.stop();
    expect(calls).toBeGreaterThanOrEqual(3);
    await turn();
    expect(unhandled).toEqual([]);
  });

  it('gives the rejection to a caller of tick()', async () => {
    const ticker = new Ticker(
      async () => Promise.reject(new Error('x')),
      1000,
      () => undefined,
    );
    await expect(ticker.tick()).rejects.toThrow('x');
  });
});

describe('Ticker.nextPass', () => {
  /** A ticker whose passes each wait until the test ends them; the timer is too slow to interfere. */
  function heldTicker() {
    const ends: Array<() => void> = [];
    let passes = 0;
    const ticker = new Ticker(
      () => {
        passes++;
        return new Promise<void>((resolve) => ends.push(resolve));
      },
      60_000,
      () => undefined,
    );
    return { ticker, ends, passes: () => passes };
  }

  it('resolves at once when the ticker is neither started nor in a pass', async () => {
    const { ticker, passes } = heldTicker();
    await expect(ticker.nextPass()).resolves.toBeUndefined();
    expect(passes()).toBe(0);
  });

  it('waits for a pass that begins after the call, not the one under way', async () => {
    const { ticker, ends, passes } = heldTicker();
    ticker.start();
    const first = ticker.tick();
    let done = false;
    const next = ticker.nextPass().then(() => {
      done = true;
    });
    ends.shift()!();
    await first;
    await turn();
    expect(done).toBe(false);
    ticker.wake();
    await eventually(async () => (ends.length > 0 ? true : undefined), 1000);
    expect(passes()).toBe(2);
    expect(done).toBe(false);
    ends.shift()!();
    await next;
    expect(done).toBe(true);
    await ticker.stop();
  });

  it('resolves when the pass it waited for fails', async () => {
    let calls = 0;
    const errors: unknown[] = [];
    const ticker = new Ticker(
      async () => {
        calls++;
        throw new Error('store busy');
      },
      60_000,
      (err) => errors.push(err),
    );
    ticker.start();
    const next = ticker.nextPass();
    ticker.wake();
    await next;
    expect(calls).toBe(1);
    // The failed pass has been reported and no other is under way, so stop() has nothing to wait for.
    await eventually(async () => (errors.length === 1 ? true : undefined), 1000);
    await ticker.stop();
  });

  it('lets go of those still waiting when stopped: no pass is coming', async () => {
    const { ticker, passes } = heldTicker();
    ticker.start();
    const waiting = ticker.nextPass();
    await ticker.stop();
    await expect(waiting).resolves.toBeUndefined();
    expect(passes()).toBe(0);
  });
});
