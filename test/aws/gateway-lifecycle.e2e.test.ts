/**
 * Changes through the gateway against the simulator: the patch lifecycle a real fleet goes
 * through, retries under throttling, and scopes in several accounts and regions.
 */
import type { CommandInvocation, FleetGateway, GroupTarget } from '../../src/aws';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { GROUPS, eventually, sandboxFleet } from '../support/aws';

const FAST = { pendingMs: 20, runMs: 60 };
const TERMINAL = new Set(['Success', 'Failed', 'Cancelled', 'TimedOut']);

/** Waits until every invocation of the command has finished and returns them. */
function finished(gw: FleetGateway, commandId: string): Promise<CommandInvocation[]> {
  return eventually(async () => {
    const invocations = await gw.listCommandInvocations(commandId);
    return invocations.length > 0 && invocations.every((i) => TERMINAL.has(i.status)) ? invocations : undefined;
  });
}

async function runPatch(
  gw: FleetGateway,
  group: GroupTarget,
  operation: 'Scan' | 'Install',
  rebootOption: 'RebootIfNeeded' | 'NoReboot',
  operationId: string,
) {
  const commandId = await gw.sendPatchCommand({
    operation,
    rebootOption,
    group,
    maxConcurrency: '50',
    maxErrors: '0',
    operationId,
    timeoutSeconds: 600,
  });
  return { commandId, invocations: await finished(gw, commandId) };
}

describe('patch lifecycle through the gateway', () => {
  let sim: FleetSimulator;
  let gw: FleetGateway;
  let close: () => void;

  beforeAll(async () => {
    sim = await startFleetSimulator({ port: 0, seed: 11, timing: FAST });
    const fleet = sandboxFleet(sim.url);
    gw = fleet.gateways[0]!;
    close = fleet.close;
  });
  afterAll(async () => {
    close();
    await sim.close();
  });

  it('scan, install with NoReboot, reboot, scan: patch states change as on a real fleet', async () => {
    const before = await gw.listPatchStates(GROUPS.STG);
    const missing = before.filter((s) => s.missingCount > 0);
    expect(missing.length).toBeGreaterThan(0);

    const scan = await runPatch(gw, GROUPS.STG, 'Scan', 'NoReboot', 'op-scan01');
    const reachable = scan.invocations.filter((i) => i.status === 'Success').map((i) => i.instanceId);
    expect(reachable.length).toBeGreaterThan(0);

    const install = await runPatch(gw, GROUPS.STG, 'Install', 'NoReboot', 'op-inst01');
    expect(install.invocations.filter((i) => i.status === 'Success').length).toBe(reachable.length);
    const afterInstall = await gw.getPatchStates(reachable);
    const pending = afterInstall.filter((s) => s.installedPendingRebootCount > 0);
    expect(pending.length).toBeGreaterThan(0);
    for (const s of afterInstall) {
      expect(s.operation).toBe('Install');
      expect(s.missingCount).toBe(0);
    }
    const pendingPatches = await gw.listInstancePatches([pending[0]!.instanceId], ['InstalledPendingReboot']);
    expect(pendingPatches.get(pending[0]!.instanceId)).toHaveLength(pending[0]!.installedPendingRebootCount);

    // A reboot changes the instance; SSM reports it at the next scan, as a real fleet does.
    await gw.rebootInstances(pending.map((s) => s.instanceId));
    await runPatch(gw, GROUPS.STG, 'Scan', 'NoReboot', 'op-scan02');
    const afterReboot = await gw.getPatchStates(pending.map((s) => s.instanceId));
    for (const s of afterReboot) {
      expect(s.installedPendingRebootCount).toBe(0);
      expect(s.missingCount).toBe(0);
      expect(s.installedCount).toBeGreaterThan(0);
    }
  });

  it('an unreachable agent ends Undeliverable and a restart finds the command by its Comment', async () => {
    const since = new Date(Date.now() - 60_000);
    const { commandId, invocations } = await runPatch(gw, GROUPS.PRD, 'Scan', 'NoReboot', 'op-prd001');
    const instances = await gw.listManagedInstances(GROUPS.PRD);
    const lost = instances.filter((i) => i.pingStatus !== 'Online').map((i) => i.instanceId);
    expect(lost.length).toBeGreaterThan(0);
    for (const inv of invocations.filter((i) => lost.includes(i.instanceId))) {
      expect(inv).toMatchObject({ status: 'Failed', statusDetails: 'Undeliverable' });
    }
    const found = await gw.findPatchCommands('op-prd001', since);
    expect(found.map((c) => c.commandId)).toEqual([commandId]);
    expect(found[0]?.parameters.Operation).toEqual(['Scan']);
    expect(await gw.findPatchCommands('op-unsent', since)).toEqual([]);
  });

  it('cancels a running command', async () => {
    sim.configure({ timing: { pendingMs: 2000, runMs: 5000 } });
    try {
      const commandId = await gw.sendPatchCommand({
        operation: 'Scan',
        rebootOption: 'NoReboot',
        group: GROUPS.PRD,
        maxConcurrency: '50',
        maxErrors: '0',
        operationId: 'op-cancel1',
        timeoutSeconds: 600,
      });
      await gw.cancelCommand(commandId);
      const invocations = await finished(gw, commandId);
      expect(invocations.some((i) => i.status === 'Cancelled')).toBe(true);
    } finally {
      sim.configure({ timing: FAST });
    }
  });
});

