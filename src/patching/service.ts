/**
 * The domain behind the read commands and `/patch scan`: status, baselines, windows and history
 * read AWS and the store; startScan records an operation and sends it. Nothing here waits for a
 * command to finish: the OperationTracker follows it and publishes the result.
 */
import type { PatchGroup } from '../config/schema';
import type { Logger } from '../logger';
import type { Operation } from '../store';
import { fanOut, gatewaysForGroup, groupTarget } from './group-fleet';
import { readResult, scanParams } from './records';
import { OperationRunner, type PatchingDeps } from './runner';
import { groupStatus } from './status';
import type { BaselinesReport, GroupStatus, HistoryEntry, WindowsReport } from './types';
import { listWindows } from './windows';

/** Who asks for a scan, and where its message goes. */
export interface StartScanInput {
  group: PatchGroup;
  /** Slack user id. */
  requestedBy: string;
  /** Slack channel id the tracker publishes to. */
  channel: string;
}

/** Status, baselines, windows, history and scans of the configured groups. */
export class PatchService {
  /** The runner that sends; give the same one to the OperationTracker. */
  readonly runner: OperationRunner;
  private readonly deps: PatchingDeps;
  private readonly log: Logger;

  constructor(deps: PatchingDeps & { runner?: OperationRunner }) {
    this.deps = deps;
    this.runner = deps.runner ?? new OperationRunner(deps);
    this.log = deps.logger.child({ subsystem: 'patching' });
  }

  /** `/patch status <group>`. */
  status(group: PatchGroup): Promise<GroupStatus> {
    return groupStatus(group, this.deps.gateways, this.deps.clock, this.log);
  }

  /** `/patch baseline <group>`: the baseline registered for the group's OS in each scope and region. */
  async baselines(group: PatchGroup): Promise<BaselinesReport> {
    const target = groupTarget(group);
    const { results, failures } = await fanOut(gatewaysForGroup(group, this.deps.gateways), (gw) => gw.getBaseline(target), {
      logger: this.log,
      what: `baseline of ${group.name}`,
    });
    return { entries: results.map((r) => ({ scope: r.gateway.scope, region: r.gateway.region, baseline: r.value })), failures };
  }

  /** `/patch windows [group]`: every window of every scope, or only those whose targets name the group. */
  windows(group?: PatchGroup): Promise<WindowsReport> {
    const gateways = group ? gatewaysForGroup(group, this.deps.gateways) : [...this.deps.gateways];
    return listWindows(gateways, this.deps.groups, group, this.log);
  }

  /** `/patch history [group]`: the latest operations, newest first. */
  history(input: { group?: string | undefined; limit: number }): HistoryEntry[] {
    const ops = this.deps.store.operations.listRecent({ ...(input.group ? { group: input.group } : {}), limit: input.limit });
    return ops.map(toHistoryEntry);
  }

  /**
   * `/patch scan <group>`: records the operation (approved: a scan changes nothing) and sends the
   * Scan to every scope and region of the group (the runner first records a compliance snapshot if
   * the group has none, so "newly missing" has something to compare with). Returns the operation: `running` (perhaps with scope failures in
   * its result), or `failed` when no scope got the command. Call tracker.track(op.id) next.
   */
  async startScan(input: StartScanInput): Promise<Operation> {
    const { group } = input;
    const { store } = this.deps;
    const op = store.transaction(() => {
      const created = store.operations.create({
        kind: 'scan',
        group: group.name,
        status: 'approved',
        requestedBy: input.requestedBy,
        channel: input.channel,
        params: scanParams(group),
      });
      store.audit.append({ actor: input.requestedBy, action: 'operation.requested', operationId: created.id, group: group.name, detail: { kind: 'scan' } });
      return created;
    });
    this.log.info({ operationId: op.id, group: group.name, requestedBy: input.requestedBy }, 'scan requested');
    // No await between creating and claiming: the tracker cannot take the send from under us.
    return this.runner.send(op);
  }
}

/** A history line from an operation record. */
export function toHistoryEntry(op: Operation): HistoryEntry {
  return {
    operationId: op.id,
    kind: op.kind,
    group: op.group,
    status: op.status,
    requestedBy: op.requestedBy,
    createdAt: op.createdAt,
    finishedAt: op.finishedAt ?? undefined,
    summary: readResult(op).summary ?? op.error?.message,
  };
}
