/**
 * Patch baselines: the AWS-owned predefined ones every account and region has (one per operating
 * system), and a builder for the account's own baselines.
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

/** An approval rule on any patch filters (PRIORITY and SECTION on Debian-family systems, CLASSIFICATION elsewhere). */
function filterRule(
  filters: Record<string, string[]>,
  approveAfterDays: number | undefined,
  enableNonSecurity = false,
): ApprovalRule {
  return {
    filters: Object.entries(filters).map(([key, values]) => ({ key, values })),
    complianceLevel: 'UNSPECIFIED',
    ...(approveAfterDays !== undefined ? { approveAfterDays } : {}),
    enableNonSecurity,
  };
}

/** A predefined baseline's name, description and rules. */
interface Predefined {
  name: string;
  os: OperatingSystem;
  description: string;
  rules: ApprovalRule[];
}

/** Security of Critical or Important severity, and every Bugfix, 7 days after release: Amazon Linux and the RHEL family. */
function securityAndBugfix(os: OperatingSystem, severities = ['Critical', 'Important']): ApprovalRule[] {
  return [rule(os, ['Security'], severities, 7, 'UNSPECIFIED'), rule(os, ['Bugfix'], undefined, 7, 'UNSPECIFIED')];
}

/** Debian-family repositories carry no reliable release dates: security patches of these priorities are approved at once. */
const DEBIAN_PRIORITIES = { PRIORITY: ['Required', 'Important', 'Standard', 'Optional', 'Extra'], SECTION: ['*'] };

/**
 * AWS's predefined baselines, one per operating system, as the Patch Manager user guide describes
 * them. Predefined baselines use the compliance level Unspecified. WINDOWS and AMAZON_LINUX_2 come
 * first so that their ids stay what they were when the simulator had only those two.
 */
