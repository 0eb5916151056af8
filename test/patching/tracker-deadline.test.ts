import { OperationRunner, OperationTracker, isTerminal } from '../../src/patching';
import { deadlineOf } from '../../src/patching/command-progress';
import { invocation, runningScan, unitWorld, type UnitWorld } from './unit-fixtures';
import { testConfig } from './helpers';

/** The tracker composed from its units, on a ManualClock: one pass at a time, no timers. */
describe('OperationTracker deadline', () => {
  let world: UnitWorld;
  let tracker: OperationTracker;
  const GRACE_MS = 30 * 60_000;
  beforeEach(async () => {
    world = await unitWorld();
    const deps = {
      store: world.store,
      gateways: [world.gateway],
      groups: testConfig().groups,
      clock: world.clock,
      logger: world.ctx.log,
    };
    tracker = new OperationTracker({
      ...deps,
      runner: new OperationRunner(deps),
      publisher: world.publisher,
      deadlineGraceMs: GRACE_MS,
      updatesPerMinute: 60_000,
    });
  });
  afterEach(async () => {
    await tracker.stop();
    world.close();
  });

  it('follows an operation whose commands never finish until its deadline, then ends it failed with its last progress', async () => {
    const op = await runningScan(world);
    world.invocations.current = [invocation('i-1', 'InProgress'), invocation('i-2', 'Pending')];
    await tracker.tick();
    world.clock.set(new Date(deadlineOf(op, GRACE_MS) - 1000));
    world.invocations.current = [invocation('i-1', 'Success'), invocation('i-2', 'InProgress')];
    await tracker.tick();
    expect((await world.store.operations.get(op.id))?.status).toBe('running');
    expect(world.publisher.phases(op.id)).toEqual(['started', 'progress']);

    world.clock.advance(1001);
    await tracker.tick();
    const ended = (await world.store.operations.get(op.id))!;
    expect(isTerminal(ended.status)).toBe(true);
    expect(ended.status).toBe('failed');
    const [finished] = world.publisher.finished(op.id);
    expect(finished?.report).toMatchObject({ total: 2, finished: 1, succeeded: 1 });
    // Ended for good: later passes leave it alone.
    await tracker.tick();
    expect(world.publisher.finished(op.id)).toHaveLength(1);
  });
});
