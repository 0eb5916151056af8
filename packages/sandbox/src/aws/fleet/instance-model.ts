/** Simulated instances and their patches: what is on the disk, apart from what was last reported to SSM. */
/** SSM's OperatingSystem enum: every one has a predefined default baseline. */
export const OPERATING_SYSTEMS = [
  'WINDOWS',
  'AMAZON_LINUX',
  'AMAZON_LINUX_2',
  'AMAZON_LINUX_2022',
  'UBUNTU',
  'REDHAT_ENTERPRISE_LINUX',
  'SUSE',
  'CENTOS',
  'ORACLE_LINUX',
  'DEBIAN',
  'MACOS',
  'RASPBIAN',
  'ROCKY_LINUX',
  'ALMA_LINUX',
  'AMAZON_LINUX_2023',
] as const;
/** An SSM OperatingSystem value (baselines exist for all; seeded instances run AMAZON_LINUX_2 or WINDOWS). */
export type OperatingSystem = (typeof OPERATING_SYSTEMS)[number];
/** SSM agent connectivity. */
export type PingStatus = 'Online' | 'ConnectionLost' | 'Inactive';
/** EC2 instance states the simulator models. */
export type InstanceStateName = 'running' | 'stopped';
/** What is actually on an instance for one patch. */
export type ActualPatchState = 'INSTALLED' | 'MISSING' | 'INSTALLED_PENDING_REBOOT' | 'NOT_APPLICABLE';
/** The PatchComplianceData states SSM reports. */
export type ReportedPatchState =
  | 'INSTALLED'
  | 'INSTALLED_OTHER'
  | 'INSTALLED_PENDING_REBOOT'
  | 'INSTALLED_REJECTED'
  | 'MISSING'
  | 'NOT_APPLICABLE'
  | 'FAILED';
/** AWS-RunPatchBaseline's Operation parameter. */
export type PatchOperation = 'Scan' | 'Install';
/** AWS-RunPatchBaseline's RebootOption parameter. */
export type RebootOption = 'RebootIfNeeded' | 'NoReboot';
/** Patch baseline compliance levels. */
export type ComplianceLevel = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL' | 'UNSPECIFIED';

/** One patch a vendor released for an operating system. */
export interface CatalogPatch {
  id: string;
  os: OperatingSystem;
  title: string;
  kbId: string;
  classification: string;
  severity: string;
  releaseDate: Date;
  cveIds?: string;
  /** Instance roles (from the Name tag, e.g. `db`) the patch applies to; absent means every role. */
  roles?: string[];
}

/** One patch's actual state on one instance. */
export interface ActualPatch {
  patch: CatalogPatch;
  state: ActualPatchState;
  installedTime?: Date;
}

/** One patch as SSM last reported it for an instance. */
export interface ReportedPatch {
  patch: CatalogPatch;
  state: ReportedPatchState;
  installedTime?: Date;
  /** The baseline's compliance level for this patch, when a rule approved it. */
  complianceLevel?: ComplianceLevel;
}

/** Counts SSM reports per instance (InstancePatchState). */
export interface PatchCounts {
  installed: number;
  installedOther: number;
  installedPendingReboot: number;
  installedRejected: number;
  missing: number;
  failed: number;
  notApplicable: number;
  unreportedNotApplicable: number;
  criticalNonCompliant: number;
  securityNonCompliant: number;
  otherNonCompliant: number;
}

/** What the last patch operation on an instance reported to SSM. */
export interface ReportedState {
  patchGroup: string;
  baselineId: string;
  operation: PatchOperation;
  rebootOption?: RebootOption;
  snapshotId: string;
  operationStartTime: Date;
  operationEndTime: Date;
  lastNoRebootInstallOperationTime?: Date;
  patches: ReportedPatch[];
  counts: PatchCounts;
}

/** An EC2 instance with its SSM agent and its patches; the readonly fields are fixed at launch. */
export interface SimInstance {
  readonly id: string;
  /** Launch order; gives every list a stable order. */
  seq: number;
  name: string;
  tags: Map<string, string>;
  readonly os: OperatingSystem;
  platformType: 'Linux' | 'Windows';
  platformName: string;
  platformVersion: string;
  readonly computerName: string;
  readonly instanceType: string;
  readonly imageId: string;
  readonly availabilityZone: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly privateIp: string;
  readonly reservationId: string;
  /** Never mutated in place (setTime...) either. */
  readonly launchTime: Date;
  registrationDate: Date;
  agentVersion: string;
  /**
   * Whether SSM knows the instance as a managed node (agent running, an instance profile that lets it
   * register). False for an EC2 instance without one: SSM's APIs do not list or target it.
   */
  ssmManaged: boolean;
  state: InstanceStateName;
  stateChangedAt: Date;
  pingStatus: PingStatus;
  /** When the agent last pinged, frozen when it stopped pinging. */
  lastPingAt: Date;
  /** Admin knob: the next command delivered here fails. */
  failNext: boolean;
  patches: Map<string, ActualPatch>;
  reported?: ReportedState;
  /**
   * Its DescribeInstances item as last written for `owner` (ec2-instance-xml.ts), kept so that a
   * page of 1,000 is copied, not rebuilt; FleetIndex clears it when a tag or the power state changes.
   */
  ec2Item?: { readonly owner: string; readonly text: string };
}
