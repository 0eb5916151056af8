import { Finishing } from '../../src/patching/finishing';
import { buildReport, readResult } from '../../src/patching';
import { invocation, runningScan, unitWorld, type UnitWorld } from './unit-fixtures';

describe('Finishing', () => {
  let world: UnitWorld;
  beforeEach(async () => {
    world = await unitWorld();
  });
  afterEach(async () => world.close());

  const current = async (id: string) => (await world.store.operations.get(id))!;

  /** The final report of a scan whose one invocation succeeded, stored as the tracker would. */
  async function finalOf(finishing: Finishing, id: string) {
    const op = await current(id);
    const commands = [{ command: op.commands[0]!, invocations: [invocation('i-1', 'Success')] }];
    return finishing.final(op, buildReport(op, commands, new Map(), []), commands, world.ctx.states.of(id));
  }

  it('publishes the result before the final status, and stores it in one step', async () => {
    const finishing = new Finishing(world.ctx, 3);
    const op = await runningScan(world);
    const report = await finalOf(finishing, op.id);
    expect(readResult(await current(op.id)).final?.status).toBe('succeeded');
    await finishing.finish(await current(op.id), report, world.ctx.states.of(op.id));
    expect((await current(op.id)).status).toBe('succeeded');
    expect(world.publisher.phases(op.id)).toEqual(['finished']);
    expect(readResult(await current(op.id)).published).toBe(true);
    expect(readResult(await current(op.id)).final).toBeUndefined();
  });

  it('keeps the operation running while Slack fails, ends it unpublished after the last attempt, and publishes that report once Slack answers', async () => {
    const finishing = new Finishing(world.ctx, 3);
    const op = await runningScan(world);
    const report = await finalOf(finishing, op.id);
    world.publisher.failNext = 3;
    for (let i = 0; i < 2; i++) {
      await finishing.finish(await current(op.id), report, world.ctx.states.of(op.id));
      expect((await current(op.id)).status).toBe('running');
    }
    await finishing.finish(await current(op.id), report, world.ctx.states.of(op.id));
    const ended = await current(op.id);
    expect(ended.status).toBe('succeeded');
    expect(readResult(ended).published).toBe(false);
    expect(finishing.watch.has(op.id)).toBe(true);

    await finishing.publishUnsent(ended);
    const shown = world.publisher.finished(op.id).at(-1);
    expect(shown?.report.status).toBe('succeeded');
    expect(shown?.report.finished).toBe(1);
    expect(readResult(await current(op.id)).published).toBe(true);
    expect(finishing.watch.has(op.id)).toBe(false);
  });
});
