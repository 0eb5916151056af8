/**
 * Builds a partition's fleet from a seed: instances with Name and patch-group tags, the patch
 * baselines registered for the groups, maintenance windows, actual patch states and the
 * compliance report of a scan a few hours ago, plus one past run of each window as history
 * (the windows and their history are in seed-windows.ts).
 * The first twenty instances are a hand-written cast (one agent lost, one instance stopped, two
 * using the `PatchGroup` tag spelling); beyond twenty, instances are generated over STG/PRD/WIN.
 */
import { Random } from '../random';
import type { Partition } from '../partition';
import type { Timing } from '../knobs';
import { ONE_DAY_MS } from './catalog';
import { customBaseline, rule } from './baselines';
import { buildReport } from './compliance';
import { seedHistory, standardWindows } from './seed-windows';
import type { ActualPatch, CatalogPatch, OperatingSystem, PingStatus, SimInstance, InstanceStateName } from './model';

const HOUR_MS = 3_600_000;

/** How up to date an instance's disk is. */
type Profile = 'current' | 'recent' | 'behind' | 'pendingReboot';

interface Template {
  name: string;
  group: 'STG' | 'PRD' | 'WIN';
  am2?: 'SCAN' | 'INSTALL';
  profile: Profile;
  groupTagKey?: 'PatchGroup';
  ping?: PingStatus;
  state?: InstanceStateName;
}

/** The hand-written cast of the default fleet. */
const CAST: Template[] = [
  { name: 'stg-web-1', group: 'STG', am2: 'SCAN', profile: 'current' },
  { name: 'stg-web-2', group: 'STG', am2: 'SCAN', profile: 'recent' },
  { name: 'stg-app-1', group: 'STG', am2: 'INSTALL', profile: 'behind' },
  { name: 'stg-app-2', group: 'STG', am2: 'INSTALL', profile: 'current', groupTagKey: 'PatchGroup' },
  { name: 'stg-db-1', group: 'STG', am2: 'INSTALL', profile: 'recent' },
  { name: 'stg-batch-1', group: 'STG', profile: 'recent', state: 'stopped' },
  { name: 'stg-web-3', group: 'STG', am2: 'SCAN', profile: 'pendingReboot' },
  { name: 'prd-web-1', group: 'PRD', am2: 'SCAN', profile: 'current' },
  { name: 'prd-web-2', group: 'PRD', am2: 'SCAN', profile: 'recent' },
  { name: 'prd-web-3', group: 'PRD', am2: 'SCAN', profile: 'behind' },
  { name: 'prd-app-1', group: 'PRD', am2: 'INSTALL', profile: 'current' },
  { name: 'prd-app-2', group: 'PRD', am2: 'INSTALL', profile: 'recent' },
  { name: 'prd-app-3', group: 'PRD', am2: 'INSTALL', profile: 'behind', ping: 'ConnectionLost' },
  { name: 'prd-db-1', group: 'PRD', am2: 'INSTALL', profile: 'current' },
  { name: 'prd-db-2', group: 'PRD', am2: 'INSTALL', profile: 'behind', groupTagKey: 'PatchGroup' },
  { name: 'prd-cache-1', group: 'PRD', am2: 'SCAN', profile: 'pendingReboot' },
  { name: 'win-ad-1', group: 'WIN', am2: 'SCAN', profile: 'current' },
  { name: 'win-ad-2', group: 'WIN', am2: 'SCAN', profile: 'recent' },
  { name: 'win-iis-1', group: 'WIN', am2: 'INSTALL', profile: 'behind' },
  { name: 'win-iis-2', group: 'WIN', am2: 'INSTALL', profile: 'current' },
];

const ROLES: Record<Template['group'], string[]> = {
  STG: ['web', 'app', 'db', 'batch', 'cache'],
  PRD: ['web', 'app', 'db', 'batch', 'cache'],
  WIN: ['ad', 'iis', 'sql'],
};

/** How a partition's fleet is built. */
export interface SeedOptions {
  /** Instance count; the default cast of twenty when undefined. */
  instances?: number;
  now: number;
  /** Timings for the seeded history commands. */
  timing: Timing;
}

/** The default fleet size. */
export const DEFAULT_FLEET_SIZE = CAST.length;

