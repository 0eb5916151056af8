/**
 * The simulator's state and the actions on it, without HTTP: partitions, issued credentials,
 * knobs, statistics. The server, the admin endpoints and the in-process helpers all call these
 * same methods.
 */
import { systemClock, type Clock } from '../shared/clock';
import { silentLogger, type Logger } from '../shared/logger';
import { Partition, partitionKey } from './partition';
import { Random, hashString } from './random';
import { DEFAULT_KNOBS, TokenBucket, type Knobs } from './knobs';
import { ChangeJournal } from './journal';
import { StatsRecorder, type Stats } from './stats';
import { DEFAULT_ACCOUNT, DEFAULT_REGION } from './identity';
import { SimulatorError } from './errors';
import { seedPartition } from './fleet/seed';
import { advanceCommands } from './fleet/commands';
import { advanceWindows, startWindowExecution } from './fleet/windows';
import { buildReport, patchGroupOf } from './fleet/compliance';
import { isReachable } from './fleet/targets';
import { ONE_DAY_MS } from './fleet/catalog';
import type { CatalogPatch, PingStatus, SimInstance } from './fleet/model';
import type {
  InstanceChanges,
  IssuedCredentials,
  KnobChanges,
  PartitionRef,
  PartitionSummary,
  PatchRelease,
  SimulatorOptions,
} from './simulator-options';

export type {
  Exchange,
  FleetSpec,
  InstanceChanges,
  IssuedCredentials,
  KnobChanges,
  PartitionRef,
  PartitionSummary,
  PatchRelease,
  SimulatorOptions,
} from './simulator-options';

/** The simulator core. */
export class Simulator {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly stats = new StatsRecorder();
  /** Change requests (SendCommand, RebootInstances, CreateTags, ...) as received. */
  readonly journal = new ChangeJournal();
  knobs: Knobs = DEFAULT_KNOBS;
  private partitions = new Map<string, Partition>();
  private issued = new Map<string, IssuedCredentials>();
  private credentialRandom: Random;
  /** How long the last rebuild took, in milliseconds. */
  lastBuildMs = 0;

  constructor(readonly options: SimulatorOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger();
    this.credentialRandom = Random.derive(this.seed, 'credentials');
    this.rebuild();
  }

  /** The seed everything derives from. */
  get seed(): number {
    return this.options.seed ?? 1;
  }

  /** Rebuilds every partition, knob and issued credential from the options; statistics start over too. */
  rebuild(): void {
    const started = performance.now();
    this.knobs = {
      latencyMs: this.options.latencyMs ?? DEFAULT_KNOBS.latencyMs,
      jitterMs: this.options.jitterMs ?? DEFAULT_KNOBS.jitterMs,
      throttleRps: this.options.throttleRps ?? DEFAULT_KNOBS.throttleRps,
      errorRate: this.options.errorRate ?? DEFAULT_KNOBS.errorRate,
      throttleRate: this.options.throttleRate ?? DEFAULT_KNOBS.throttleRate,
      timing: { ...DEFAULT_KNOBS.timing, ...this.options.timing },
      deny: this.options.deny ?? DEFAULT_KNOBS.deny,
      faults: (this.options.faults ?? DEFAULT_KNOBS.faults).map((f) => ({ ...f })),
    };
    this.partitions = new Map();
    this.issued = new Map();
    this.credentialRandom = Random.derive(this.seed, 'credentials');
    this.stats.reset();
    this.journal.clear();
    const fleets = this.options.fleets ?? [
      {
        account: DEFAULT_ACCOUNT,
        region: DEFAULT_REGION,
        ...(this.options.instances !== undefined ? { instances: this.options.instances } : {}),
      },
    ];
    const now = this.clock.now().getTime();
    for (const fleet of fleets) {
      const partition = this.createPartition(fleet.account, fleet.region, fleet.seed);
      seedPartition(partition, {
        ...(fleet.instances !== undefined ? { instances: fleet.instances } : {}),
        now,
        timing: this.knobs.timing,
      });
    }
    this.lastBuildMs = performance.now() - started;
  }