describe('retries under throttling', () => {
  it('ends in success when a third of the calls are throttled', async () => {
    const sim = await startFleetSimulator({ port: 0, seed: 5, instances: 300, throttleRate: 0.33 });
    const fleet = sandboxFleet(sim.url, undefined, 10);
    try {
      const gw = fleet.gateways[0]!;
      const instances = await gw.listManagedInstances(GROUPS.PRD);
      const states = await gw.getPatchStates(instances.map((i) => i.instanceId));
      expect(states.length).toBeGreaterThan(50);
      expect(sim.stats().throttled).toBeGreaterThan(0);
    } finally {
      fleet.close();
      await sim.close();
    }
  });
});

describe('accounts and regions', () => {
  it('each scope and region sees only its own instances', async () => {
    const sim = await startFleetSimulator({
      port: 0,
      seed: 9,
      fleets: [
        { account: '123456789012', region: 'us-east-1', instances: 40 },
        { account: '123456789012', region: 'eu-west-1', instances: 30 },
        { account: '222222222222', region: 'us-east-1', instances: 20 },
      ],
    });
    const fleet = sandboxFleet(sim.url, [
      { name: 'main', regions: ['us-east-1', 'eu-west-1'] },
      { name: 'partner', roleArn: 'arn:aws:iam::222222222222:role/patchbot', regions: ['us-east-1'] },
    ]);
    try {
      const seen = new Map<string, Set<string>>();
      for (const gw of fleet.gateways) {
        const ids = new Set<string>();
        for (const group of Object.values(GROUPS))
          for (const i of await gw.listManagedInstances(group)) ids.add(i.instanceId);
        seen.set(`${gw.scope}/${gw.region}`, ids);
      }
      expect([...seen.keys()]).toEqual(['main/us-east-1', 'main/eu-west-1', 'partner/us-east-1']);
      const all = [...seen.values()];
      for (const ids of all) expect(ids.size).toBeGreaterThan(0);
      const union = new Set(all.flatMap((s) => [...s]));
      expect(union.size).toBe(all.reduce((n, s) => n + s.size, 0));
      const partner = fleet.gateways.find((g) => g.scope === 'partner')!;
      expect((await partner.whoAmI()).account).toBe('222222222222');
      expect((await fleet.gateways[0]!.whoAmI()).account).toBe('123456789012');
    } finally {
      fleet.close();
      await sim.close();
    }
  });
});
