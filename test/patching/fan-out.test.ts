/** fanOut: every scope is asked at once, so one that hangs holds up no other; failures stay beside results. */
import { fanOut } from '../../src/patching/group-fleet';

const scopes = Array.from({ length: 20 }, (_, i) => ({ scope: `s${i}`, region: 'us-east-1' }));

describe('fanOut', () => {
  it('asks all 20 scopes at once, and the 19 answer while the first one still hangs', async () => {
    let release!: () => void;
    const hanging = new Promise<void>((r) => (release = r));
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const started: string[] = [];
    const answered: string[] = [];
    const run = fanOut(scopes, async (g) => {
      started.push(g.scope);
      await (g.scope === 's0' ? hanging : gate);
      answered.push(g.scope);
      return g.scope;
    });
    await Promise.resolve();
    // Every scope is in flight before any has answered: none waits for a slot.
    expect(started).toHaveLength(20);
    open();
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(answered).toHaveLength(19);
    expect(answered).not.toContain('s0');
    release();
    const out = await run;
    expect(out.results.map((r) => r.value)).toEqual(scopes.map((s) => s.scope));
  });

  it('keeps a failing scope as a failure beside the others', async () => {
    const out = await fanOut(scopes.slice(0, 3), async (g) => {
      if (g.scope === 's1') throw new Error('boom');
      return g.scope;
    });
    expect(out.results.map((r) => r.value)).toEqual(['s0', 's2']);
    expect(out.failures).toEqual([{ scope: 's1', region: 'us-east-1', message: expect.any(String) }]);
  });

  it('still honours an explicit concurrency', async () => {
    let release!: () => void;
    const hanging = new Promise<void>((r) => (release = r));
    const started: string[] = [];
    const run = fanOut(
      scopes.slice(0, 5),
      async (g) => {
        started.push(g.scope);
        await hanging;
      },
      { concurrency: 2 },
    );
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(started).toEqual(['s0', 's1']);
    release();
    await run;
  });
});
