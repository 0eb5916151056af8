import { TaskGate } from '../../src/shared/task-gate';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('TaskGate', () => {
  it('runs at most `limit` tasks at once and the rest in arrival order', async () => {
    const gate = new TaskGate(2);
    const started: number[] = [];
    const release: Array<() => void> = [];
    const tasks = [0, 1, 2, 3].map((n) =>
      gate.run(async () => {
        started.push(n);
        await new Promise<void>((resolve) => release.push(resolve));
        return n;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(gate.waiting).toBe(2);
    release[1]!();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    release[0]!();
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    release[2]!();
    release[3]!();
    await expect(Promise.all(tasks)).resolves.toEqual([0, 1, 2, 3]);
    expect(gate.waiting).toBe(0);
  });

  it('frees the turn of a task that throws', async () => {
    const gate = new TaskGate(1);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(async () => 'next')).resolves.toBe('next');
  });

  it('gives a freed turn to the task waiting, not to a newcomer', async () => {
    const gate = new TaskGate(1);
    let release!: () => void;
    const order: string[] = [];
    const first = gate.run(() => new Promise<void>((resolve) => (release = resolve)));
    const waiting = gate.run(async () => {
      order.push('waiting');
    });
    release();
    await first;
    const newcomer = gate.run(async () => {
      order.push('newcomer');
    });
    await Promise.all([waiting, newcomer]);
    expect(order).toEqual(['waiting', 'newcomer']);
  });

  it('refuses a limit below 1', async () => {
    expect(() => new TaskGate(0)).toThrow(RangeError);
  });
});
