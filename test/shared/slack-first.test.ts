import { SlackFirst } from '../../src/shared/slack-first';

/** Whether `p` has settled by now (after the microtasks already queued). */
async function settledYet(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => {
    done = true;
  });
  await Promise.resolve();
  await Promise.resolve();
  return done;
}

describe('SlackFirst', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('lets a request go at once while no Slack request is open', async () => {
    const first = new SlackFirst(1000);
    expect(await settledYet(first.turn())).toBe(true);
  });

  it('holds a request until the open Slack requests are all acknowledged', async () => {
    const first = new SlackFirst(1000);
    const ackA = first.arrived();
    const ackB = first.arrived();
    const turn = first.turn();
    jest.advanceTimersByTime(100);
    ackA();
    expect(await settledYet(turn)).toBe(false);
    ackB();
    expect(await settledYet(turn)).toBe(true);
    expect(first.pending).toBe(0);
  });

  it('counts an acknowledgement once however often it is reported', async () => {
    const first = new SlackFirst(1000);
    const ackA = first.arrived();
    first.arrived();
    ackA();
    ackA();
    expect(first.pending).toBe(1);
  });

  it('lets a request go after the longest wait while new Slack requests keep arriving', async () => {
    const first = new SlackFirst(1000);
    first.arrived();
    const turn = first.turn();
    jest.advanceTimersByTime(600);
    first.arrived();
    jest.advanceTimersByTime(399);
    expect(await settledYet(turn)).toBe(false);
    jest.advanceTimersByTime(1);
    expect(await settledYet(turn)).toBe(true);
    expect(first.pending).toBe(1);
  });

  it('stops counting a Slack request left open past the longest wait', () => {
    const first = new SlackFirst(1000);
    first.arrived();
    jest.advanceTimersByTime(999);
    expect(first.pending).toBe(1);
    jest.advanceTimersByTime(1);
    expect(first.pending).toBe(0);
  });

  it('never waits with a longest wait of 0, and refuses a negative one', async () => {
    const first = new SlackFirst(0);
    first.arrived();
    expect(await settledYet(first.turn())).toBe(true);
    expect(() => new SlackFirst(-1)).toThrow(RangeError);
  });
});
