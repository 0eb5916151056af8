/** The parts of a change plan that stand alone: its planned patches, the promotion evidence and the baselines it rests on. */
import type { OperationStatus } from './lifecycle';

/** A patch the install will apply, from the latest scan, with how many target instances miss it. */
export interface PlannedPatch {
  title: string;
  kbId: string;
  severity: string;
  classification: string;
  instances: number;
}

/** How the group a change is promoted from (PRD from STG) has fared: the evidence an approver weighs. */
export interface PromotionEvidence {
  fromGroup: string;
  /** The source group's most recent install through patchbot, if any. */
  lastInstall: { operationId: string; status: OperationStatus; finishedAt: Date | undefined } | undefined;
  /** Whether the source group is compliant now (no missing, failed or pending-reboot patches). */
  compliantNow: boolean | undefined;
  nonCompliantInstances: number;
  /** Set when the evidence argues against going ahead, in words for the card. */
  warning: string | undefined;
}

/** The baseline a plan rests on in one scope and region. */
export interface PlanBaseline {
  scope: string;
  region: string;
  baselineId: string;
  name: string;
  modifiedDate: Date | undefined;
}
