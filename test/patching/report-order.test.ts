/** The order of a report's instance lines: what the card lists first is what needs a look first. */
import { buildReport } from '../../src/patching';
import type { CommandInvocation } from '../../src/patching/fleet-types';
import { invocation, managedInstance, runningScan, unitWorld, type UnitWorld } from './unit-fixtures';

describe('buildReport', () => {
  let world: UnitWorld;
  beforeEach(async () => {
    world = await unitWorld();
  });
  afterEach(async () => world.close());

  const named = (id: string, name: string | undefined) => managedInstance(id, { name });

  it('lists failures, then unreachable, cancelled, still running and succeeded, by name within each', async () => {
    const op = await runningScan(world);
    const with_ = (id: string, status: CommandInvocation['status'], statusDetails?: string): CommandInvocation => ({
      ...invocation(id, status),
      statusDetails,
    });
    const invocations = [
      with_('i-1', 'Success'),
      with_('i-2', 'InProgress'),
      with_('i-3', 'Failed', 'Undeliverable'),
      with_('i-4', 'Failed', 'Failed'),
      with_('i-5', 'Cancelled'),
      with_('i-6', 'TimedOut', 'Delivery Timed Out'),
      with_('i-7', 'TimedOut', 'Execution Timed Out'),
      with_('i-8', 'Success'),
      with_('i-9', 'Failed', 'Failed'),
    ];
    const names = new Map(
      [
        named('i-1', 'web-b'),
        named('i-2', 'app'),
        named('i-3', 'db'),
        named('i-4', 'zeta'),
        named('i-5', 'cache'),
        named('i-6', 'batch'),
        named('i-7', 'api'),
        named('i-8', 'web-a'),
        named('i-9', undefined),
      ].map((i) => [i.instanceId, i]),
    );
    const report = buildReport(op, [{ command: op.commands[0]!, invocations }], names, []);
    expect(report.outcomes.map((o) => o.name ?? o.instanceId)).toEqual([
      'api',
      'zeta',
      'i-9',
      'batch',
      'db',
      'cache',
      'app',
      'web-a',
      'web-b',
    ]);
    expect(report.unreachable.map((o) => o.instanceId)).toEqual(['i-6', 'i-3']);
    expect(report).toMatchObject({ total: 9, finished: 8, succeeded: 2, failed: 3 });
  });
});