/** Builds the fleet into an empty partition. */
export function seedPartition(partition: Partition, options: SeedOptions): void {
  const random = Random.derive(partition.seed, `fleet:${partition.key}`);
  const { now } = options;
  const count = options.instances ?? CAST.length;
  const usedIds = new Set<string>();
  const amiLinux = `ami-${random.hex(17)}`;
  const amiWindows = `ami-${random.hex(17)}`;
  const vpcId = `vpc-${random.hex(17)}`;
  const subnets = ['a', 'b', 'c'].map((zone) => ({
    zone: `${partition.region}${zone}`,
    id: `subnet-${random.hex(17)}`,
  }));

  const baselines = {
    STG: customBaseline(partition.ids, {
      name: 'STG-AL2Baseline',
      os: 'AMAZON_LINUX_2',
      description: 'Staging: Critical and Important security updates, approved one day after release.',
      rules: [rule('AMAZON_LINUX_2', ['Security'], ['Critical', 'Important'], 1, 'CRITICAL')],
      createdDate: new Date(now - 400 * ONE_DAY_MS),
    }),
    PRD: customBaseline(partition.ids, {
      name: 'PRD-AL2Baseline',
      os: 'AMAZON_LINUX_2',
      description: 'Production: Critical and Important security updates, approved 31 days after release.',
      rules: [rule('AMAZON_LINUX_2', ['Security'], ['Critical', 'Important'], 31, 'CRITICAL')],
      createdDate: new Date(now - 400 * ONE_DAY_MS),
    }),
    WIN: customBaseline(partition.ids, {
      name: 'WIN-WindowsBaseline',
      os: 'WINDOWS',
      description: 'Windows: critical and security updates, approved seven days after release.',
      rules: [rule('WINDOWS', ['CriticalUpdates', 'SecurityUpdates'], undefined, 7, 'CRITICAL')],
      createdDate: new Date(now - 400 * ONE_DAY_MS),
    }),
  };
  for (const [group, baseline] of Object.entries(baselines)) {
    partition.addBaseline(baseline);
    partition.registerPatchGroup(group, baseline.id);
  }

  // One Date per patch for when the fleet installed it: every instance shares it (Dates here are never changed in place).
  const installedAt = new Map<CatalogPatch, Date>();
  const groups: Template['group'][] = ['STG', 'STG', 'PRD', 'PRD', 'WIN'];
  const profiles: Profile[] = ['current', 'current', 'current', 'recent', 'recent', 'behind', 'pendingReboot'];
  for (let seq = 0; seq < count; seq++) {
    let template = CAST[seq];
    if (!template) {
      const group = groups[seq % groups.length] as Template['group'];
      const role = random.pick(ROLES[group]);
      const unhealthy = random.next();
      template = {
        name: `${group.toLowerCase()}-${role}-${seq + 1}`,
        group,
        am2: random.chance(0.5) ? 'SCAN' : 'INSTALL',
        profile: random.pick(profiles),
        ...(random.chance(0.05) ? { groupTagKey: 'PatchGroup' as const } : {}),
        ...(unhealthy < 0.01
          ? { ping: 'ConnectionLost' as const }
          : unhealthy < 0.015
            ? { state: 'stopped' as const }
            : {}),
      };
    }
    let id: string;
    do id = `i-${random.hex(17)}`;
    while (usedIds.has(id));
    usedIds.add(id);
    const os: OperatingSystem = template.group === 'WIN' ? 'WINDOWS' : 'AMAZON_LINUX_2';
    const subnet = subnets[seq % subnets.length] as { zone: string; id: string };
    // AWS keeps .0-.3 and .255 of a subnet for itself, so hosts run .4-.253.
    const ip = `10.${10 + Math.floor(seq / 64_000)}.${Math.floor(seq / 250) % 256}.${(seq % 250) + 4}`;
    const launchTime = new Date(now - random.int(30, 400) * ONE_DAY_MS - random.int(0, 86_399) * 1000);
    const state = template.state ?? 'running';
    const ping: PingStatus = state === 'stopped' ? 'ConnectionLost' : (template.ping ?? 'Online');
    const brokenSince = now - 5 * ONE_DAY_MS - random.int(0, 12) * HOUR_MS;
    const tags = new Map<string, string>([['Name', template.name]]);
    tags.set(template.groupTagKey ?? 'Patch Group', template.group);
    if (template.am2) tags.set('PatchWindowTaskAM2', template.am2);
    tags.set(
      'Environment',
      template.group === 'PRD' ? 'production' : template.group === 'STG' ? 'staging' : 'corporate',
    );
    const role = template.name.split('-')[1] ?? 'app';
    const instance: SimInstance = {
      id,
      seq,
      name: template.name,
      tags,
      os,
      platformType: os === 'WINDOWS' ? 'Windows' : 'Linux',
      platformName: os === 'WINDOWS' ? 'Microsoft Windows Server 2022 Datacenter' : 'Amazon Linux',
      platformVersion: os === 'WINDOWS' ? '10.0.20348' : '2',
      computerName:
        os === 'WINDOWS'
          ? `EC2AMAZ-${random.upper(7)}`
          : `ip-${ip.replace(/\./g, '-')}.${partition.region === 'us-east-1' ? 'ec2.internal' : `${partition.region}.compute.internal`}`,
      instanceType: os === 'WINDOWS' ? 'm5.xlarge' : role === 'db' ? 'r6i.large' : 't3.medium',
      imageId: os === 'WINDOWS' ? amiWindows : amiLinux,
      availabilityZone: subnet.zone,
      subnetId: subnet.id,
      vpcId,
      privateIp: ip,
      reservationId: `r-${random.hex(17)}`,
      launchTime,
      registrationDate: new Date(launchTime.getTime() + 4 * 60_000),
      agentVersion: '3.3.1142.0',
      ssmManaged: true,
      state,
      stateChangedAt: state === 'stopped' ? new Date(brokenSince) : launchTime,
      pingStatus: ping,
      lastPingAt: new Date(ping === 'Online' ? now - random.int(5, 290) * 1000 : brokenSince),
      failNext: false,
      patches: actualPatches(partition, os, role, template.profile, now, installedAt),
    };
    const scanEnd = ping === 'Online' ? now - 3 * HOUR_MS - random.int(0, 20) * 60_000 : brokenSince - HOUR_MS;
    const times = { start: scanEnd - random.int(60, 180) * 1000, end: scanEnd };
    const baseline = partition.baselineFor(instance);
    instance.reported =
      template.profile === 'pendingReboot'
        ? buildReport(instance, baseline, 'Install', times, partition.ids.uuid(), 'NoReboot')
        : buildReport(instance, baseline, 'Scan', times, partition.ids.uuid());
    partition.addInstance(instance);
  }

  for (const window of standardWindows(partition, now)) partition.windows.set(window.id, window);
  seedHistory(partition, now, options.timing);
}

