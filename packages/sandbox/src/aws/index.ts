/**
 * The sandbox AWS fleet simulator: an HTTP server on 127.0.0.1 that speaks SSM (JSON 1.1), EC2
 * (ec2Query/XML), STS (awsQuery/XML) and a path-style S3 (PutObject, GetObject) well enough that the unmodified AWS SDK v3 clients work
 * against it with only `endpoint` changed.
 */
import {
  Simulator,
  type CalendarSetting,
  type CalendarSummary,
  type InstanceChanges,
  type KnobChanges,
  type PartitionRef,
  type PatchRelease,
  type PartitionSummary,
  type SimulatorOptions,
  type UnmanagedLaunch,
} from './simulator';
import { listen, shutdown, HOST } from './server';
import type { Knobs } from './knobs';
import type { JournalEntry } from './journal';
import type { Stats } from './stats';

export type {
  CalendarSetting,
  CalendarSummary,
  SimulatorOptions,
  FleetSpec,
  KnobChanges,
  PartitionRef,
  InstanceChanges,
  PatchRelease,
  PartitionSummary,
  Exchange,
  UnmanagedLaunch,
} from './simulator';
export type { Stats, Counters } from './stats';
export type { JournalEntry } from './journal';
export type { Knobs, Timing, FaultRule } from './knobs';
export { ADMIN_ENDPOINTS } from './admin';

/** A running simulator with in-process helpers that mirror the admin endpoints. */
export interface FleetSimulator {
  /** `http://127.0.0.1:<port>`: the `endpoint` for SSM, EC2 and STS clients. */
  url: string;
  port: number;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
  /** Calls, rejections, throttling and injected errors so far. */
  stats(): Stats;
  /** Starts the statistics over. */
  resetStats(): void;
  /** Changes latency, throttling, fault rates or command timings at run time. */
  configure(changes: KnobChanges): Knobs;
  /** Starts an execution of a window (by id or name) now; as `POST /_sandbox/windows/{id}/execute`. */
  executeWindow(
    windowIdOrName: string,
    partition?: PartitionRef,
  ): { windowExecutionId: string; windowId: string; account: string; region: string };
  /** Changes an instance's ping status, state or next-command outcome; as `POST /_sandbox/instances/{id}`. */
  setInstance(
    instanceId: string,
    changes: InstanceChanges,
    partition?: PartitionRef,
  ): { instanceId: string; state: string; pingStatus: string; failNext: boolean };
  /** Launches an EC2 instance no SSM agent registered (EC2 lists it, SSM does not); as `POST /_sandbox/instances`. */
  launchUnmanaged(
    spec: UnmanagedLaunch,
    partition?: PartitionRef,
  ): { instanceId: string; name: string; state: string; ssmManaged: boolean };
  /** Releases a patch to instances or a patch group; as `POST /_sandbox/patches`. */
  releasePatch(release: PatchRelease, partition?: PartitionRef): { patchId: string; os: string; instanceIds: string[] };
  /** Creates or changes a ChangeCalendar document; as `POST /_sandbox/calendars/{name}`. */
  setCalendar(name: string, setting: CalendarSetting, partition?: PartitionRef): CalendarSummary;
  /** Creates an empty S3 bucket owned by the partition's account, in its region; as `POST /_sandbox/buckets/{name}`. */
  createBucket(name: string, partition?: PartitionRef): { name: string; account: string; region: string };
  /** An S3 object's bytes and content type, or undefined; as `GET /_sandbox/buckets/{name}/{key}`. */
  getObject(bucket: string, key: string): { body: Buffer; contentType: string } | undefined;
  /**
   * The InstallOverrideList a command's invocations fetched and used, parsed (`patches: [{id, title?}]`),
   * for `instanceId` or the first instance that used one; undefined if none did (yet).
   */
  overrideList(
    commandId: string,
    instanceId?: string,
  ): { url: string; patches: { id: string; title?: string }[]; instanceId: string } | undefined;
  /** Rebuilds every partition and knob from the options and clears statistics; as `POST /_sandbox/reset`. */
  reset(): void;
  /** Partitions with their groups, windows and baselines. */
  summary(): PartitionSummary[];
  /** How long the last fleet build took, in milliseconds. */
  buildMs(): number;
  /** Change requests received (SendCommand with what it resolved to, RebootInstances, CreateTags, ...); as `GET /_sandbox/changes`. */
  changes(operation?: string): JournalEntry[];
}

/** Starts the simulator on 127.0.0.1 (`port: 0` picks a free port). */
export async function startFleetSimulator(options: SimulatorOptions = {}): Promise<FleetSimulator> {
  const sim = new Simulator(options);
  const { server, port } = await listen(sim, options.port ?? 0);
  sim.logger.info(
    { port, partitions: sim.allPartitions().length, buildMs: Math.round(sim.lastBuildMs) },
    'fleet simulator listening',
  );
  return {
    url: `http://${HOST}:${port}`,
    port,
    close: () => shutdown(server),
    stats: () => sim.snapshotStats(),
    resetStats: () => sim.stats.reset(),
    configure: (changes) => sim.configure(changes),
    executeWindow: (windowIdOrName, partition) => sim.executeWindow(windowIdOrName, partition),
    setInstance: (instanceId, changes, partition) => {
      const i = sim.setInstance(instanceId, changes, partition);
      return { instanceId: i.id, state: i.state, pingStatus: i.pingStatus, failNext: i.failNext };
    },
    launchUnmanaged: (spec, partition) => launched(sim.launchUnmanaged(spec, partition)),
    releasePatch: (release, partition) => sim.releasePatch(release, partition),
    setCalendar: (name, setting, partition) => sim.setCalendar(name, setting, partition),
    createBucket: (name, partition) => sim.createBucket(name, partition),
    getObject: (bucket, key) => sim.getObject(bucket, key),
    overrideList: (commandId, instanceId) => sim.overrideList(commandId, instanceId),
    reset: () => sim.rebuild(),
    summary: () => sim.summary(),
    buildMs: () => sim.lastBuildMs,
    changes: (operation) => sim.journal.list(operation),
  };
}

/** What a launch answers: the new instance's id, name, state, and that SSM does not manage it. */
function launched(i: { id: string; name: string; state: string; ssmManaged: boolean }): {
  instanceId: string;
  name: string;
  state: string;
  ssmManaged: boolean;
} {
  return { instanceId: i.id, name: i.name, state: i.state, ssmManaged: i.ssmManaged };
}
