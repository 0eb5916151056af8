/** The simulated patch baselines: their approval rules and filters. */
import type { ComplianceLevel, OperatingSystem } from './instance-model';

/** A PatchFilter inside an approval rule or global filter. */
export interface PatchFilter {
  key: string;
  values: string[];
}

/** One approval rule of a baseline. */
export interface ApprovalRule {
  filters: PatchFilter[];
  complianceLevel: ComplianceLevel;
  approveAfterDays?: number;
  approveUntilDate?: string;
  enableNonSecurity: boolean;
}

/** A patch baseline: AWS-owned (predefined) or the account's own. */
export interface Baseline {
  id: string;
  name: string;
  os: OperatingSystem;
  description: string;
  owner: 'AWS' | 'Self';
  globalFilters: PatchFilter[];
  approvalRules: ApprovalRule[];
  approvedPatches: string[];
  approvedPatchesComplianceLevel: ComplianceLevel;
  rejectedPatches: string[];
  rejectedPatchesAction: 'ALLOW_AS_DEPENDENCY' | 'BLOCK';
  createdDate: Date;
  modifiedDate: Date;
}