/** The actual state of every catalog patch on a new instance, by how up to date it is. */
function actualPatches(
  partition: Partition,
  os: OperatingSystem,
  role: string,
  profile: Profile,
  now: number,
  installedAt: Map<CatalogPatch, Date>,
): Map<string, ActualPatch> {
  const patches = new Map<string, ActualPatch>();
  const missingWithinDays = profile === 'behind' ? 90 : profile === 'recent' ? 30 : 3;
  for (const patch of partition.catalog.forOs(os)) {
    if (patch.roles && !patch.roles.includes(role)) {
      patches.set(patch.id, { patch, state: 'NOT_APPLICABLE' });
      continue;
    }
    const ageDays = (now - patch.releaseDate.getTime()) / ONE_DAY_MS;
    if (ageDays <= missingWithinDays) {
      patches.set(patch.id, { patch, state: 'MISSING' });
      continue;
    }
    let installedTime = installedAt.get(patch);
    if (!installedTime) {
      installedTime = new Date(patch.releaseDate.getTime() + Math.min(ageDays - 1, 2) * ONE_DAY_MS);
      installedAt.set(patch, installedTime);
    }
    const pending = profile === 'pendingReboot' && ageDays <= 10;
    patches.set(patch.id, { patch, state: pending ? 'INSTALLED_PENDING_REBOOT' : 'INSTALLED', installedTime });
  }
  return patches;
}
