/** The simulator's shapes: what it starts with, the knob changes and admin actions it accepts, and what it reports. */
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { DenyRule, FaultRule, Timing } from './knobs';
import type { InstanceStateName, PingStatus } from './fleet/model';
import type { UnmanagedLaunch } from './fleet/launch';

export type { UnmanagedLaunch } from './fleet/launch';

/** A partition to seed with a fleet. */
export interface FleetSpec {
  account: string;
  region: string;
  /** Instance count; the default cast of twenty when omitted. */
  instances?: number;
  seed?: number;
}

/** Everything the simulator can be started with: the fleet, identities, and the starting knobs. */
export interface SimulatorOptions extends KnobChanges {
  /** 0 picks a free port. */
  port?: number;
  seed?: number;
  /** Size of the default partition's fleet (ignored when `fleets` is given). */
  instances?: number;
  /** Partitions to seed; unlisted partitions exist but are empty. Default: 123456789012/us-east-1. */
  fleets?: FleetSpec[];
  /** S3 buckets to create empty at start and on reset (none by default); account and region default to 123456789012/us-east-1. */
  buckets?: { name: string; account?: string; region?: string }[];
  /** EC2 instances no SSM agent registered, launched after the seeded fleet at start and on reset; account and region default to 123456789012/us-east-1. */
  unmanagedInstances?: (UnmanagedLaunch & PartitionRef)[];
  /** Access key id → account id. */
  accessKeys?: Record<string, string>;
  clock?: Clock;
  logger?: Logger;
  /** Sees every AWS request and the answer written for it (contract tests validate both against AWS's models). */
  onExchange?: (exchange: Exchange) => void;
}

/** One AWS request as received and the answer as written to the wire. */
export interface Exchange {
  service: string;
  operation: string;
  /** The request line and headers as received: S3 (restXml) binds members to the path, query and headers. */
  method: string;
  /** Path and query string as sent, still percent-encoded. */
  path: string;
  /** Header names lower-case; a repeated header's values joined with ", ". */
  requestHeaders: Record<string, string>;
  requestBody: string;
  /** 0 when the connection was dropped without an answer (a network fault). */
  status: number;
  headers: Record<string, string>;
  responseBody: string;
}

/** Knob changes accepted at run time. */
export interface KnobChanges {
  latencyMs?: number;
  jitterMs?: number;
  throttleRps?: number;
  errorRate?: number;
  throttleRate?: number;
  timing?: Partial<Timing>;
  deny?: DenyRule[];
  /** Network faults on chosen actions (lost answers, delayed or hung requests). */
  faults?: FaultRule[];
}

/** Which partition an admin action applies to; the default partition when omitted. */
export interface PartitionRef {
  account?: string;
  region?: string;
}

/** Changes to one instance. */
export interface InstanceChanges {
  pingStatus?: PingStatus;
  state?: InstanceStateName;
  /** The next command delivered to the instance fails. */
  failNext?: boolean;
  /** EC2 tags to set (an empty value removes the tag), e.g. a hostile `Name` for escaping tests. */
  tags?: Record<string, string>;
}

/** A patch release. */
export interface PatchRelease {
  title: string;
  classification: string;
  severity: string;
  releasedDaysAgo: number;
  kbId?: string;
  /** CVE ids the patch resolves; DescribeInstancePatches answers them comma-separated in CVEIds. */
  cveIds?: string[];
  instanceIds?: string[];
  group?: string;
  /** Update the reported compliance at once, as if the reachable instances were scanned now. */
  rescan?: boolean;
}

/** A ChangeCalendar document's state, as `POST /_sandbox/calendars/{name}` sets it. */
export interface CalendarSetting {
  state: 'OPEN' | 'CLOSED';
  /** When the state flips to the other one (ISO 8601 or a Date); null or absent: no transition known. */
  nextTransitionTime?: string | Date | null;
}

/** A calendar as the simulator answers for it. */
export interface CalendarSummary {
  name: string;
  account: string;
  region: string;
  state: 'OPEN' | 'CLOSED';
  nextTransitionTime: string | null;
}

/** Credentials issued by AssumeRole. */
export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  account: string;
  roleArn: string;
  assumedRoleId: string;
  assumedRoleArn: string;
}

/** A partition's summary, for the CLI and `GET /_sandbox/summary`. */
export interface PartitionSummary {
  account: string;
  region: string;
  instances: number;
  groups: Record<string, number>;
  windows: { id: string; name: string; schedule: string }[];
  baselines: { id: string; name: string; os: string }[];
}
