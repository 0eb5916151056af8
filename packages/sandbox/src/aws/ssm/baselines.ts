/**
 * Patch baselines and patch groups: DescribePatchBaselines, DescribePatchGroups, GetPatchBaseline,
 * GetPatchBaselineForPatchGroup, RegisterPatchBaselineForPatchGroup, UpdatePatchBaseline.
 */
import { SimulatorError } from '../errors';
import {
  checkEnum,
  checkPattern,
  optInt,
  optList,
  optString,
  reqString,
  stringItem,
  structItem,
  type Input,
} from '../validate';
import {
  OPERATING_SYSTEMS,
  type ApprovalRule,
  type Baseline,
  type ComplianceLevel,
  type OperatingSystem,
} from '../fleet/model';
import { keyValueFilters, pageOf, reqPatchGroup, type SsmContext } from './common';

function isDefault(ctx: SsmContext, baseline: Baseline): boolean {
  return ctx.partition.defaultBaselines.get(baseline.os) === baseline.id;
}

function identity(ctx: SsmContext, baseline: Baseline): object {
  return {
    BaselineId: baseline.id,
    BaselineName: baseline.name,
    OperatingSystem: baseline.os,
    BaselineDescription: baseline.description,
    DefaultBaseline: isDefault(ctx, baseline),
  };
}

/** Lists baselines (AWS-owned and the account's own), filtered by name prefix, owner or OS. */
export function describePatchBaselines(ctx: SsmContext, input: Input): object {
  const filters = keyValueFilters(input, {
    allowed: (key) => ['NAME_PREFIX', 'OWNER', 'OPERATING_SYSTEM'].includes(key),
    unknownKey: (key) =>
      new SimulatorError(
        'ValidationException',
        `The filter key ${key} is not valid. Valid keys: NAME_PREFIX, OWNER, OPERATING_SYSTEM.`,
      ),
  });
  const baselines = [...ctx.partition.baselines.values()]
    .filter((b) =>
      filters.every((f) =>
        f.Key === 'NAME_PREFIX'
          ? f.Values.some((v) => b.name.startsWith(v))
          : f.Key === 'OWNER'
            ? f.Values.some((v) => v === 'All' || v === b.owner)
            : f.Values.includes(b.os),
      ),
    )
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const page = pageOf(ctx, input, baselines, (b) => `${b.name}|${b.id}`);
  return {
    BaselineIdentities: page.items.map((b) => identity(ctx, b)),
    ...(page.NextToken ? { NextToken: page.NextToken } : {}),
  };
}

/** Lists patch group → baseline registrations. */
export function describePatchGroups(ctx: SsmContext, input: Input): object {
  const filters = keyValueFilters(input, {
    allowed: (key) => ['NAME_PREFIX', 'OPERATING_SYSTEM'].includes(key),
    unknownKey: (key) =>
      new SimulatorError(
        'ValidationException',
        `The filter key ${key} is not valid. Valid keys: NAME_PREFIX, OPERATING_SYSTEM.`,
      ),
  });
  const mappings = [...ctx.partition.patchGroups.entries()]
    .map(([key, baselineId]) => ({
      group: key.split('\u0000')[0] ?? '',
      baseline: ctx.partition.baselines.get(baselineId),
    }))
    .filter((m): m is { group: string; baseline: Baseline } => m.baseline !== undefined)
    .filter((m) =>
      filters.every((f) =>
        f.Key === 'NAME_PREFIX' ? f.Values.some((v) => m.group.startsWith(v)) : f.Values.includes(m.baseline.os),
      ),
    )
    .sort((a, b) => (`${a.group}|${a.baseline.os}` < `${b.group}|${b.baseline.os}` ? -1 : 1));
  const page = pageOf(ctx, input, mappings, (m) => `${m.group}|${m.baseline.os}`);
  return {
    Mappings: page.items.map((m) => ({ PatchGroup: m.group, BaselineIdentity: identity(ctx, m.baseline) })),
    ...(page.NextToken ? { NextToken: page.NextToken } : {}),
  };
}

