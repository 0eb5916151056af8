import { Ticker } from '../../src/patching/ticker';

/** The Ticker on jest's fake timers: what runs when, without waiting for real time. */
describe('Ticker on a manual clock', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs the first pass one interval after start, then every interval', async () => {
    let passes = 0;
    const ticker = new Ticker(
      async () => void passes++,
      1000,
      () => undefined,
    );
    ticker.start();
    await jest.advanceTimersByTimeAsync(999);
    expect(passes).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(passes).toBe(1);
    await jest.advanceTimersByTimeAsync(3000);
    expect(passes).toBe(4);
    await ticker.stop();
  });

  it('runs a pass at once on wake, without waiting for the interval', async () => {
    let passes = 0;
    const ticker = new Ticker(
      async () => void passes++,
      60_000,
      () => undefined,
    );
    ticker.start();
    ticker.wake();
    await jest.advanceTimersByTimeAsync(0);
    expect(passes).toBe(1);
    await ticker.stop();
  });

  it('a wake during a pass runs one more pass right after it, not at the next interval', async () => {
    let release: () => void = () => undefined;
    const passes: number[] = [];
    const ticker = new Ticker(
      async () => {
        passes.push(Date.now());
        if (passes.length === 1) await new Promise<void>((r) => (release = r));
      },
      60_000,
      () => undefined,
    );
    ticker.start();
    ticker.wake();
    await jest.advanceTimersByTimeAsync(0);
    expect(passes).toHaveLength(1);
    ticker.wake(); // an operation changed while the first pass runs
    await jest.advanceTimersByTimeAsync(10);
    expect(passes).toHaveLength(1);
    release();
    await jest.advanceTimersByTimeAsync(0);
    expect(passes).toHaveLength(2);
    expect((passes[1] ?? 0) - (passes[0] ?? 0)).toBeLessThan(60_000);
    await ticker.stop();
  });

  it('never overlaps passes: a tick during a pass shares it and makes it run once more', async () => {
    let release: () => void = () => undefined;
    let passes = 0;
    let inside = 0;
    let most = 0;
    const ticker = new Ticker(
      async () => {
        passes++;
        most = Math.max(most, ++inside);
        if (passes === 1) await new Promise<void>((r) => (release = r));
        inside--;
      },
      1000,
      () => undefined,
    );
    const first = ticker.tick();
    const second = ticker.tick();
    release();
    await Promise.all([first, second]);
    expect(passes).toBe(2);
    expect(most).toBe(1);
  });

  it('tells onError of a failing timer pass and keeps going', async () => {
    const errors: unknown[] = [];
    let passes = 0;
    const ticker = new Ticker(
      async () => {
        if (++passes === 1) throw new Error('store busy');
      },
      1000,
      (err) => errors.push(err),
    );
    ticker.start();
    await jest.advanceTimersByTimeAsync(2000);
    expect(passes).toBe(2);
    expect(errors).toHaveLength(1);
    await ticker.stop();
  });

  it('leaves no timer behind once stopped, and a wake after stop arms none', async () => {
    const ticker = new Ticker(
      async () => undefined,
      1000,
      () => undefined,
    );
    ticker.start();
    expect(jest.getTimerCount()).toBe(1);
    await ticker.stop();
    expect(jest.getTimerCount()).toBe(0);
    ticker.wake();
    expect(jest.getTimerCount()).toBe(0);
    expect(ticker.started).toBe(false);
  });
});
