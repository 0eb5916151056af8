/**
 * `/patch instance <Name tag | instance id>`: one instance in detail. It is looked for in every scope
 * and region of the groups the requester may see (one failing scope is reported beside what the
 * others found, never hiding it); an instance in a group they may not see is left out as if absent.
 * One match gets its SSM patch state, its missing, failed and pending-reboot patches, and the last
 * patchbot operations of its group whose plan or result names it, with its own outcome in each.
 */
import type { PatchGroup } from '../config/schema';
import type { Logger } from '../logger';
import type { FoundInstance, InstancePatch, InstanceQuery, InvocationStatus, PingStatus } from './fleet-types';
import { otherPatchGroupTagKey } from './fleet-types';
import { fanOut, scopeFailure, type PatchGateway } from './group-fleet';
import { operationVerdict } from './history';
import type { OperationKind, OperationStatus } from './lifecycle';
import { readPlan } from './plan-record';
import type { Operation, Store } from './ports';
import type { InstanceLine, ScopeFailure } from './record-schemas';
import { readResult } from './records';
import type { Verdict } from './verdict';
import { severityRank } from './severity';

/** How many of the group's latest operations are searched for the instance: a bounded read, newest first. */
export const OPERATIONS_SEARCHED = 100;

/** How many operations that touched the instance are kept for the view (the newest). */
export const OPERATIONS_SHOWN = 10;

/** One instance that matched the query, as the ambiguous answer lists it. */
export interface InstanceMatch extends InstanceLine {
  /** The configured group it belongs to (by its tag), among those the requester may see. */
  group: string;
  ec2State: string | undefined;
  pingStatus: PingStatus | undefined;
}

/** What SSM last reported of the instance's patching (DescribeInstancePatchStates). */
export interface InstancePatchSummary {
  /** SSM's patch group (the tag value it read). */
  patchGroup: string;
  baselineId: string;
  /** The latest patching operation on the instance and when it ended (OperationEndTime). */
  lastOperation: 'Scan' | 'Install';
  lastOperationEndedAt: Date;
  /** The last scan: OperationEndTime when the latest operation was a Scan; undefined when it was an install. */
  lastScanAt: Date | undefined;
  /**
   * The last install: OperationEndTime when the latest operation was an Install, else
   * LastNoRebootInstallOperationTime, else the newest InstalledTime of its installed patches
   * (`lastInstallFrom` says which); undefined when SSM reports none of them.
   */
  lastInstallAt: Date | undefined;
  lastInstallFrom: 'operation' | 'patches' | undefined;
  missingCount: number;
  failedCount: number;
  installedPendingRebootCount: number;
  criticalNonCompliantCount: number;
  securityNonCompliantCount: number;
}

/** What an operation did to this instance, as its record says. */
export type InstanceOutcome =
  /** Its invocation's status, while the operation's final report is kept. */
  | { kind: 'invocation'; status: InvocationStatus; statusDetails?: string | undefined }
  /** It failed (the operation's failure detail). */
  | { kind: 'failed'; status: string; statusDetails?: string | undefined; responseCode?: number | undefined }
  /** The agent could not be reached, or SSM never ran the command on it. */
  | { kind: 'unreachable' }
  | { kind: 'notReached' }
  /** Approved, but offline at the re-check right before the send: left out. */
  | { kind: 'offline' }
  /** Left out of the plan, and why. */
  | { kind: 'excluded'; reason: string }
  /** Rebooted through EC2. */
  | { kind: 'rebooted' }
  /** One of the planned targets, with no failure recorded for it: the operation's verdict is its outcome. */
  | { kind: 'target' };

/** One patchbot operation that touched the instance. */
export interface InstanceOperation {
  operationId: string;
  kind: OperationKind;
  status: OperationStatus;
  verdict: Verdict;
  requestedBy: string;
  createdAt: Date;
  finishedAt: Date | undefined;
  outcome: InstanceOutcome;
}

/** Everything `/patch instance` shows of one instance. */
export interface InstanceDetail extends InstanceMatch {
  agentVersion: string | undefined;
  lastPingAt: Date | undefined;
  platformName: string | undefined;
  platformVersion: string | undefined;
  /** SSM's patch state; undefined when SSM has none (never scanned) or it could not be read (`readProblems`). */
  patchState: InstancePatchSummary | undefined;
  /** Missing, failed and installed-pending-reboot patches, worst severity first; undefined when they could not be read. */
  patches: { missing: InstancePatch[]; failed: InstancePatch[]; pendingReboot: InstancePatch[] } | undefined;
  /** The newest operations of its group that touched it (at most OPERATIONS_SHOWN), newest first. */
  operations: InstanceOperation[];
  /** How many of the group's operations were searched for it (at most OPERATIONS_SEARCHED). */
  operationsSearched: number;
  /** Reads that failed after the instance was found (patch state, patches): what could not be shown and why. */
  readProblems: string[];
}

