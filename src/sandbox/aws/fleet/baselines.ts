/**
 * Patch baselines: the AWS-owned predefined ones every account and region has, and a builder for
 * the account's own baselines.
 */
import type { Random } from '../random';
import type { ApprovalRule, Baseline, ComplianceLevel, OperatingSystem } from './model';

/** Builds a custom (Self-owned) baseline with a fresh `pb-` id. */
export function customBaseline(
  ids: Random,
  fields: { name: string; os: OperatingSystem; description: string; rules: ApprovalRule[]; createdDate: Date },
): Baseline {
  return {
    id: `pb-${ids.hex(17)}`,
    name: fields.name,
    os: fields.os,
    description: fields.description,
    owner: 'Self',
    globalFilters: [{ key: 'PRODUCT', values: ['*'] }],
    approvalRules: fields.rules,
    approvedPatches: [],
    approvedPatchesComplianceLevel: 'UNSPECIFIED',
    rejectedPatches: [],
    rejectedPatchesAction: 'ALLOW_AS_DEPENDENCY',
    createdDate: fields.createdDate,
    modifiedDate: fields.createdDate,
  };
}

/** An approval rule on classification and severity after a delay. */
export function rule(
  os: OperatingSystem,
  classifications: string[],
  severities: string[] | undefined,
  approveAfterDays: number,
  complianceLevel: ComplianceLevel,
): ApprovalRule {
  const filters = [{ key: 'CLASSIFICATION', values: classifications }];
  if (severities) filters.push({ key: os === 'WINDOWS' ? 'MSRC_SEVERITY' : 'SEVERITY', values: severities });
  return { filters, complianceLevel, approveAfterDays, enableNonSecurity: false };
}

/**
 * The predefined baselines (AWS-DefaultPatchBaseline for Windows, the Amazon Linux 2 default).
 * AWS names them by ARN; every partition gets its own region in the ARN.
 */
export function predefinedBaselines(ids: Random, region: string, createdDate: Date): Baseline[] {
  const arn = (suffix: string) => `arn:aws:ssm:${region}:075727635805:patchbaseline/pb-${suffix}`;
  const common = {
    owner: 'AWS' as const,
    globalFilters: [],
    approvedPatches: [],
    approvedPatchesComplianceLevel: 'UNSPECIFIED' as const,
    rejectedPatches: [],
    rejectedPatchesAction: 'ALLOW_AS_DEPENDENCY' as const,
    createdDate,
    modifiedDate: createdDate,
  };
  return [
    {
      ...common,
      id: arn(ids.hex(17)),
      name: 'AWS-DefaultPatchBaseline',
      os: 'WINDOWS',
      description:
        'Default Patch Baseline Provided by AWS. Approves Critical and Security updates with an MSRC severity of Critical or Important 7 days after release.',
      approvalRules: [rule('WINDOWS', ['CriticalUpdates', 'SecurityUpdates'], ['Critical', 'Important'], 7, 'UNSPECIFIED')],
    },
    {
      ...common,
      id: arn(ids.hex(17)),
      name: 'AWS-AmazonLinux2DefaultPatchBaseline',
      os: 'AMAZON_LINUX_2',
      description:
        'Default Patch Baseline for Amazon Linux 2 Provided by AWS. Approves Security patches of Critical or Important severity and all Bugfix patches 7 days after release.',
      approvalRules: [
        rule('AMAZON_LINUX_2', ['Security'], ['Critical', 'Important'], 7, 'UNSPECIFIED'),
        rule('AMAZON_LINUX_2', ['Bugfix'], undefined, 7, 'UNSPECIFIED'),
      ],
    },
  ];
}