/** One baseline with its rules and the patch groups registered to it. */
export function getPatchBaseline(ctx: SsmContext, input: Input): object {
  const id = reqString(input, 'BaselineId');
  checkPattern('BaselineId', id, /^[a-zA-Z0-9_\-:/]{20,128}$/);
  const baseline = ctx.partition.findBaseline(id);
  if (!baseline) throw new SimulatorError('DoesNotExistException', `Baseline ${id} does not exist.`);
  const groups = [...ctx.partition.patchGroups.entries()]
    .filter(([, b]) => b === baseline.id)
    .map(([key]) => key.split('\u0000')[0] ?? '');
  return { ...baselineView(baseline), PatchGroups: groups };
}

/** A baseline as GetPatchBaseline and UpdatePatchBaseline answer it (without its patch groups). */
function baselineView(baseline: Baseline): Record<string, unknown> {
  const filterGroup = (filters: { key: string; values: string[] }[]) => ({
    PatchFilters: filters.map((f) => ({ Key: f.key, Values: f.values })),
  });
  return {
    BaselineId: baseline.id,
    Name: baseline.name,
    OperatingSystem: baseline.os,
    GlobalFilters: filterGroup(baseline.globalFilters),
    ApprovalRules: {
      PatchRules: baseline.approvalRules.map((rule) => ({
        PatchFilterGroup: filterGroup(rule.filters),
        ComplianceLevel: rule.complianceLevel,
        ...(rule.approveAfterDays !== undefined ? { ApproveAfterDays: rule.approveAfterDays } : {}),
        ...(rule.approveUntilDate !== undefined ? { ApproveUntilDate: rule.approveUntilDate } : {}),
        EnableNonSecurity: rule.enableNonSecurity,
      })),
    },
    ApprovedPatches: baseline.approvedPatches,
    ApprovedPatchesComplianceLevel: baseline.approvedPatchesComplianceLevel,
    ApprovedPatchesEnableNonSecurity: false,
    RejectedPatches: baseline.rejectedPatches,
    RejectedPatchesAction: baseline.rejectedPatchesAction,
    CreatedDate: baseline.createdDate,
    ModifiedDate: baseline.modifiedDate,
    Description: baseline.description,
    Sources: [],
  };
}

/**
 * The baseline a patch group uses for one operating system. OperatingSystem defaults to WINDOWS
 * exactly as on AWS, so a Linux group asked without it gets the Windows answer: the group's
 * Windows registration or, failing that, the default Windows baseline.
 */
export function getPatchBaselineForPatchGroup(ctx: SsmContext, input: Input): object {
  const group = reqPatchGroup(input);
  const os = optString(input, 'OperatingSystem') ?? 'WINDOWS';
  checkEnum('OperatingSystem', os, OPERATING_SYSTEMS);
  const baseline =
    ctx.partition.registeredBaseline(group, os as OperatingSystem) ??
    ctx.partition.defaultBaseline(os as OperatingSystem);
  return { BaselineId: baseline.id, PatchGroup: group, OperatingSystem: os };
}

/**
 * Registers a baseline for a patch group, for the baseline's operating system. A group that already
 * has another baseline for that operating system is refused (AlreadyExistsException); registering
 * the same one again changes nothing.
 */
