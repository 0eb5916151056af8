import { silentLogger } from '../../src/logger';
import { PublishSlots } from '../../src/patching/publish-slots';

/** One stuck publish never holds a pass: on jest's fake timers, no real waiting. */
describe('PublishSlots', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('waits for a quick publish to end', async () => {
    const slots = new PublishSlots(2000, silentLogger());
    let done = false;
    await slots.run('op-1', async () => {
      done = true;
    });
    expect(done).toBe(true);
    expect(slots.busy('op-1')).toBe(false);
  });

  it('gives up waiting for a hung publish after waitMs, keeps the operation busy until it ends, then frees it', async () => {
    const slots = new PublishSlots(2000, silentLogger());
    let finish: () => void = () => undefined;
    let returned = false;
    const run = slots.run('op-1', () => new Promise<void>((r) => (finish = r))).then(() => (returned = true));
    await jest.advanceTimersByTimeAsync(1999);
    expect(returned).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await run;
    expect(returned).toBe(true);
    expect(slots.busy('op-1')).toBe(true);
    expect(slots.busy('op-2')).toBe(false);
    finish();
    await jest.advanceTimersByTimeAsync(0);
    expect(slots.busy('op-1')).toBe(false);
  });

  it('logs a publish that throws instead of rejecting the pass, and frees the slot', async () => {
    const slots = new PublishSlots(2000, silentLogger());
    await expect(slots.run('op-1', () => Promise.reject(new Error('slack down')))).resolves.toBeUndefined();
    expect(slots.busy('op-1')).toBe(false);
  });

  it('drains at stop for at most waitMs', async () => {
    const slots = new PublishSlots(500, silentLogger());
    const hung = slots.run('op-1', () => new Promise<void>(() => undefined));
    await jest.advanceTimersByTimeAsync(500);
    await hung;
    let drained = false;
    const drain = slots.drain().then(() => (drained = true));
    await jest.advanceTimersByTimeAsync(499);
    expect(drained).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await drain;
    expect(drained).toBe(true);
  });
});
