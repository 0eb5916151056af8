import { Ticker } from '../../src/patching/ticker';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
    for (let i = 0; i < 100 && calls < 4; i++) await wait(10);
    await ticker.stop();
    expect(calls).toBeGreaterThanOrEqual(4);
    expect(errors.map((e) => (e as Error).message)).toEqual(['store busy', 'a bug']);
    await wait(20);
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
    for (let i = 0; i < 100 && calls < 3; i++) await wait(10);
    await ticker.stop();
    expect(calls).toBeGreaterThanOrEqual(3);
    await wait(20);
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
