/** The window results poller against the simulator: an execution is returned once, across restarts, only after it finished. */
import { join } from 'node:path';
import type { FleetGateway } from '../../src/aws';
import { systemClock } from '../../src/clock';
import { silentLogger } from '../../src/logger';
import {
  buildDigest,
  markPosted,
  pollCompliance,
  pollWindows,
  recordDigest,
  type WindowPollDeps,
  type WindowResult,
} from '../../src/patching/poll';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { openStore, type Store } from '../../src/store';
import { eventually, sandboxFleet } from '../support/aws';
import { FAST, groupOf, tempDir, testConfig } from './helpers';

describe('pollWindows and the digest', () => {
  let sim: FleetSimulator;
  let gateways: FleetGateway[];
  let closeFleet: () => void;
  let store: Store;
  let path: string;
  let cleanup: () => void;
  const config = testConfig();
  const deps = (): WindowPollDeps => ({
    store,
    gateways,
    groups: config.groups,
    clock: systemClock,
    logger: silentLogger(),
  });
  const open = async () => await openStore({ path, logger: silentLogger(), clock: systemClock });

  beforeAll(async () => {
    sim = await startFleetSimulator({ port: 0, seed: 7, timing: FAST });
    const fleet = sandboxFleet(sim.url);
    gateways = fleet.gateways;
    closeFleet = fleet.close;
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    path = join(tmp.dir, 'patchbot.db');
    store = await open();
  });
  afterAll(async () => {
    await store.close();
    closeFleet();
    await sim.close();
    cleanup();
  });

  /** Polls until a result for `executionId` shows up. */
  async function waitFor(executionId: string): Promise<WindowResult> {
    return eventually(
      async () => {
        const { results, failures } = await pollWindows(deps());
        expect(failures).toEqual([]);
        const others = results.filter((r) => r.executionId !== executionId);
        expect(others).toEqual([]);
        return results.find((r) => r.executionId === executionId);
      },
      15_000,
      50,
    );
  }

  it('the first poll marks past executions seen and returns nothing', async () => {
    expect((await pollWindows(deps())).results).toEqual([]);
    expect((await pollWindows(deps())).results).toEqual([]);
  });

  it('an execution started through the simulator is returned once it finished, with its tasks', async () => {
    const { windowExecutionId, windowId } = sim.executeWindow('patch-window-am2');
    // While it runs nothing is returned.
    expect((await pollWindows(deps())).results).toEqual([]);
    const result = await waitFor(windowExecutionId);
    expect(result).toMatchObject({
      scope: 'default',
      region: 'us-east-1',
      windowId,
      windowName: 'patch-window-am2',
      groups: [],
    });
    expect(['SUCCESS', 'FAILED', 'TIMED_OUT']).toContain(result.status);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(result.tasks.length).toBeGreaterThan(0);
    expect(result.tasks.map((t) => t.operation)).toEqual(expect.arrayContaining(['Scan']));
    for (const t of result.tasks) expect(t.taskArn).toBe('AWS-RunPatchBaseline');

    // Not marked yet (say Slack failed): the next poll returns it again.
    expect((await pollWindows(deps())).results.map((r) => r.executionId)).toEqual([windowExecutionId]);
    expect(await markPosted(store, result)).toBe(true);
    expect(await markPosted(store, result)).toBe(false);
    expect((await pollWindows(deps())).results).toEqual([]);

    // A restart on the same file: nothing again.
    await store.close();
    store = await open();
    expect((await pollWindows(deps())).results).toEqual([]);
  });

  it('failed instances carry SSM status details', async () => {
    const prdIds = (
      await gateways[0]!.listManagedInstances({
        tagKey: 'Patch Group',
        tagValue: 'PRD',
        operatingSystem: 'AMAZON_LINUX_2',
      })
    ).filter((i) => i.pingStatus === 'Online' && i.ec2State === 'running');
    const victim = prdIds[0]!;
    sim.setInstance(victim.instanceId, { failNext: true });
    const { windowExecutionId } = sim.executeWindow('patch-prd');
    const result = await waitFor(windowExecutionId);
    expect(result.groups).toEqual(['PRD']);
    const failed = result.tasks.flatMap((t) => t.failed);
    expect(failed).toEqual(
      expect.arrayContaining([expect.objectContaining({ instanceId: victim.instanceId, status: 'Failed' })]),
    );
    // The seeded fleet's unreachable PRD instance fails too, with SSM's detail.
    for (const f of failed) expect(f.statusDetails).toEqual(expect.any(String));
    // Named by the EC2 Name tag, as every other answer names instances (not Run Command's host name).
    expect(victim.name).toEqual(expect.any(String));
    expect(failed.find((f) => f.instanceId === victim.instanceId)?.name).toBe(victim.name);
    await markPosted(store, result);
  });

  it('digest data for the seeded fleet, and the change since the last digest', async () => {
    const prd = groupOf(config, 'PRD');
    await pollCompliance(deps(), prd);
    const pending = await store.operations.create({
      kind: 'install',
      group: 'PRD',
      status: 'pending',
      requestedBy: 'U0OPS',
      channel: 'C0PRD',
      params: { rebootOption: 'RebootIfNeeded', maxConcurrency: '10%', maxErrors: '1' },
      expiresAt: new Date(Date.now() + 3600_000),
    });
    const first = await buildDigest(deps(), 'C0PRD', [prd]);
    expect(first).toMatchObject({ channel: 'C0PRD', since: undefined, failures: [] });
    const g = first.groups[0]!;
    expect(g.group).toBe('PRD');
    expect(g.instances).toBeGreaterThan(0);
    expect(g.compliant + g.nonCompliant).toBeLessThanOrEqual(g.instances);
    expect(g.rate).toBeCloseTo(g.compliant / g.instances);
    expect(g.changeSinceLast).toBeUndefined();
    expect(g.pendingApprovals).toEqual([
      { operationId: pending.id, kind: 'install', requestedBy: 'U0OPS', expiresAt: pending.expiresAt },
    ]);
    expect(g.windowRuns.map((r) => r.windowName)).toEqual(['patch-prd']);
    expect(g.mostMissed.length).toBeGreaterThan(0);
    expect(g.mostMissed.map((m) => m.instances)).toEqual(
      [...g.mostMissed.map((m) => m.instances)].sort((a, b) => b - a),
    );
    expect(g.staleScans).toBeGreaterThanOrEqual(0);
    expect(g.unreachable).toBeGreaterThanOrEqual(0);

    await recordDigest(store, first);
    const second = await buildDigest(deps(), 'C0PRD', [prd]);
    expect(second.since).toEqual(first.generatedAt);
    expect(second.groups[0]!.changeSinceLast).toEqual({ compliantDelta: 0, nonCompliantDelta: 0 });
    expect(second.groups[0]!.windowRuns).toEqual([]);
  });
});