  private createPartition(account: string, region: string, seed?: number): Partition {
    const key = partitionKey(account, region);
    const partition = new Partition(account, region, seed ?? hashString(`${this.seed}:${key}`), this.clock.now());
    if (this.knobs.throttleRps > 0) partition.bucket = new TokenBucket(this.knobs.throttleRps);
    this.partitions.set(key, partition);
    return partition;
  }

  /** The partition of (account, region); created empty on first use, as a fresh account is. */
  partition(account: string, region: string): Partition {
    return this.partitions.get(partitionKey(account, region)) ?? this.createPartition(account, region);
  }

  /** The partition an admin action names. */
  partitionFor(ref: PartitionRef = {}): Partition {
    return this.partition(ref.account ?? DEFAULT_ACCOUNT, ref.region ?? DEFAULT_REGION);
  }

  /** Every partition, in creation order. */
  allPartitions(): Partition[] {
    return [...this.partitions.values()];
  }

  /** Settles commands and window tasks up to the clock's now. */
  advance(partition: Partition): number {
    const now = this.clock.now().getTime();
    do advanceCommands(partition, now);
    while (advanceWindows(partition, now, this.knobs.timing));
    return now;
  }

  /** The account an access key belongs to. */
  accountFor(accessKeyId: string | undefined): string {
    if (!accessKeyId) return DEFAULT_ACCOUNT;
    return this.issued.get(accessKeyId)?.account ?? this.options.accessKeys?.[accessKeyId] ?? DEFAULT_ACCOUNT;
  }

  /** Credentials previously issued by AssumeRole. */
  issuedCredentials(accessKeyId: string | undefined): IssuedCredentials | undefined {
    return accessKeyId ? this.issued.get(accessKeyId) : undefined;
  }

  /** Issues temporary credentials for a role (AssumeRole). */
  issueCredentials(roleArn: string, account: string, sessionName: string, durationSeconds: number): IssuedCredentials {
    const r = this.credentialRandom;
    const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
    const roleId = `AROA${r.upper(17)}`;
    const credentials: IssuedCredentials = {
      accessKeyId: `ASIA${r.upper(16)}`,
      secretAccessKey: r.hex(40),
      sessionToken: `FwoGZXIvYXdzE${r.hex(120)}`,
      expiration: new Date(this.clock.now().getTime() + durationSeconds * 1000),
      account,
      roleArn,
      assumedRoleId: `${roleId}:${sessionName}`,
      assumedRoleArn: `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`,
    };
    this.issued.set(credentials.accessKeyId, credentials);
    return credentials;
  }

  /** Changes knobs at run time; the bucket of every partition follows the new rate. */
  configure(changes: KnobChanges): Knobs {
    const timing = { ...this.knobs.timing, ...changes.timing };
    const { timing: _ignored, ...rest } = changes;
    this.knobs = { ...this.knobs, ...stripUndefined(rest), timing };
    // Rules count down as they apply: keep copies, not the caller's objects.
    if (changes.faults) this.knobs.faults = changes.faults.map((f) => ({ ...f }));
    for (const partition of this.partitions.values()) {
      if (this.knobs.throttleRps <= 0) partition.bucket = undefined;
      else if (partition.bucket) partition.bucket.setRate(this.knobs.throttleRps);
      else partition.bucket = new TokenBucket(this.knobs.throttleRps);
    }
    return this.knobs;
  }

  /** Starts a maintenance window execution now. */
  executeWindow(
    windowIdOrName: string,
    ref: PartitionRef = {},
  ): { windowExecutionId: string; windowId: string; account: string; region: string } {
    const partition = this.partitionFor(ref);
    const now = this.advance(partition);
    const window = partition.findWindow(windowIdOrName);
    if (!window)
      throw new SimulatorError(
        'NotFound',
        `Maintenance window ${windowIdOrName} does not exist in ${partition.key}.`,
        404,
      );
    const execution = startWindowExecution(partition, window, now, this.knobs.timing);
    this.advance(partition);
    return {
      windowExecutionId: execution.id,
      windowId: window.id,
      account: partition.account,
      region: partition.region,
    };
  }

