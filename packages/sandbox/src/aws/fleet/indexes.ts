/**
 * A partition's instance indexes: by tag (key → value → instances), by the patch group of the last
 * report, and the few instances that are not Online or not running. Every list is in launch `seq`
 * order, so a page can binary-search its token and walk forward instead of filtering the fleet.
 * Anything that changes an instance's tags, report, ping status or state goes through here, which
 * is what keeps the lists true.
 */
import type { InstanceStateName, PingStatus, ReportedState, SimInstance } from './model';

/** Instances in ascending `seq`. */
export type SeqList = readonly SimInstance[];

const EMPTY: SeqList = [];

/** Index of the first instance in `list` whose seq is greater than `seq`. */
export function indexAfter(list: SeqList, seq: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as SimInstance).seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insert(list: SimInstance[], instance: SimInstance): void {
  const last = list[list.length - 1];
  // Launches and the seed add in seq order: appending is the usual case.
  if (last === undefined || last.seq < instance.seq) {
    list.push(instance);
    return;
  }
  const at = indexAfter(list, instance.seq - 1);
  if (list[at] !== instance) list.splice(at, 0, instance);
}

function remove(list: SimInstance[], instance: SimInstance): void {
  const at = indexAfter(list, instance.seq - 1);
  if (list[at] === instance) list.splice(at, 1);
}

/** One partition's indexes over its instances. */
export class FleetIndex {
  private readonly tags = new Map<string, Map<string, SimInstance[]>>();
  private readonly groups = new Map<string, SimInstance[]>();
  private readonly offline: SimInstance[] = [];
  private readonly stopped: SimInstance[] = [];

  /** Indexes a new instance as it is (tags, report, ping and state already set). */
  add(instance: SimInstance): void {
    for (const [key, value] of instance.tags) this.addTag(instance, key, value);
    if (instance.reported) this.addGroup(instance, instance.reported.patchGroup);
    if (instance.pingStatus !== 'Online') insert(this.offline, instance);
    if (instance.state !== 'running') insert(this.stopped, instance);
  }

  /** Sets (adds or overwrites) a tag. */
  setTag(instance: SimInstance, key: string, value: string): void {
    const old = instance.tags.get(key);
    if (old === value) return;
    if (old !== undefined) this.removeTag(instance, key, old);
    instance.tags.set(key, value);
    instance.ec2Item = undefined;
    this.addTag(instance, key, value);
  }

  /** Removes a tag, if the instance has it. */
  deleteTag(instance: SimInstance, key: string): void {
    const old = instance.tags.get(key);
    if (old === undefined) return;
    this.removeTag(instance, key, old);
    instance.tags.delete(key);
    instance.ec2Item = undefined;
  }

  /** Removes every tag. */
  clearTags(instance: SimInstance): void {
    for (const key of [...instance.tags.keys()]) this.deleteTag(instance, key);
  }

  /** Replaces what the instance last reported to SSM. */
  setReported(instance: SimInstance, report: ReportedState): void {
    const old = instance.reported?.patchGroup;
    instance.reported = report;
    if (old === report.patchGroup) return;
    if (old !== undefined) this.removeGroup(instance, old);
    this.addGroup(instance, report.patchGroup);
  }

  /** Changes the agent's ping status. */
  setPingStatus(instance: SimInstance, ping: PingStatus): void {
    if (instance.pingStatus === ping) return;
    instance.pingStatus = ping;
    if (ping === 'Online') remove(this.offline, instance);
    else insert(this.offline, instance);
  }

  /** Changes the EC2 state. */
  setState(instance: SimInstance, state: InstanceStateName): void {
    if (instance.state === state) return;
    instance.state = state;
    instance.ec2Item = undefined;
    if (state === 'running') remove(this.stopped, instance);
    else insert(this.stopped, instance);
  }

  /** Instances whose tag `key` is exactly `value`. */
  tagged(key: string, value: string): SeqList {
    return this.tags.get(key)?.get(value) ?? EMPTY;
  }

  /** Instances whose last report named `group`. */
  reportedIn(group: string): SeqList {
    return this.groups.get(group) ?? EMPTY;
  }

  /** Instances whose agent is not Online (ConnectionLost or Inactive); a small share of a fleet. */
  notOnline(): SeqList {
    return this.offline;
  }

  /** Instances that are not running. */
  notRunning(): SeqList {
    return this.stopped;
  }

  private addTag(instance: SimInstance, key: string, value: string): void {
    let values = this.tags.get(key);
    if (!values) {
      values = new Map();
      this.tags.set(key, values);
    }
    const list = values.get(value);
    if (list) insert(list, instance);
    else values.set(value, [instance]);
  }

  private removeTag(instance: SimInstance, key: string, value: string): void {
    const values = this.tags.get(key);
    const list = values?.get(value);
    if (!values || !list) return;
    remove(list, instance);
    if (list.length === 0) values.delete(value);
    if (values.size === 0) this.tags.delete(key);
  }

  private addGroup(instance: SimInstance, group: string): void {
    const list = this.groups.get(group);
    if (list) insert(list, instance);
    else this.groups.set(group, [instance]);
  }

  private removeGroup(instance: SimInstance, group: string): void {
    const list = this.groups.get(group);
    if (!list) return;
    remove(list, instance);
    if (list.length === 0) this.groups.delete(group);
  }
}