/** The answer to `/patch instance`. */
export type InstanceReport =
  | { kind: 'none'; query: InstanceQuery; groups: string[]; failures: ScopeFailure[] }
  | { kind: 'many'; query: InstanceQuery; matches: InstanceMatch[]; failures: ScopeFailure[] }
  | { kind: 'one'; query: InstanceQuery; instance: InstanceDetail; failures: ScopeFailure[] };

/** What the lookup reads: AWS through the gateways, the store for operations. */
export interface InstanceDetailDeps {
  store: Pick<Store, 'operations'>;
  gateways: readonly PatchGateway[];
  logger: Logger;
}

/** The configured group an instance belongs to among `groups` of its scope: its tag under the group's key, or under the other spelling (SSM counts both). */
function groupOfInstance(
  found: Pick<FoundInstance, 'tags'>,
  scope: string,
  groups: readonly PatchGroup[],
): PatchGroup | undefined {
  const inScope = groups.filter((g) => g.scopes.includes(scope));
  return (
    inScope.find((g) => found.tags[g.tagKey] === g.tagValue) ??
    inScope.find((g) => found.tags[otherPatchGroupTagKey(g.tagKey)] === g.tagValue)
  );
}

/** Worst severity first, then by title: the order a person fixes them in. */
function worstFirst(patches: InstancePatch[]): InstancePatch[] {
  return [...patches].sort(
    (a, b) => severityRank(a.severity) - severityRank(b.severity) || a.title.localeCompare(b.title),
  );
}

/**
 * Looks the instance up in every scope and region of `groups` (the groups the requester may see),
 * and describes it when exactly one instance matches.
 */
export async function describeInstance(
  deps: InstanceDetailDeps,
  query: InstanceQuery,
  groups: readonly PatchGroup[],
): Promise<InstanceReport> {
  const log = deps.logger.child({ subsystem: 'instance' });
  const gateways = deps.gateways.filter((gw) => groups.some((g) => g.scopes.includes(gw.scope)));
  const found = await fanOut(gateways, (gw) => gw.findInstances(query), { logger: log, what: 'instance lookup' });
  const matches: Array<{ match: InstanceMatch; found: FoundInstance; gateway: PatchGateway }> = [];
  for (const r of found.results) {
    for (const f of r.value) {
      const group = groupOfInstance(f, r.gateway.scope, groups);
      // An instance in no group the requester may see is not theirs to look at.
      if (!group) continue;
      matches.push({
        gateway: r.gateway,
        found: f,
        match: {
          instanceId: f.instanceId,
          ...(f.name !== undefined ? { name: f.name } : {}),
          scope: r.gateway.scope,
          region: r.gateway.region,
          group: group.name,
          ec2State: f.ec2State,
          pingStatus: f.pingStatus,
        },
      });
    }
  }
  const failures = found.failures;
  if (matches.length === 0) return { kind: 'none', query, groups: groups.map((g) => g.name), failures };
  if (matches.length > 1) return { kind: 'many', query, matches: matches.map((m) => m.match), failures };
  const [only] = matches as [(typeof matches)[number]];
  return { kind: 'one', query, instance: await detail(deps, only, log), failures };
}