  /** Changes an instance's agent, power state or next-command outcome. */
  setInstance(instanceId: string, changes: InstanceChanges, ref: PartitionRef = {}): SimInstance {
    const partition = this.partitionFor(ref);
    const now = this.advance(partition);
    const instance = partition.instances.get(instanceId);
    if (!instance)
      throw new SimulatorError('NotFound', `Instance ${instanceId} does not exist in ${partition.key}.`, 404);
    if (changes.state && changes.state !== instance.state) {
      instance.state = changes.state;
      instance.stateChangedAt = new Date(now);
    }
    const ping = changes.pingStatus ?? (changes.state === 'running' ? 'Online' : undefined);
    if (instance.state === 'stopped') setPing(instance, 'ConnectionLost', now);
    else if (ping) setPing(instance, ping, now);
    if (changes.failNext !== undefined) instance.failNext = changes.failNext;
    for (const [key, value] of Object.entries(changes.tags ?? {})) {
      if (value === '') instance.tags.delete(key);
      else instance.tags.set(key, value);
    }
    return instance;
  }

  /** Releases a new patch to some instances (by id or patch group). */
  releasePatch(release: PatchRelease, ref: PartitionRef = {}): { patchId: string; os: string; instanceIds: string[] } {
    const partition = this.partitionFor(ref);
    const now = this.advance(partition);
    let instances: SimInstance[];
    if (release.instanceIds && release.instanceIds.length > 0) {
      instances = release.instanceIds.map((id) => {
        const instance = partition.instances.get(id);
        if (!instance) throw new SimulatorError('NotFound', `Instance ${id} does not exist in ${partition.key}.`, 404);
        return instance;
      });
    } else if (release.group) {
      instances = partition.instanceList.filter((i) => patchGroupOf(i) === release.group);
      if (instances.length === 0)
        throw new SimulatorError(
          'NotFound',
          `No instance is in patch group ${release.group} in ${partition.key}.`,
          404,
        );
    } else {
      throw new SimulatorError('BadRequest', 'Give instanceIds or group.', 400);
    }
    const os = instances[0]?.os;
    if (!os || instances.some((i) => i.os !== os))
      throw new SimulatorError(
        'BadRequest',
        'The instances run different operating systems; release one patch per OS.',
        400,
      );
    if (partition.catalog.find(release.title))
      throw new SimulatorError('Conflict', `Patch ${release.title} already exists.`, 409);
    const patch: CatalogPatch = {
      id: release.title,
      os,
      title: release.title,
      kbId: release.kbId ?? release.title,
      classification: release.classification,
      severity: release.severity,
      releaseDate: new Date(now - release.releasedDaysAgo * ONE_DAY_MS),
    };
    partition.catalog.add(patch);
    for (const instance of instances) {
      instance.patches.set(patch.id, { patch, state: 'MISSING' });
      // A scan only reaches running instances whose agent answers.
      if (release.rescan && isReachable(instance)) {
        instance.reported = buildReport(
          instance,
          partition.baselineFor(instance),
          'Scan',
          { start: now - 60_000, end: now },
          partition.ids.uuid(),
        );
      }
    }
    return { patchId: patch.id, os, instanceIds: instances.map((i) => i.id) };
  }

  /** The statistics so far. */
  snapshotStats(): Stats {
    return this.stats.snapshot();
  }

  /** A summary of every partition that has instances or was seeded. */
  summary(): PartitionSummary[] {
    return this.allPartitions().map((partition) => {
      const groups: Record<string, number> = {};
      for (const instance of partition.instanceList) {
        const group = patchGroupOf(instance) || '(none)';
        groups[group] = (groups[group] ?? 0) + 1;
      }
      return {
        account: partition.account,
        region: partition.region,
        instances: partition.instanceList.length,
        groups,
        windows: [...partition.windows.values()].map((w) => ({ id: w.id, name: w.name, schedule: w.schedule })),
        baselines: [...partition.baselines.values()].map((b) => ({ id: b.id, name: b.name, os: b.os })),
      };
    });
  }
}

function setPing(instance: SimInstance, ping: PingStatus, now: number): void {
  if (instance.pingStatus === 'Online' && ping !== 'Online') instance.lastPingAt = new Date(now);
  instance.pingStatus = ping;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
