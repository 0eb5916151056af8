import type { PatchbotConfig, PatchGroup } from '../src/config';
import type { Logger } from '../src/logger';
import type { Sentence } from '../src/sentence';
import type { Operation } from '../src/patching/ports';
import type { ScheduleRequest } from '../src/patching/schedule';
import type { BaselinesReport, GroupStatus, WindowsReport } from '../src/patching/group-reports';
import type { HistoryEntry } from '../src/patching/history';
import type { GroupDay } from '../src/patching/ports';
import type { InstanceQuery } from '../src/patching/fleet-types';
import type { InstanceReport } from '../src/patching/instance-detail';
import type { AuditExport, AuditExportRequest } from '../src/patching/audit-export';
import type { Authorizer } from '../src/patching/decision';
import type { Handles, Reply, Visibility } from './reply';

export type { Reply } from './reply';

/** What commands ask of the domain; main wires the real services in, so commands never see AWS. */
export interface CommandServices {
  status(group: PatchGroup): Promise<GroupStatus>;
  baselines(group: PatchGroup): Promise<BaselinesReport>;
  windows(group?: PatchGroup): Promise<WindowsReport>;
  startScan(input: { group: PatchGroup; requestedBy: string; channel: string }): Promise<Operation>;
  /** Records an install with its plan: pending when the group needs approval, else started at once. */
  requestInstall(input: {
    group: PatchGroup;
    requestedBy: string;
    channel: string;
    rebootOption?: 'RebootIfNeeded' | 'NoReboot';
    /** `in <window>` or `at <time>`; absent: the group's install.runIn, else at once. */
    schedule?: ScheduleRequest;
    /** `if-frozen=wait|cancel`: should a change calendar be closed when it is due; absent: wait. */
    ifFrozen?: 'wait' | 'cancel';
  }): Promise<Operation>;
  /** Records an install on `target` pinned to what `source`'s last successful install installed and `target` misses. */
  requestPromote(input: {
    source: PatchGroup;
    target: PatchGroup;
    requestedBy: string;
    channel: string;
  }): Promise<Operation>;
  /** Records a reboot of the instances waiting for one (or all running ones). */
  requestReboot(input: { group: PatchGroup; requestedBy: string; channel: string; all: boolean }): Promise<Operation>;
  /** The channel a typed name (`#patching`, `patching`) or id names; undefined when Slack has no live channel of that name. */
  findChannel(ref: string): Promise<{ id: string } | undefined>;
  /** Posts the channel's digest there now; resolves undefined when posted, else why not (with the fix). */
  postDigest(channel: string): Promise<Sentence | undefined>;
  /** Cancels a pending or running operation; throws ForbiddenError or ConflictError with the reason. */
  cancel(input: { operationId: string; userId: string }): Promise<Operation>;
  /** The operation id a user typed (any case, o for 0, l for 1), or undefined when it is not one. */
  operationId(typed: string): string | undefined;
  history(input: { group?: string; limit: number }): Promise<HistoryEntry[]>;
  /** The daily compliance history of `groups` from `fromDay` to `toDay` (UTC days, inclusive), oldest first. */
  groupDays(groups: readonly string[], fromDay: string, toDay: string): Promise<GroupDay[]>;
  /** One instance by id or Name tag, looked up in the scopes of `groups` (those the requester may see). */
  instance(input: { query: InstanceQuery; groups: readonly PatchGroup[] }): Promise<InstanceReport>;
  /** The audit log of some groups from a time until now, as a CSV file (or why it is too large). */
  auditExport(input: AuditExportRequest): Promise<AuditExport>;
  /** The time, for views that say "3h ago". */
  now(): Date;
}

export type { Authorizer } from '../src/patching/decision';

/** Resolves user group ids to their handles for replies; the Slack layer implements it. */
export interface NameDirectory {
  /** Handles of the user groups among `ids` (all known ones when omitted); never throws. */
  handles(ids?: Iterable<string>): Promise<Handles>;
  /** A person's name (real name, else display name), where the directory can say; never throws. */
  userName?(userId: string): Promise<string | undefined>;
}

/** Everything a command needs to run for one request. */
export interface CommandContext {
  userId: string;
  channelId: string;
  config: PatchbotConfig;
  services: CommandServices;
  authorizer: Authorizer;
  /** User group handles for replies that name operators or approvers. */
  names: NameDirectory;
  logger: Logger;
}

/** One `/patch` subcommand. */
export interface CommandModule {
  name: string;
  /** e.g. `/patch status <group>` */
  usage: string;
  summary: string;
  /** Who sees the answer (help says it): the requester alone, or the channel. */
  visibility: Visibility;
  /** Whether the caller must be an operator (of the named group, or of any group when none is named). */
  operatorsOnly: boolean;
  /** Which word names the group whose operators may run it (default 0; promote's target is word 1). */
  groupArg?: number;
  /** Parses the words after the subcommand; throws InputError or NotFoundError with a helpful message. */
  run(ctx: CommandContext, args: string[]): Promise<Reply>;
}
