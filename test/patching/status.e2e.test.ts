import type { InstancePatchState, ManagedInstance } from '../../src/aws';
import { ManualClock, systemClock } from '../../src/clock';
import { computeGroupStatus, computeGroupStatusInTurns, groupStatus } from '../../src/patching';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { sandboxFleet } from '../support/aws';
import { FAST, groupOf, testConfig } from './helpers';

const HOUR = 3_600_000;

function instance(id: string, name: string | undefined, overrides: Partial<ManagedInstance> = {}): ManagedInstance {
  return {
    instanceId: id,
    name,
    pingStatus: 'Online',
    lastPingAt: undefined,
    platformName: 'Amazon Linux',
    platformVersion: '2',
    agentVersion: '3',
    ec2State: 'running',
    ...overrides,
  };
}

function state(id: string, endedAt: Date, counts: Partial<InstancePatchState> = {}): InstancePatchState {
  return {
    instanceId: id,
    patchGroup: 'PRD',
    baselineId: 'pb-1',
    operation: 'Scan',
    operationEndTime: endedAt,
    rebootOption: undefined,
    installedCount: 10,
    installedOtherCount: 0,
    installedPendingRebootCount: 0,
    installedRejectedCount: 0,
    missingCount: 0,
    failedCount: 0,
    notApplicableCount: 0,
    criticalNonCompliantCount: 0,
    securityNonCompliantCount: 0,
    otherNonCompliantCount: 0,
    lastNoRebootInstallOperationTime: undefined,
    ...counts,
  };
}

describe('groupStatus against the seeded fleet', () => {
  let sim: FleetSimulator;
  let close: () => void;
  let gateways: ReturnType<typeof sandboxFleet>['gateways'];

  beforeAll(async () => {
    sim = await startFleetSimulator({ port: 0, seed: 7, timing: FAST });
    const fleet = sandboxFleet(sim.url);
    gateways = fleet.gateways;
    close = fleet.close;
  });
  afterAll(async () => {
    close();
    await sim.close();
  });

  it('PRD: counts, the non-compliant worst first, the lost agent unreachable and stale', async () => {
    const status = await groupStatus(groupOf(testConfig(), 'PRD'), gateways, systemClock);
    expect(status.failures).toEqual([]);
    expect(status.scopes).toEqual([{ scope: 'default', region: 'us-east-1', instances: 8 }]);
    // prd-db-2 carries the `PatchGroup` spelling, which the group's `Patch Group` tag does not find.
    expect(status.counts).toEqual({
      instances: 8,
      compliant: 5,
      nonCompliant: 3,
      pendingReboot: 1,
      failed: 0,
      unreachable: 1,
      stopped: 0,
      neverScanned: 0,
    });
    expect(status.nonCompliant.map((i) => i.name)).toEqual(['prd-web-3', 'prd-app-3', 'prd-cache-1']);
    expect(status.nonCompliant[0]).toMatchObject({ missing: 3, severity: { critical: 3, security: 3, other: 0 } });
    // prd-db-1 only waits for a reboot: pending reboot, not missing.
    expect(status.missingBySeverity).toEqual({ critical: 2, security: 2, other: 0 });
    expect(status.unreachable).toEqual([
      expect.objectContaining({ name: 'prd-app-3', pingStatus: 'ConnectionLost', ec2State: 'running' }),
    ]);
    // Its last scan is days old: flagged against the 24 h default.
    expect(status.stale.map((i) => i.name)).toEqual(['prd-app-3']);
    expect(status.scanAge.maxAgeMs).toBe(24 * HOUR);
    expect(status.scanAge.oldest!.getTime()).toBeLessThan(status.scanAge.newest!.getTime());
  });

  it('STG: the stopped instance is stopped and unreachable, known from EC2 alone (SSM does not list stopped nodes)', async () => {
    const status = await groupStatus(groupOf(testConfig(), 'STG'), gateways, systemClock);
    expect(status.counts).toMatchObject({ instances: 6, stopped: 1, unreachable: 1 });
    expect(status.unreachable).toEqual([
      expect.objectContaining({ name: 'stg-batch-1', ec2State: 'stopped', pingStatus: undefined }),
    ]);
  });

  it('a scope that cannot be read is a failure beside the scopes that can', async () => {
    const other = await startFleetSimulator({
      port: 0,
      seed: 3,
      deny: [{ action: 'ssm:DescribeInstanceInformation', account: '222222222222' }],
      fleets: [
        { account: '123456789012', region: 'us-east-1' },
        { account: '222222222222', region: 'us-east-1' },
      ],
    });
    const scopes = [
      { name: 'main', regions: ['us-east-1'] },
      { name: 'partner', roleArn: 'arn:aws:iam::222222222222:role/patchbot', regions: ['us-east-1'] },
    ];
    const fleet = sandboxFleet(other.url, scopes, 1);
    try {
      const status = await groupStatus(groupOf(testConfig(scopes), 'PRD'), fleet.gateways, systemClock);
      expect(status.scopes.map((s) => s.scope)).toEqual(['main']);
      expect(status.counts.instances).toBe(8);
      expect(status.failures).toEqual([
        { scope: 'partner', region: 'us-east-1', message: expect.stringContaining('ssm:DescribeInstanceInformation') },
      ]);
    } finally {
      fleet.close();
      await other.close();
    }
  });
});

