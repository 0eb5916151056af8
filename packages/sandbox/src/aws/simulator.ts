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
import { ObjectStore } from './s3/object-store';
import { InstanceS3 } from './s3/instance-access';
import { StatsRecorder, type Stats } from './stats';
import { DEFAULT_ACCOUNT, DEFAULT_REGION } from './identity';
import { SimulatorError } from './errors';
import { seedPartition } from './fleet/seed';
import { advanceCommands } from './fleet/commands';
import { advanceWindows, startWindowExecution } from './fleet/windows';
import { patchGroupOf } from './fleet/compliance';
import type { SimInstance } from './fleet/model';
import { changeInstance, releaseFleetPatch } from './fleet-changes';
import { launchUnmanaged } from './fleet/launch';
import { DOCUMENT_NAME, calendarAt, calendarTime } from './calendar/calendar-model';
import type {
  CalendarSetting,
  CalendarSummary,
  InstanceChanges,
  IssuedCredentials,
  KnobChanges,
  PartitionRef,
  PartitionSummary,
  PatchRelease,
  SimulatorOptions,
  UnmanagedLaunch,
} from './simulator-options';

export type {
  CalendarSetting,
  CalendarSummary,
  Exchange,
  FleetSpec,
  InstanceChanges,
  IssuedCredentials,
  KnobChanges,
  PartitionRef,
  PartitionSummary,
  PatchRelease,
  SimulatorOptions,
  UnmanagedLaunch,
} from './simulator-options';

/** The simulator core. */
export class Simulator {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly stats = new StatsRecorder();
  /** Change requests (SendCommand, RebootInstances, CreateTags, ...) as received. */
  readonly journal = new ChangeJournal();
  /** S3's buckets: global, as bucket names are. */
  readonly s3 = new ObjectStore();
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
    this.s3.clear();
    for (const bucket of this.options.buckets ?? [])
      this.s3.createBucket(bucket.name, bucket.account ?? DEFAULT_ACCOUNT, bucket.region ?? DEFAULT_REGION);
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
    for (const { account, region, ...spec } of this.options.unmanagedInstances ?? [])
      launchUnmanaged(this.partitionFor({ account, region }), spec, now);
    this.lastBuildMs = performance.now() - started;
  }

  private createPartition(account: string, region: string, seed?: number): Partition {
    const key = partitionKey(account, region);
    const partition = new Partition(account, region, seed ?? hashString(`${this.seed}:${key}`), this.clock.now());
    partition.s3 = new InstanceS3(this.s3, () => this.knobs.deny, account, region);
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

  /** Settles commands and window tasks in every partition (S3 reads see every output written by now). */
  advanceAll(): void {
    for (const partition of this.partitions.values()) this.advance(partition);
  }

  /** Creates an empty S3 bucket owned by the partition's account, in its region. */
  createBucket(name: string, ref: PartitionRef = {}): { name: string; account: string; region: string } {
    const partition = this.partitionFor(ref);
    const bucket = this.s3.createBucket(name, partition.account, partition.region);
    return { name: bucket.name, account: bucket.account, region: bucket.region };
  }

  /** An object's bytes and type, after settling what is due (for tests and the admin API). */
  getObject(bucket: string, key: string): { body: Buffer; contentType: string } | undefined {
    this.advanceAll();
    const object = this.s3.bucket(bucket)?.objects.get(key);
    return object ? { body: object.body, contentType: object.contentType } : undefined;
  }

  /**
   * The InstallOverrideList a command's invocations fetched, parsed (the first instance's, or
   * `instanceId`'s): undefined until an invocation started or when it could not use the list.
   */
  overrideList(
    commandId: string,
    instanceId?: string,
  ): { url: string; patches: { id: string; title?: string }[]; instanceId: string } | undefined {
    this.advanceAll();
    for (const partition of this.partitions.values()) {
      const command = partition.commands.get(commandId);
      if (!command) continue;
      const used = command.invocations.find(
        (i) => i.overrideList && (instanceId === undefined || i.instanceId === instanceId),
      );
      return used?.overrideList ? { ...used.overrideList, instanceId: used.instanceId } : undefined;
    }
    return undefined;
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
    return changeInstance(partition, instanceId, changes, this.advance(partition));
  }

  /** Launches an EC2 instance no SSM agent registered (EC2 lists it; SSM does not know it). */
  launchUnmanaged(spec: UnmanagedLaunch, ref: PartitionRef = {}): SimInstance {
    return launchUnmanaged(this.partitionFor(ref), spec, this.clock.now().getTime());
  }

  /** Releases a new patch to some instances (by id or patch group). */
  releasePatch(release: PatchRelease, ref: PartitionRef = {}): { patchId: string; os: string; instanceIds: string[] } {
    const partition = this.partitionFor(ref);
    return releaseFleetPatch(partition, release, this.advance(partition));
  }

  /**
   * Creates or changes a ChangeCalendar document: its state now and, optionally, when it flips.
   * A transition at or before now is refused: it would have flipped already.
   */
  setCalendar(name: string, setting: CalendarSetting, ref: PartitionRef = {}): CalendarSummary {
    if (!DOCUMENT_NAME.test(name))
      throw new SimulatorError(
        'BadRequest',
        `Calendar name ${name} is not a valid document name: 3 to 128 letters, digits, _, - or .`,
      );
    const partition = this.partitionFor(ref);
    const now = this.clock.now().getTime();
    const next =
      setting.nextTransitionTime === undefined || setting.nextTransitionTime === null
        ? undefined
        : new Date(setting.nextTransitionTime).getTime();
    if (next !== undefined && Number.isNaN(next))
      throw new SimulatorError('BadRequest', 'nextTransitionTime must be an ISO 8601 date-time or null.');
    if (next !== undefined && next <= now)
      throw new SimulatorError(
        'BadRequest',
        `nextTransitionTime ${calendarTime(next)} is not after the simulator's now (${calendarTime(now)}).`,
      );
    partition.calendars.set(name, {
      name,
      state: setting.state,
      ...(next !== undefined ? { nextTransitionAt: next } : {}),
    });
    return this.calendarSummary(name, ref) as CalendarSummary;
  }

  /** A calendar's state at the simulator's now, or undefined when it does not exist. */
  calendarSummary(name: string, ref: PartitionRef = {}): CalendarSummary | undefined {
    const partition = this.partitionFor(ref);
    const calendar = partition.calendars.get(name);
    if (!calendar) return undefined;
    const { state, next } = calendarAt(calendar, this.clock.now().getTime());
    return {
      name,
      account: partition.account,
      region: partition.region,
      state,
      nextTransitionTime: next === undefined ? null : calendarTime(next),
    };
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

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
