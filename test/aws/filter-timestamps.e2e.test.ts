/**
 * SSM's time filters (ListCommands InvokedAfter, DescribeMaintenanceWindowExecutions ExecutedAfter)
 * take whole seconds as documented; the gateway rounds its bound down, so an item of the bound's own
 * second is still found.
 */
import { ManualClock } from '../../src/clock';
import type { Fleet, FleetGateway } from '../../src/aws';
import { filterTimestamp } from '../../src/aws/gateway';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { GROUPS, sandboxFleet } from '../support/aws';

describe('filterTimestamp', () => {
  it('writes whole seconds, rounded down', () => {
    expect(filterTimestamp(new Date('2026-12-02T02:00:37.268Z'))).toBe('2026-12-02T02:00:37Z');
    expect(filterTimestamp(new Date('2026-12-02T02:00:37.999Z'))).toBe('2026-12-02T02:00:37Z');
    expect(filterTimestamp(new Date('2026-12-02T02:00:37Z'))).toBe('2026-12-02T02:00:37Z');
  });
});

describe('time filters against the simulator', () => {
  const clock = new ManualClock('2026-12-02T02:00:37.100Z');
  let sim: FleetSimulator;
  let fleet: Fleet;
  let gw: FleetGateway;

  beforeAll(async () => {
    sim = await startFleetSimulator({ port: 0, seed: 7, clock, timing: { pendingMs: 20, runMs: 60 } });
    fleet = sandboxFleet(sim.url);
    gw = fleet.gateways[0] as FleetGateway;
  });
  afterAll(async () => {
    fleet.close();
    await sim.close();
  });

  it('finds a command sent earlier within the same second as the bound, and nothing is refused', async () => {
    sim.resetStats();
    clock.set('2026-12-02T02:00:37.100Z');
    const commandId = await gw.sendPatchCommand({
      operation: 'Scan',
      rebootOption: 'NoReboot',
      group: GROUPS.STG,
      maxConcurrency: '50',
      maxErrors: '0',
      operationId: 'op-filterts',
      timeoutSeconds: 600,
    });
    clock.set('2026-12-02T02:00:37.500Z');
    const found = await gw.findPatchCommands('op-filterts', new Date('2026-12-02T02:00:37.268Z'));
    expect(found.map((c) => c.commandId)).toEqual([commandId]);
    expect(sim.stats().rejected).toEqual({});
  });

  it('finds a window execution started earlier within the same second as the bound', async () => {
    sim.resetStats();
    clock.set('2026-12-02T03:00:05.050Z');
    const [am2] = (await gw.listMaintenanceWindows()).filter((w) => w.name === 'patch-window-am2');
    const { windowExecutionId } = sim.executeWindow(am2!.windowId);
    clock.set('2026-12-02T03:00:05.900Z');
    const executions = await gw.listWindowExecutions(am2!.windowId, new Date('2026-12-02T03:00:05.800Z'));
    expect(executions.map((e) => e.executionId)).toEqual([windowExecutionId]);
    expect(sim.stats().rejected).toEqual({});
  });
});
