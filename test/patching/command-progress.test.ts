import { CommandProgress, deadlineOf } from '../../src/patching/command-progress';
import { Finishing } from '../../src/patching/finishing';
import { UpdateBudget } from '../../src/patching/update-budget';
import { isTerminal } from '../../src/patching';
import { invocation, runningScan, unitWorld, type UnitWorld } from './unit-fixtures';

const GRACE_MS = 60_000;

describe('CommandProgress', () => {
  let world: UnitWorld;
  let progress: CommandProgress;
  let budget: UpdateBudget;
  beforeEach(async () => {
    world = await unitWorld();
    budget = new UpdateBudget(5000, 40);
    progress = new CommandProgress(world.ctx, new Finishing(world.ctx, 5), budget, {
      failureNoticeAfter: 3,
      deadlineGraceMs: GRACE_MS,
    });
  });
  afterEach(async () => world.close());

  const current = async (id: string) => (await world.store.operations.get(id))!;

  it('posts the first message while the command runs, and keeps the operation running', async () => {
    const op = await runningScan(world);
    world.invocations.current = [invocation('i-1', 'InProgress')];
    await progress.poll(op);
    expect(world.publisher.phases(op.id)).toEqual(['started']);
    expect((await current(op.id)).status).toBe('running');
    expect((await current(op.id)).messageTs).not.toBeNull();
  });

  it('ends an operation whose commands never finish at its deadline, and not a moment before', async () => {
    const op = await runningScan(world);
    world.invocations.current = [invocation('i-1', 'InProgress')];
    const deadline = deadlineOf(op, GRACE_MS);
    world.clock.set(new Date(deadline));
    await progress.poll(await current(op.id));
    expect((await current(op.id)).status).toBe('running');
    expect(world.publisher.finished(op.id)).toHaveLength(0);

    world.clock.advance(1);
    await progress.poll(await current(op.id));
    const ended = await current(op.id);
    expect(isTerminal(ended.status)).toBe(true);
    expect(ended.status).toBe('failed');
    const [finished] = world.publisher.finished(op.id);
    expect(finished?.report.total).toBe(1);
    expect(finished?.report.finished).toBe(0);
  });

  it('updates progress only when it changed and only as often as the budget allows', async () => {
    const op = await runningScan(world);
    world.invocations.current = [invocation('i-1', 'InProgress'), invocation('i-2', 'InProgress')];
    await progress.poll(op);
    world.invocations.current = [invocation('i-1', 'Success'), invocation('i-2', 'InProgress')];
    await progress.poll(await current(op.id));
    expect(world.publisher.phases(op.id)).toEqual(['started']);
    world.clock.advance(5000);
    await progress.poll(await current(op.id));
    expect(world.publisher.phases(op.id)).toEqual(['started', 'progress']);
    world.clock.advance(5000);
    await progress.poll(await current(op.id));
    // Nothing changed: no update, however long it has been.
    expect(world.publisher.phases(op.id)).toEqual(['started', 'progress']);
  });

  it('finishes as soon as every invocation is final and SSM lists no more coming', async () => {
    const op = await runningScan(world);
    world.invocations.current = [invocation('i-1', 'Success')];
    await progress.poll(op);
    expect((await current(op.id)).status).toBe('succeeded');
    expect(world.publisher.phases(op.id)).toEqual(['finished']);
  });
});
