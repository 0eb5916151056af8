/**
 * Change plans: what an install or reboot will do, computed from SSM's current data before anything
 * runs, so the card an approver sees is the change that will be made. Targets are the group's
 * running instances whose agent is Online; stopped, unreachable and unmanaged ones are listed as
 * excluded with the reason. An install's patches come from the latest scan (the compliance snapshot,
 * refreshed first with refreshMissing so it matches SSM's latest report), grouped by patch, worst
 * first. A group with promoteFrom carries the evidence from its source group.
 */
import type { PatchGroup } from '../config/schema';
import type { Operation } from './ports';
import type { SnapshotPatch } from './ports';
import type { OperationStatus } from './lifecycle';
import { patchKey } from './missing';
import type { PatchingDeps } from './deps';
import { members, readGroup, scanAge, unreachableReason, type Member } from './plan-members';
import { byName, fetchGroupCompliance } from './status';
import { fanOut, gatewaysForGroup, groupTarget } from './group-fleet';
import { findOtherSpelling, type OtherSpelling } from './tag-spelling';
import type { ChangePlan } from './plan-record';
import type { PlanBaseline, PlannedPatch, PromotionEvidence } from './plan-parts';
import type { InstanceLine } from './record-schemas';
import { severityRank } from './severity';

/** Why a reboot plan leaves out an instance that waits for nothing (also how a replan tells `reboot` from `reboot all`). */
export const NO_REBOOT_PENDING = 'no reboot pending';

/** RebootOption of an install. */
export type RebootOption = 'RebootIfNeeded' | 'NoReboot';

/** Statuses of an install that actually ran (pending, rejected and expired ones changed nothing). */
const RAN_STATUSES: readonly OperationStatus[] = ['running', 'succeeded', 'failed', 'cancelled'];

/** Patches missing (or failed: an Install retries them) on the targets, one line per patch with its CVE ids, worst first, then most instances. */
export function plannedPatches(perInstance: ReadonlyArray<readonly SnapshotPatch[]>): PlannedPatch[] {
  const byKey = new Map<string, PlannedPatch>();
  for (const patches of perInstance) {
    const seen = new Set<string>();
    for (const p of patches) {
      const key = patchKey(p);
      if (seen.has(key)) continue;
      seen.add(key);
      const line = byKey.get(key) ?? {
        title: p.title,
        kbId: p.kbId,
        severity: p.severity,
        classification: p.classification,
        instances: 0,
      };
      line.instances++;
      // Instances may report a patch's CVE ids from different scans: the plan names each id any of them reports.
      const ids = [...new Set([...(line.cveIds ?? []), ...(p.cveIds ?? [])])];
      if (ids.length > 0) line.cveIds = ids;
      byKey.set(key, line);
    }
  }
  return [...byKey.values()].sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      b.instances - a.instances ||
      (a.title < b.title ? -1 : a.title > b.title ? 1 : 0),
  );
}

/** The evidence from the group `group` promotes from, or undefined without promoteFrom. */
export async function promotionEvidence(deps: PatchingDeps, group: PatchGroup): Promise<PromotionEvidence | undefined> {
  if (!group.promoteFrom) return undefined;
  const fromName = group.promoteFrom;
  const source = deps.groups.find((g) => g.name.toLowerCase() === fromName.toLowerCase());
  const last: Operation | undefined = (
    await deps.store.operations.listRecent({
      group: source?.name ?? fromName,
      kind: 'install',
      statuses: RAN_STATUSES,
      limit: 1,
    })
  )[0];
  const lastInstall = last
    ? { operationId: last.id, status: last.status, finishedAt: last.finishedAt ?? undefined }
    : undefined;
  let compliantNow: boolean | undefined;
  let nonCompliantInstances = 0;
  if (source) {
    const fetched = await fetchGroupCompliance(source, deps.gateways, deps.logger);
    if (fetched.failures.length === 0) {
      const all = members(fetched.scopes);
      const bad = all.filter(
        (m) => !m.state || m.state.missingCount + m.state.failedCount + m.state.installedPendingRebootCount > 0,
      );
      nonCompliantInstances = bad.length;
      compliantNow = all.length > 0 && bad.length === 0;
    }
  }
  const name = source?.name ?? fromName;
  const warnings: string[] = [];
  if (!lastInstall) warnings.push(`${name} has no install through patchbot yet: nothing has been tried there first.`);
  else if (lastInstall.status === 'failed')
    warnings.push(`The last install on ${name} (${lastInstall.operationId}) failed.`);
  else if (lastInstall.status === 'running')
    warnings.push(`The last install on ${name} (${lastInstall.operationId}) is still running.`);
  else if (lastInstall.status === 'cancelled')
    warnings.push(`The last install on ${name} (${lastInstall.operationId}) was cancelled.`);
  if (compliantNow === false)
    warnings.push(
      `${nonCompliantInstances} instance${nonCompliantInstances === 1 ? ' is' : 's are'} not compliant on ${name} now.`,
    );
  if (compliantNow === undefined) warnings.push(`The compliance of ${name} could not be read now.`);
  return {
    fromGroup: name,
    lastInstall,
    compliantNow,
    nonCompliantInstances,
    warning: warnings.length > 0 ? warnings.join(' ') : undefined,
  };
}