/** The patch state, patches and operations of the one instance found. */
async function detail(
  deps: InstanceDetailDeps,
  m: { match: InstanceMatch; found: FoundInstance; gateway: PatchGateway },
  log: Logger,
): Promise<InstanceDetail> {
  const id = m.match.instanceId;
  const readProblems: string[] = [];
  const failed = (what: string) => (err: unknown) => {
    log.warn({ err, instanceId: id, scope: m.gateway.scope, region: m.gateway.region }, `${what} failed`);
    readProblems.push(`${what}: ${scopeFailure(m.gateway, err).message}`);
    return undefined;
  };
  const [states, patches, ops] = await Promise.all([
    m.gateway.getPatchStates([id]).catch(failed('patch state')),
    // Installed ones too: when the latest operation was a scan, their InstalledTime is the last install SSM knows of.
    m.gateway
      .listInstancePatches([id], ['Missing', 'Failed', 'InstalledPendingReboot', 'Installed'])
      .catch(failed('patches')),
    deps.store.operations
      .listRecent({ group: m.match.group, limit: OPERATIONS_SEARCHED })
      .catch(failed('patchbot operations')),
  ]);
  const state = states?.find((s) => s.instanceId === id);
  const list = patches?.get(id) ?? (patches ? [] : undefined);
  const fromOperation =
    state?.operation === 'Install' ? state.operationEndTime : state?.lastNoRebootInstallOperationTime;
  const fromPatches = newestInstall(list ?? []);
  const lastInstallAt = fromOperation ?? fromPatches;
  const touched = (ops ?? []).flatMap((op) => {
    const outcome = outcomeOn(op, id);
    return outcome ? [toInstanceOperation(op, outcome)] : [];
  });
  return {
    ...m.match,
    agentVersion: m.found.agentVersion,
    lastPingAt: m.found.lastPingAt,
    platformName: m.found.platformName,
    platformVersion: m.found.platformVersion,
    patchState: state
      ? {
          patchGroup: state.patchGroup,
          baselineId: state.baselineId,
          lastOperation: state.operation,
          lastOperationEndedAt: state.operationEndTime,
          lastScanAt: state.operation === 'Scan' ? state.operationEndTime : undefined,
          lastInstallAt,
          lastInstallFrom: fromOperation ? 'operation' : fromPatches ? 'patches' : undefined,
          missingCount: state.missingCount,
          failedCount: state.failedCount,
          installedPendingRebootCount: state.installedPendingRebootCount,
          criticalNonCompliantCount: state.criticalNonCompliantCount,
          securityNonCompliantCount: state.securityNonCompliantCount,
        }
      : undefined,
    patches: list
      ? {
          missing: worstFirst(list.filter((p) => p.state === 'Missing')),
          failed: worstFirst(list.filter((p) => p.state === 'Failed')),
          pendingReboot: worstFirst(list.filter((p) => p.state === 'InstalledPendingReboot')),
        }
      : undefined,
    operations: touched.slice(0, OPERATIONS_SHOWN),
    operationsSearched: ops?.length ?? 0,
    readProblems,
  };
}

/** The newest InstalledTime among installed patches (pending a reboot or not). */
function newestInstall(patches: readonly InstancePatch[]): Date | undefined {
  let newest: Date | undefined;
  for (const p of patches) {
    if (p.state !== 'Installed' && p.state !== 'InstalledPendingReboot') continue;
    if (p.installedTime && (!newest || p.installedTime > newest)) newest = p.installedTime;
  }
  return newest;
}

function toInstanceOperation(op: Operation, outcome: InstanceOutcome): InstanceOperation {
  return {
    operationId: op.id,
    kind: op.kind,
    status: op.status,
    verdict: operationVerdict(op),
    requestedBy: op.requestedBy,
    createdAt: op.createdAt,
    finishedAt: op.finishedAt ?? undefined,
    outcome,
  };
}

/**
 * What `op` did to the instance, from what its record keeps, most specific first: its invocation in
 * the final report (kept until published), the failure detail, the send's re-check, the plan's
 * exclusions, a reboot, then the plan's targets and send set. Undefined: the record does not name it.
 */
export function outcomeOn(op: Operation, instanceId: string): InstanceOutcome | undefined {
  const result = readResult(op);
  const has = (lines: readonly { instanceId: string }[] | undefined) =>
    lines?.some((l) => l.instanceId === instanceId) ?? false;
  const final = result.final;
  const invocation = final?.outcomes.find((o) => o.instanceId === instanceId);
  if (invocation)
    return {
      kind: 'invocation',
      status: invocation.status,
      ...(invocation.statusDetails ? { statusDetails: invocation.statusDetails } : {}),
    };
  const detail = result.failureDetail;
  const failed = [...(detail?.instances ?? []), ...(detail?.more ?? [])].find((f) => f.instanceId === instanceId);
  if (failed)
    return {
      kind: 'failed',
      status: failed.status,
      ...(failed.statusDetails ? { statusDetails: failed.statusDetails } : {}),
      ...(failed.responseCode !== undefined ? { responseCode: failed.responseCode } : {}),
    };
  if (has(final?.unreachable)) return { kind: 'unreachable' };
  if (has(final?.notReached)) return { kind: 'notReached' };
  if (has(result.drift?.offline)) return { kind: 'offline' };
  const plan = readPlan(op);
  const excluded = plan?.excluded.find((e) => e.instanceId === instanceId);
  if (excluded) return { kind: 'excluded', reason: excluded.reason };
  if (result.reboot?.rebooted?.some((r) => r.instanceIds.includes(instanceId))) return { kind: 'rebooted' };
  if (has(plan?.targets) || result.sendSet?.some((s) => s.instanceIds.includes(instanceId))) return { kind: 'target' };
  return undefined;
}
