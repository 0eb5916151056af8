/**
 * One (account, region): its own fleet, baselines, windows, commands, executions, rate limiter and
 * random streams. Partitions never share data, as on AWS.
 */
import { Random, hashString } from './random';
import { FaultPlan, type TokenBucket } from './knobs';
import { PatchCatalog } from './fleet/catalog';
import { predefinedBaselines } from './fleet/baselines';
import { patchGroupOf } from './fleet/compliance';
import { FleetIndex } from './fleet/indexes';
import type { SimCalendar } from './calendar/calendar-model';
import type { InstanceS3 } from './s3/instance-access';
import type {
  Baseline,
  MaintenanceWindow,
  OperatingSystem,
  SimCommand,
  SimInstance,
  WindowExecution,
} from './fleet/model';

/** The key used in stats and paging tokens: `account/region`. */
export function partitionKey(account: string, region: string): string {
  return `${account}/${region}`;
}

/** One account's resources in one region. */
export class Partition {
  readonly key: string;
  /** Ids of everything created at run time (commands, executions, snapshots). */
  readonly ids: Random;
  /** Draws for latency jitter; separate so traffic does not shift ids. */
  readonly jitter: Random;
  /** Which requests get injected throttling or errors. */
  readonly faults: FaultPlan;
  bucket: TokenBucket | undefined;
  /** S3 as this partition's instances reach it (set by the simulator). */
  s3!: InstanceS3;
  catalog: PatchCatalog;
  readonly instances = new Map<string, SimInstance>();
  /** Instances in launch order. */
  readonly instanceList: SimInstance[] = [];
  /** Instances by tag, reported patch group, ping and state; change those only through it. */
  readonly index = new FleetIndex();
  readonly baselines = new Map<string, Baseline>();
  /** `group \u0000 os` → baseline id. */
  readonly patchGroups = new Map<string, string>();
  readonly defaultBaselines = new Map<OperatingSystem, string>();
  readonly windows = new Map<string, MaintenanceWindow>();
  readonly commands = new Map<string, SimCommand>();
  /** Commands with invocations still running; the only ones `advance` looks at. */
  readonly activeCommands = new Set<SimCommand>();
  readonly executions = new Map<string, WindowExecution>();
  readonly activeExecutions = new Set<WindowExecution>();
  /** ChangeCalendar documents by name (set through the admin API). */
  readonly calendars = new Map<string, SimCalendar>();

  constructor(
    readonly account: string,
    readonly region: string,
    readonly seed: number,
    createdAt: Date,
  ) {
    this.key = partitionKey(account, region);
    this.ids = Random.derive(seed, `ids:${this.key}`);
    this.jitter = Random.derive(seed, `jitter:${this.key}`);
    this.faults = new FaultPlan(Random.derive(seed, `faults:${this.key}`));
    this.catalog = PatchCatalog.standard(createdAt.getTime());
    const predefined = Random.derive(hashString(region), 'predefined-baselines');
    for (const baseline of predefinedBaselines(predefined, region, new Date(Date.UTC(2017, 0, 1)))) {
      this.addBaseline(baseline);
      this.defaultBaselines.set(baseline.os, baseline.id);
    }
  }

  /** Adds an instance at the end of the launch order. */
  addInstance(instance: SimInstance): void {
    this.instances.set(instance.id, instance);
    this.instanceList.push(instance);
    this.index.add(instance);
  }

  /** Adds a baseline. */
  addBaseline(baseline: Baseline): void {
    this.baselines.set(baseline.id, baseline);
  }

  /** Registers a baseline for a patch group (one baseline per group and operating system). */
  registerPatchGroup(group: string, baselineId: string): void {
    const baseline = this.baselines.get(baselineId);
    if (!baseline) throw new Error(`unknown baseline ${baselineId}`);
    this.patchGroups.set(`${group}\u0000${baseline.os}`, baselineId);
  }

  /** The baseline registered for (group, os), if any. */
  registeredBaseline(group: string, os: OperatingSystem): Baseline | undefined {
    const id = this.patchGroups.get(`${group}\u0000${os}`);
    return id === undefined ? undefined : this.baselines.get(id);
  }

  /** The default baseline for an operating system. */
  defaultBaseline(os: OperatingSystem): Baseline {
    const id = this.defaultBaselines.get(os);
    const baseline = id === undefined ? undefined : this.baselines.get(id);
    if (!baseline) throw new Error(`no default baseline for ${os}`);
    return baseline;
  }

  /** The baseline a patch operation on `instance` uses: its group's, else the default. */
  baselineFor(instance: SimInstance): Baseline {
    return this.registeredBaseline(patchGroupOf(instance), instance.os) ?? this.defaultBaseline(instance.os);
  }

  /** Finds a baseline by id or ARN. */
  findBaseline(id: string): Baseline | undefined {
    const direct = this.baselines.get(id);
    if (direct) return direct;
    for (const baseline of this.baselines.values()) if (baseline.id.endsWith(`/${id}`)) return baseline;
    return undefined;
  }

  /** Finds a window by id or name. */
  findWindow(idOrName: string): MaintenanceWindow | undefined {
    const direct = this.windows.get(idOrName);
    if (direct) return direct;
    for (const window of this.windows.values()) if (window.name === idOrName) return window;
    return undefined;
  }
}
