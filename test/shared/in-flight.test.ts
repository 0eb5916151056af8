import { InFlight } from '../../src/shared/in-flight';

/** A promise and the functions that settle it. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('InFlight', () => {
  it('is idle at once when nothing runs', async () => {
    const work = new InFlight();
    await expect(work.idle()).resolves.toBeUndefined();
    expect(work.size).toBe(0);
  });

  it('is idle only once the last piece of work has settled, rejected ones included', async () => {
    const work = new InFlight();
    const a = deferred<string>();
    const b = deferred();
    const ran = work.run(() => a.promise);
    const failed = work.run(() => b.promise).catch((err: unknown) => err);
    expect(work.size).toBe(2);
    let idle = false;
    const whenIdle = work.idle().then(() => {
      idle = true;
    });
    a.resolve('done');
    await expect(ran).resolves.toBe('done');
    expect(idle).toBe(false);
    b.reject(new Error('boom'));
    expect(await failed).toEqual(new Error('boom'));
    await whenIdle;
    expect(idle).toBe(true);
    expect(work.size).toBe(0);
  });

  it('a wait begun while busy resolves once, even if new work starts afterwards', async () => {
    const work = new InFlight();
    const first = deferred();
    void work.run(() => first.promise);
    const whenIdle = work.idle();
    first.resolve();
    await whenIdle;
    const second = deferred();
    void work.run(() => second.promise);
    let idle = false;
    void work.idle().then(() => {
      idle = true;
    });
    await Promise.resolve();
    expect(idle).toBe(false);
    second.resolve();
    await work.idle();
  });
});