export function registerPatchBaselineForPatchGroup(ctx: SsmContext, input: Input): object {
  const id = reqString(input, 'BaselineId');
  checkPattern('BaselineId', id, /^[a-zA-Z0-9_\-:/]{20,128}$/);
  const group = reqPatchGroup(input);
  const baseline = ctx.partition.findBaseline(id);
  if (!baseline) throw new SimulatorError('DoesNotExistException', `Baseline ${id} does not exist.`);
  const registered = ctx.partition.registeredBaseline(group, baseline.os);
  if (registered && registered.id !== baseline.id) {
    throw new SimulatorError(
      'AlreadyExistsException',
      `Patch group ${group} is already registered with baseline ${registered.id} for ${baseline.os}.`,
    );
  }
  ctx.partition.registerPatchGroup(group, baseline.id);
  ctx.sim.journal.record(ctx.partition.key, 'RegisterPatchBaselineForPatchGroup', {
    baselineId: baseline.id,
    patchGroup: group,
  });
  return { BaselineId: id, PatchGroup: group };
}

const COMPLIANCE_LEVELS = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNSPECIFIED'];

/** ApprovalRules.PatchRules as UpdatePatchBaseline takes them (1..10 rules, each with 0..5 filters). */
function readApprovalRules(input: Input): ApprovalRule[] | undefined {
  const rules = input['ApprovalRules'];
  if (rules === undefined) return undefined;
  const patchRules =
    optList(structItem('ApprovalRules')(rules), 'PatchRules', structItem('ApprovalRules.PatchRules'), { max: 10 }) ??
    [];
  return patchRules.map((r) => {
    const group = structItem('PatchFilterGroup')(r['PatchFilterGroup']);
    const filters = (optList(group, 'PatchFilters', structItem('PatchFilters'), { max: 5 }) ?? []).map((f) => ({
      key: reqString(f, 'Key'),
      values: optList(f, 'Values', stringItem('Values', { min: 1, max: 64 }), { min: 1, max: 20 }) ?? [],
    }));
    const level = optString(r, 'ComplianceLevel') ?? 'UNSPECIFIED';
    checkEnum('ComplianceLevel', level, COMPLIANCE_LEVELS);
    const days = optInt(r, 'ApproveAfterDays', { min: 0, max: 360 });
    const until = optString(r, 'ApproveUntilDate', { min: 1, max: 30 });
    return {
      filters,
      complianceLevel: level as ComplianceLevel,
      ...(days !== undefined ? { approveAfterDays: days } : {}),
      ...(until !== undefined ? { approveUntilDate: until } : {}),
      enableNonSecurity: r['EnableNonSecurity'] === true,
    };
  });
}

/**
 * Changes the account's own baseline (AWS-owned ones cannot be changed): name, description,
 * approval rules, approved and rejected patches. Every change moves ModifiedDate, as on AWS.
 */
export function updatePatchBaseline(ctx: SsmContext, input: Input): object {
  const id = reqString(input, 'BaselineId');
  checkPattern('BaselineId', id, /^[a-zA-Z0-9_\-:/]{20,128}$/);
  const baseline = ctx.partition.findBaseline(id);
  if (!baseline) throw new SimulatorError('DoesNotExistException', `Baseline ${id} does not exist.`);
  if (baseline.owner === 'AWS')
    throw new SimulatorError('ValidationException', `Baseline ${id} is owned by AWS and cannot be modified.`);
  const name = optString(input, 'Name', { min: 3, max: 128 });
  const description = optString(input, 'Description', { min: 1, max: 1024 });
  const approved = optList(input, 'ApprovedPatches', stringItem('ApprovedPatches', { min: 1, max: 100 }), { max: 50 });
  const rejected = optList(input, 'RejectedPatches', stringItem('RejectedPatches', { min: 1, max: 100 }), { max: 50 });
  const rules = readApprovalRules(input);
  if (name !== undefined) baseline.name = name;
  if (description !== undefined) baseline.description = description;
  if (approved !== undefined) baseline.approvedPatches = approved;
  if (rejected !== undefined) baseline.rejectedPatches = rejected;
  if (rules !== undefined) baseline.approvalRules = rules;
  baseline.modifiedDate = new Date(ctx.now);
  ctx.sim.journal.record(ctx.partition.key, 'UpdatePatchBaseline', { baselineId: baseline.id });
  return baselineView(baseline);
}
