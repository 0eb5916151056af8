import { Gate } from '../../src/shared/gate';

/** A promise and the function that settles it. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Gate', () => {
  it('lets `slots` holders in at once, the rest in the order they came, each as a slot frees', async () => {
    const gate = new Gate(2);
    const holds = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = holds.map((h, i) =>
      gate.run(async () => {
        started.push(i);
        await h.promise;
        return i;
      }),
    );
    await turn();
    expect(started).toEqual([0, 1]);
    holds[1]?.resolve();
    await turn();
    expect(started).toEqual([0, 1, 2]);
    holds[0]?.resolve();
    await turn();
    expect(started).toEqual([0, 1, 2, 3]);
    for (const h of holds) h.resolve();
    await expect(Promise.all(runs)).resolves.toEqual([0, 1, 2, 3]);
  });

  it('frees the slot of a holder that fails, and passes the failure on', async () => {
    const gate = new Gate(1);
    await expect(gate.run(() => Promise.reject(new Error('no')))).rejects.toThrow('no');
    await expect(gate.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });

  it('gives a freed slot to the one waiting, not to a newcomer', async () => {
    const gate = new Gate(1);
    const first = deferred();
    const order: string[] = [];
    const a = gate.run(() => first.promise);
    const b = gate.run(async () => {
      order.push('waiting');
    });
    first.resolve();
    await a;
    const c = gate.run(async () => {
      order.push('newcomer');
    });
    await Promise.all([b, c]);
    expect(order).toEqual(['waiting', 'newcomer']);
  });

  it('refuses a gate without a slot', () => {
    expect(() => new Gate(0)).toThrow('at least one slot');
  });
});