describe('computeGroupStatus', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  const group = { name: 'PRD', scanMaxAgeMs: 24 * HOUR };

  it('classifies each kind of instance', () => {
    const recent = new Date(now.getTime() - HOUR);
    const old = new Date(now.getTime() - 48 * HOUR);
    const instances = [
      instance('i-ok', 'ok'),
      instance('i-crit', 'crit'),
      instance('i-reboot', 'reboot'),
      instance('i-failed', 'failed'),
      instance('i-lost', 'lost', { pingStatus: 'ConnectionLost' }),
      instance('i-stopped', 'stopped', { pingStatus: 'ConnectionLost', ec2State: 'stopped' }),
      instance('i-unmanaged', 'unmanaged', { pingStatus: undefined }),
      instance('i-gone', 'gone', { ec2State: 'terminated' }),
    ];
    const states = [
      state('i-ok', recent),
      state('i-crit', recent, { missingCount: 2, criticalNonCompliantCount: 2, securityNonCompliantCount: 1 }),
      state('i-reboot', recent, { installedPendingRebootCount: 1, securityNonCompliantCount: 1 }),
      state('i-failed', recent, { failedCount: 1, otherNonCompliantCount: 1 }),
      state('i-lost', old),
      state('i-stopped', old, { missingCount: 1, securityNonCompliantCount: 1 }),
      state('i-gone', old, { missingCount: 5 }),
      state('i-elsewhere', recent, { missingCount: 9 }),
    ];
    const status = computeGroupStatus({
      group,
      now,
      scopes: [{ scope: 'a', region: 'r', instances, states }],
      failures: [],
    });
    expect(status.counts).toEqual({
      instances: 7,
      compliant: 2,
      nonCompliant: 4,
      pendingReboot: 1,
      failed: 1,
      unreachable: 3,
      stopped: 1,
      neverScanned: 1,
    });
    // i-reboot misses nothing: its security count is a patch waiting for the reboot, shown as pending reboot, not as missing.
    expect(status.nonCompliant.map((i) => i.instanceId)).toEqual(['i-crit', 'i-stopped', 'i-failed', 'i-reboot']);
    expect(status.missingBySeverity).toEqual({ critical: 1, security: 2, other: 1 });
    expect(status.unreachable.map((i) => i.instanceId)).toEqual(['i-lost', 'i-stopped', 'i-unmanaged']);
    expect(status.stale.map((i) => i.instanceId)).toEqual(['i-unmanaged', 'i-lost', 'i-stopped']);
    expect(status.scanAge).toEqual({ oldest: old, newest: recent, maxAgeMs: 24 * HOUR });
  });

  it('handles 10,000 instances in well under a second', () => {
    const clock = new ManualClock(now);
    const instances: ManagedInstance[] = [];
    const states: InstancePatchState[] = [];
    for (let i = 0; i < 10_000; i++) {
      const id = `i-${i.toString(16).padStart(17, '0')}`;
      instances.push(instance(id, `prd-app-${i}`, i % 100 === 0 ? { pingStatus: 'ConnectionLost' } : {}));
      if (i % 50 === 49) continue;
      const missing = i % 7 === 0 ? 1 + (i % 5) : 0;
      states.push(
        state(id, new Date(now.getTime() - (i % 30) * HOUR), {
          missingCount: missing,
          criticalNonCompliantCount: i % 14 === 0 ? missing : 0,
          securityNonCompliantCount: missing,
        }),
      );
    }
    const started = performance.now();
    const status = computeGroupStatus({
      group,
      now: clock.now(),
      scopes: [{ scope: 'a', region: 'r', instances, states }],
      failures: [],
    });
    const ms = performance.now() - started;
    expect(ms).toBeLessThan(1000);
    expect(status.counts.instances).toBe(10_000);
    expect(status.counts.neverScanned).toBe(200);
    expect(status.counts.unreachable).toBe(100);
    expect(status.counts.compliant + status.counts.nonCompliant + status.counts.neverScanned).toBe(10_000);
    expect(status.nonCompliant.length).toBe(status.counts.nonCompliant);
    // Worst first: every critical instance before any that is only missing security patches.
    const firstNonCritical = status.nonCompliant.findIndex((i) => i.severity.critical === 0);
    expect(status.nonCompliant.slice(firstNonCritical).every((i) => i.severity.critical === 0)).toBe(true);
    expect(status.missingBySeverity.critical).toBe(status.nonCompliant.filter((i) => i.severity.critical > 0).length);
  });

  it('gives the same status a scope to a turn of the event loop, with the loop turning between scopes', async () => {
    const recent = new Date(now.getTime() - HOUR);
    const old = new Date(now.getTime() - 48 * HOUR);
    const scopes = ['a', 'b', 'c'].map((scope, n) => ({
      scope,
      region: 'r',
      instances: [
        instance(`i-${scope}1`, `${scope}-web`),
        instance(`i-${scope}2`, `${scope}-db`, { pingStatus: undefined }),
        instance(`i-${scope}3`, undefined, { pingStatus: 'ConnectionLost' }),
      ],
      states: [
        state(`i-${scope}1`, n === 1 ? old : recent, { missingCount: n, criticalNonCompliantCount: n }),
        state(`i-${scope}3`, recent, { failedCount: 1 }),
      ],
    }));
    const input = { group, now, scopes, failures: [{ scope: 'd', region: 'r', message: 'denied' }] };
    // Queued before the computation starts: it runs only if the computation lets the loop turn.
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    const inTurns = await computeGroupStatusInTurns(input);
    expect(turned).toBe(true);
    expect(inTurns).toEqual(computeGroupStatus(input));
    expect(inTurns.unmanaged?.total).toBe(3);
  });
});