const PREDEFINED: readonly Predefined[] = [
  {
    name: 'AWS-DefaultPatchBaseline',
    os: 'WINDOWS',
    description:
      'Default Patch Baseline Provided by AWS. Approves Critical and Security updates with an MSRC severity of Critical or Important 7 days after release.',
    rules: [rule('WINDOWS', ['CriticalUpdates', 'SecurityUpdates'], ['Critical', 'Important'], 7, 'UNSPECIFIED')],
  },
  {
    name: 'AWS-AmazonLinux2DefaultPatchBaseline',
    os: 'AMAZON_LINUX_2',
    description:
      'Default Patch Baseline for Amazon Linux 2 Provided by AWS. Approves Security patches of Critical or Important severity and all Bugfix patches 7 days after release.',
    rules: securityAndBugfix('AMAZON_LINUX_2'),
  },
  {
    name: 'AWS-AmazonLinux2023DefaultPatchBaseline',
    os: 'AMAZON_LINUX_2023',
    description:
      'Default Patch Baseline for Amazon Linux 2023 Provided by AWS. Approves Security patches of Critical or Important severity and all Bugfix patches 7 days after release.',
    rules: securityAndBugfix('AMAZON_LINUX_2023'),
  },
  {
    name: 'AWS-AmazonLinux2022DefaultPatchBaseline',
    os: 'AMAZON_LINUX_2022',
    description:
      'Default Patch Baseline for Amazon Linux 2022 Provided by AWS. Approves Security patches of Critical or Important severity and all Bugfix patches 7 days after release.',
    rules: securityAndBugfix('AMAZON_LINUX_2022'),
  },
  {
    name: 'AWS-AmazonLinuxDefaultPatchBaseline',
    os: 'AMAZON_LINUX',
    description:
      'Default Patch Baseline for Amazon Linux Provided by AWS. Approves Security patches of Critical or Important severity and all Bugfix patches 7 days after release.',
    rules: securityAndBugfix('AMAZON_LINUX'),
  },
  {
    name: 'AWS-RedHatDefaultPatchBaseline',
    os: 'REDHAT_ENTERPRISE_LINUX',
    description:
      'Default Patch Baseline for Red Hat Enterprise Linux Provided by AWS. Approves Security patches of Critical or Important severity and all Bugfix patches 7 days after release.',
    rules: securityAndBugfix('REDHAT_ENTERPRISE_LINUX'),
  },
  {
    name: 'AWS-RockyLinuxDefaultPatchBaseline',
    os: 'ROCKY_LINUX',
    description:
      'Default Patch Baseline for Rocky Linux Provided by AWS. Approves Security patches of Critical or Important severity and all Bugfix patches 7 days after release.',
    rules: securityAndBugfix('ROCKY_LINUX'),
  },
  {
    name: 'AWS-AlmaLinuxDefaultPatchBaseline',
    os: 'ALMA_LINUX',
    description:
      'Default Patch Baseline for AlmaLinux Provided by AWS. Approves Security patches of Critical or Important severity and all Bugfix patches 7 days after release.',
    rules: securityAndBugfix('ALMA_LINUX'),
  },
  {
    name: 'AWS-OracleLinuxDefaultPatchBaseline',
    os: 'ORACLE_LINUX',
    description:
      'Default Patch Baseline for Oracle Linux Provided by AWS. Approves Security patches of Important or Moderate severity and all Bugfix patches 7 days after release.',
    rules: securityAndBugfix('ORACLE_LINUX', ['Important', 'Moderate']),
  },
  {
    name: 'AWS-SuseDefaultPatchBaseline',
    os: 'SUSE',
    description:
      'Default Patch Baseline for SUSE Linux Enterprise Server Provided by AWS. Approves Security patches of Critical or Important severity 7 days after release.',
    rules: [rule('SUSE', ['Security'], ['Critical', 'Important'], 7, 'UNSPECIFIED')],
  },
  {
    name: 'AWS-CentOSDefaultPatchBaseline',
    os: 'CENTOS',
    description:
      'Default Patch Baseline for CentOS Provided by AWS. Approves all updates, non-security ones included, 7 days after they become available.',
    rules: [filterRule({ CLASSIFICATION: ['*'] }, 7, true)],
  },
  {
    name: 'AWS-UbuntuDefaultPatchBaseline',
    os: 'UBUNTU',
    description:
      'Default Patch Baseline for Ubuntu Provided by AWS. Approves security patches of priority Required, Important, Standard, Optional or Extra at once.',
    rules: [filterRule(DEBIAN_PRIORITIES, undefined)],
  },
  {
    name: 'AWS-DebianDefaultPatchBaseline',
    os: 'DEBIAN',
    description:
      'Default Patch Baseline for Debian Provided by AWS. Approves security patches of priority Required, Important, Standard, Optional or Extra at once.',
    rules: [filterRule(DEBIAN_PRIORITIES, undefined)],
  },
  {
    name: 'AWS-DefaultRaspbianPatchBaseline',
    os: 'RASPBIAN',
    description:
      'Default Patch Baseline for Raspberry Pi OS Provided by AWS. Approves security patches of priority Required, Important, Standard, Optional or Extra at once.',
    rules: [filterRule(DEBIAN_PRIORITIES, undefined)],
  },
  {
    name: 'AWS-MacOSDefaultPatchBaseline',
    os: 'MACOS',
    description:
      'Default Patch Baseline for macOS Provided by AWS. Approves Security patches and every package with a current update.',
    rules: [
      filterRule({ CLASSIFICATION: ['Security'] }, undefined),
      filterRule({ CLASSIFICATION: ['*'] }, undefined, true),
    ],
  },
];

/**
 * The predefined baselines, the default for their operating system in every account and region.
 * AWS names them by ARN (`…:patchbaseline/pb-` + 17 hex digits); every partition gets its own
 * region in the ARN, and ids drawn from the region, as AWS publishes one set per region.
 */
export function predefinedBaselines(ids: Random, region: string, createdDate: Date): Baseline[] {
  const arn = (suffix: string) => `arn:aws:ssm:${region}:075727635805:patchbaseline/pb-${suffix}`;
  return PREDEFINED.map((p) => ({
    id: arn(ids.hex(17)),
    name: p.name,
    os: p.os,
    description: p.description,
    owner: 'AWS' as const,
    globalFilters: [],
    approvalRules: p.rules,
    approvedPatches: [],
    approvedPatchesComplianceLevel: 'UNSPECIFIED' as const,
    rejectedPatches: [],
    rejectedPatchesAction: 'ALLOW_AS_DEPENDENCY' as const,
    createdDate,
    modifiedDate: createdDate,
  }));
}
