/**
 * Baseline approval rules and the compliance report a Scan or Install writes. Kept pure: given an
 * instance's actual patches, a baseline and a time, it answers what SSM would report.
 */
import { ONE_DAY_MS } from './catalog';
import type {
  ActualPatch,
  Baseline,
  CatalogPatch,
  ComplianceLevel,
  PatchCounts,
  PatchFilter,
  PatchOperation,
  RebootOption,
  ReportedPatch,
  ReportedPatchState,
  ReportedState,
  SimInstance,
} from './model';

/** Tag keys SSM reads the patch group from; `Patch Group` wins when both are present. */
export const PATCH_GROUP_TAG_KEYS = ['Patch Group', 'PatchGroup'] as const;

/** The instance's patch group, or '' when it has none. */
export function patchGroupOf(instance: SimInstance): string {
  for (const key of PATCH_GROUP_TAG_KEYS) {
    const value = instance.tags.get(key);
    if (value !== undefined) return value;
  }
  return '';
}

function filterMatches(filter: PatchFilter, patch: CatalogPatch): boolean {
  if (filter.values.includes('*')) return true;
  switch (filter.key) {
    case 'CLASSIFICATION':
      return filter.values.includes(patch.classification);
    case 'SEVERITY':
    case 'MSRC_SEVERITY':
      return filter.values.includes(patch.severity);
    default:
      // PRODUCT, PATCH_SET and the rest select everything the simulator models.
      return true;
  }
}

/** Is `patch` a security update in SSM's sense (for SecurityNonCompliantCount)? */
export function isSecurityPatch(patch: CatalogPatch): boolean {
  return patch.os === 'WINDOWS'
    ? patch.classification === 'SecurityUpdates' || patch.classification === 'CriticalUpdates'
    : patch.classification === 'Security';
}

/** The compliance level at which `baseline` approves `patch` at time `at`, or undefined. */
export function approvalLevel(baseline: Baseline, patch: CatalogPatch, at: number): ComplianceLevel | undefined {
  if (baseline.os !== patch.os) return undefined;
  if (isRejected(baseline, patch)) return undefined;
  if (baseline.approvedPatches.includes(patch.title) || baseline.approvedPatches.includes(patch.kbId)) {
    return baseline.approvedPatchesComplianceLevel;
  }
  if (!baseline.globalFilters.every((f) => filterMatches(f, patch))) return undefined;
  for (const rule of baseline.approvalRules) {
    if (!rule.filters.every((f) => filterMatches(f, patch))) continue;
    const released = patch.releaseDate.getTime();
    if (rule.approveAfterDays !== undefined && released + rule.approveAfterDays * ONE_DAY_MS > at) continue;
    if (rule.approveUntilDate !== undefined && released > Date.parse(rule.approveUntilDate)) continue;
    return rule.complianceLevel;
  }
  return undefined;
}

function isRejected(baseline: Baseline, patch: CatalogPatch): boolean {
  return baseline.rejectedPatches.includes(patch.title) || baseline.rejectedPatches.includes(patch.kbId);
}

function emptyCounts(): PatchCounts {
  return {
    installed: 0,
    installedOther: 0,
    installedPendingReboot: 0,
    installedRejected: 0,
    missing: 0,
    failed: 0,
    notApplicable: 0,
    unreportedNotApplicable: 0,
    criticalNonCompliant: 0,
    securityNonCompliant: 0,
    otherNonCompliant: 0,
  };
}

/**
 * Reported patches by catalog patch and content. A ReportedPatch is never changed once built, and
 * the instances of a fleet report the same few combinations, so they share one object each: at
 * 100,000 instances per-instance copies were over a quarter of the simulator's heap.
 */
const internedReports = new WeakMap<CatalogPatch, Map<number, Map<number, ReportedPatch>>>();
const STATE_CODES: Record<ReportedPatchState, number> = {
  INSTALLED: 0,
  INSTALLED_OTHER: 1,
  INSTALLED_PENDING_REBOOT: 2,
  INSTALLED_REJECTED: 3,
  MISSING: 4,
  NOT_APPLICABLE: 5,
  FAILED: 6,
};
const LEVEL_CODES: Record<ComplianceLevel, number> = {
  CRITICAL: 1,
  HIGH: 2,
  MEDIUM: 3,
  LOW: 4,
  INFORMATIONAL: 5,
  UNSPECIFIED: 6,
};

/** The shared ReportedPatch for this content, built on first use only (no garbage per lookup). */
function interned(
  patch: CatalogPatch,
  state: ReportedPatchState,
  installedTime: Date | undefined,
  level: ComplianceLevel | undefined,
): ReportedPatch {
  let byKind = internedReports.get(patch);
  if (!byKind) {
    byKind = new Map();
    internedReports.set(patch, byKind);
  }
  // Numbers, not a string key: this runs for every patch of every instance a build or scan reports.
  const kind = STATE_CODES[state] * 8 + (level ? LEVEL_CODES[level] : 0);
  let byTime = byKind.get(kind);
  if (!byTime) {
    byTime = new Map();
    byKind.set(kind, byTime);
  }
  const time = installedTime?.getTime() ?? -1;
  const known = byTime.get(time);
  if (known) return known;
  const reported: ReportedPatch = {
    patch,
    state,
    ...(installedTime ? { installedTime } : {}),
    ...(level ? { complianceLevel: level } : {}),
  };
  byTime.set(time, reported);
  return reported;
}