/**
 * What `/patch install <group>` will do: the targets (running, agent Online), the excluded instances
 * with reasons, the Missing/Failed patches of the targets from the latest scan (grouped, worst first),
 * the scan's age, reboot option (the argument, else the group's), rate limits, and promotion evidence.
 */
export async function buildInstallPlan(
  deps: PatchingDeps,
  group: PatchGroup,
  rebootOption?: RebootOption,
  only?: readonly InstanceLine[],
): Promise<ChangePlan> {
  const [read, promotion, baselines, other] = await Promise.all([
    readGroup(deps, group, true).then((r) => onlyThese(r, only)),
    promotionEvidence(deps, group),
    planBaselines(deps, group),
    findOtherSpelling(group, deps.gateways, deps.logger),
  ]);
  const targets: Member[] = [];
  const excluded: ChangePlan['excluded'] = [];
  for (const m of read.members) {
    const reason = unreachableReason(m.instance);
    if (reason) excluded.push({ ...m.line, reason });
    else targets.push(m);
  }
  const patches = plannedPatches(
    targets.map((t) => read.patches.get(`${t.line.scope}/${t.line.region}/${t.line.instanceId}`) ?? []),
  );
  return {
    kind: 'install',
    group: group.name,
    targets: targets.map((t) => t.line).sort(byName),
    excluded: excluded.sort(byName),
    patches,
    rebootOption: rebootOption ?? group.install.rebootOption,
    maxConcurrency: group.install.maxConcurrency,
    maxErrors: group.install.maxErrors,
    scan: scanAge(targets, group.scanMaxAgeMs, deps.clock.now()),
    promotion,
    failures: [...read.failures, ...baselines.failures, ...other.failures],
    baselines: baselines.results.map((r) => r.value),
    ...otherSpellingOf(other),
  };
}

/** The baseline the group uses in each of its scopes and regions: what the send checks again for changes. */
async function planBaselines(deps: PatchingDeps, group: PatchGroup) {
  const target = groupTarget(group);
  return fanOut(
    gatewaysForGroup(group, deps.gateways),
    async (gw): Promise<PlanBaseline> => {
      const b = await gw.getBaseline(target);
      return {
        scope: gw.scope,
        region: gw.region,
        baselineId: b.baselineId,
        name: b.name,
        modifiedDate: b.modifiedDate,
      };
    },
    { logger: deps.logger, what: `baseline of ${group.name}` },
  );
}

/**
 * What `/patch reboot <group> [all]` will do: the running, Online instances waiting for a reboot
 * (installedPendingRebootCount > 0), or every running Online instance with `all`; the rest are
 * excluded with the reason.
 */
export async function buildRebootPlan(
  deps: PatchingDeps,
  group: PatchGroup,
  all: boolean,
  only?: readonly InstanceLine[],
): Promise<ChangePlan> {
  const [read, other] = await Promise.all([
    readGroup(deps, group, false).then((r) => onlyThese(r, only)),
    findOtherSpelling(group, deps.gateways, deps.logger),
  ]);
  const targets: Member[] = [];
  const excluded: ChangePlan['excluded'] = [];
  for (const m of read.members) {
    const reason = unreachableReason(m.instance);
    if (reason) excluded.push({ ...m.line, reason });
    else if (!all && !(m.state && m.state.installedPendingRebootCount > 0)) {
      excluded.push({
        ...m.line,
        reason: m.state ? NO_REBOOT_PENDING : 'never scanned: no reboot known to be pending',
      });
    } else targets.push(m);
  }
  return {
    kind: 'reboot',
    group: group.name,
    targets: targets.map((t) => t.line).sort(byName),
    excluded: excluded.sort(byName),
    patches: [],
    rebootOption: 'RebootIfNeeded',
    maxConcurrency: group.install.maxConcurrency,
    maxErrors: group.install.maxErrors,
    scan: scanAge(
      targets.length > 0 ? targets : read.members.filter((m) => !unreachableReason(m.instance)),
      group.scanMaxAgeMs,
      deps.clock.now(),
    ),
    promotion: undefined,
    failures: [...read.failures, ...other.failures],
    ...otherSpellingOf(other),
  };
}

/**
 * The group read down to `only` (Retry failed: exactly the failed instances), or as it is without:
 * members not named are not part of this change at all, so they are neither targets nor excluded.
 */
function onlyThese<R extends { members: Member[] }>(read: R, only: readonly InstanceLine[] | undefined): R {
  if (!only) return read;
  const keys = new Set(only.map((l) => `${l.scope}/${l.region}/${l.instanceId}`));
  return {
    ...read,
    members: read.members.filter((m) => keys.has(`${m.line.scope}/${m.line.region}/${m.line.instanceId}`)),
  };
}

/** The plan's note on instances under the other tag spelling, only when there are any. */
function otherSpellingOf(other: OtherSpelling): Pick<ChangePlan, 'otherSpelling'> {
  const { failures: _failures, ...found } = other;
  return found.instances.length > 0 ? { otherSpelling: found } : {};
}