function report(actual: ActualPatch, baseline: Baseline, at: number): ReportedPatch | undefined {
  const level = approvalLevel(baseline, actual.patch, at);
  switch (actual.state) {
    case 'NOT_APPLICABLE':
      return interned(actual.patch, 'NOT_APPLICABLE', undefined, undefined);
    case 'INSTALLED':
      if (isRejected(baseline, actual.patch))
        return interned(actual.patch, 'INSTALLED_REJECTED', actual.installedTime, undefined);
      return interned(actual.patch, level ? 'INSTALLED' : 'INSTALLED_OTHER', actual.installedTime, level);
    case 'INSTALLED_PENDING_REBOOT':
      return interned(actual.patch, 'INSTALLED_PENDING_REBOOT', actual.installedTime, level);
    case 'MISSING':
      // Patches the baseline does not approve are not reported as missing.
      return level ? interned(actual.patch, 'MISSING', undefined, level) : undefined;
  }
}

function tally(patches: ReportedPatch[], baseline: Baseline): PatchCounts {
  const counts = emptyCounts();
  for (const p of patches) {
    let nonCompliant = false;
    switch (p.state) {
      case 'INSTALLED':
        counts.installed++;
        break;
      case 'INSTALLED_OTHER':
        counts.installedOther++;
        break;
      case 'INSTALLED_PENDING_REBOOT':
        counts.installedPendingReboot++;
        nonCompliant = true;
        break;
      case 'INSTALLED_REJECTED':
        counts.installedRejected++;
        nonCompliant = baseline.rejectedPatchesAction === 'BLOCK';
        break;
      case 'MISSING':
        counts.missing++;
        nonCompliant = true;
        break;
      case 'FAILED':
        counts.failed++;
        nonCompliant = true;
        break;
      case 'NOT_APPLICABLE':
        counts.notApplicable++;
        break;
    }
    if (!nonCompliant) continue;
    if (p.complianceLevel === 'CRITICAL') counts.criticalNonCompliant++;
    if (isSecurityPatch(p.patch)) counts.securityNonCompliant++;
    if (p.complianceLevel !== 'CRITICAL' && !isSecurityPatch(p.patch)) counts.otherNonCompliant++;
  }
  return counts;
}

/** What a finished Scan or Install reports for `instance` against `baseline`. */
export function buildReport(
  instance: SimInstance,
  baseline: Baseline,
  operation: PatchOperation,
  times: { start: number; end: number },
  snapshotId: string,
  rebootOption?: RebootOption,
): ReportedState {
  const patches: ReportedPatch[] = [];
  for (const actual of instance.patches.values()) {
    const reported = report(actual, baseline, times.end);
    if (reported) patches.push(reported);
  }
  const previousNoReboot = instance.reported?.lastNoRebootInstallOperationTime;
  const noRebootNow = operation === 'Install' && rebootOption === 'NoReboot' ? new Date(times.end) : undefined;
  const lastNoReboot = noRebootNow ?? previousNoReboot;
  return {
    patchGroup: patchGroupOf(instance),
    baselineId: baseline.id,
    operation,
    ...(operation === 'Install' ? { rebootOption: rebootOption ?? 'RebootIfNeeded' } : {}),
    snapshotId,
    operationStartTime: new Date(times.start),
    operationEndTime: new Date(times.end),
    ...(lastNoReboot ? { lastNoRebootInstallOperationTime: lastNoReboot } : {}),
    patches,
    counts: tally(patches, baseline),
  };
}

/**
 * Installs what `baseline` approves and the instance misses, or, with `only` (an InstallOverrideList),
 * exactly the missing patches it names whatever the baseline says. NoReboot leaves the patches
 * waiting for a reboot; RebootIfNeeded reboots, which also finishes earlier pending installs.
 * Returns the patches installed.
 */
export function applyInstall(
  instance: SimInstance,
  baseline: Baseline,
  at: number,
  rebootOption: RebootOption,
  only?: (patch: CatalogPatch) => boolean,
): CatalogPatch[] {
  const installed: CatalogPatch[] = [];
  for (const actual of installable(instance, baseline, at, only)) {
    actual.state = rebootOption === 'NoReboot' ? 'INSTALLED_PENDING_REBOOT' : 'INSTALLED';
    actual.installedTime = new Date(at);
    installed.push(actual.patch);
  }
  if (rebootOption === 'RebootIfNeeded' && (installed.length > 0 || hasPendingReboot(instance))) applyReboot(instance);
  return installed;
}

/** The missing patches an install would install: the baseline's approved ones, or those `only` names. */
export function installable(
  instance: SimInstance,
  baseline: Baseline,
  at: number,
  only?: (patch: CatalogPatch) => boolean,
): ActualPatch[] {
  return [...instance.patches.values()].filter(
    (actual) => actual.state === 'MISSING' && (only ? only(actual.patch) : approvalLevel(baseline, actual.patch, at)),
  );
}

/** Does the instance wait for a reboot to finish an install? */
export function hasPendingReboot(instance: SimInstance): boolean {
  for (const actual of instance.patches.values()) if (actual.state === 'INSTALLED_PENDING_REBOOT') return true;
  return false;
}

/** A reboot finishes every install that waited for it. */
export function applyReboot(instance: SimInstance): void {
  for (const actual of instance.patches.values()) {
    if (actual.state === 'INSTALLED_PENDING_REBOOT') actual.state = 'INSTALLED';
  }
}

/** Is the reported state compliant (nothing missing, failed or waiting for a reboot)? */
export function isCompliant(counts: PatchCounts): boolean {
  return counts.missing === 0 && counts.failed === 0 && counts.installedPendingReboot === 0;
}
