/**
 * The domain behind the read commands and `/patch scan`: status, baselines, windows and history
 * read AWS and the store; startScan records an operation and sends it. Nothing here waits for a
 * command to finish: the OperationTracker follows it and publishes the result.
 */
import type { PatchGroup } from '../config/schema';
import type { Logger } from '../logger';
import { InputError } from '../errors';
import { normalizeOperationId, type Operation } from './ports';
import {
  ApprovalService,
  type ApprovalAuthorizer,
  type CancelInput,
  type DecideInput,
  type DecideResult,
  type RecordedDecision,
} from './approval';
import { fanOut, gatewaysForGroup, groupTarget } from './group-fleet';
import { buildInstallPlan, buildRebootPlan, type RebootOption } from './plan';
import { planJson, scanParams } from './records';
import { excludedNote, rebootParams, unreadScopes } from './change-requests';
import type { ChangePlan } from './plan-record';
import { OperationRunner, type PatchingDeps } from './runner';
import { InFlight } from './in-flight';
import { groupStatus, withOtherSpelling } from './status';
import { checkSla, type SlaReport } from './sla';
import { findOtherSpelling } from './tag-spelling';
import type { BaselinesReport, GroupStatus, WindowsReport } from './group-reports';
import type { HistoryEntry } from './history';
import { toHistoryEntry } from './history';
import { refuseWhileHeld } from './one-change';
import { markRetried, refuseRetriedAgain, withRetry, type RetryOf } from './retry-failed';
import { listWindows } from './windows';
import type { ScheduleRequest } from './schedule';
import { resolveSchedule } from './schedule-resolve';
import { buildPromotePlan } from './promote';
import { checkFreeze, DEFAULT_IF_FROZEN, type IfFrozen } from './freeze';
import { confirmOverride, type OverrideInput, type OverrideResult } from './freeze-override';
import { describeInstance, type InstanceReport } from './instance-detail';
import type { InstanceQuery } from './fleet-types';

export { operationVerdict, toHistoryEntry } from './history';

/** Who asks for a scan, and where its message goes. */
export interface StartScanInput {
  group: PatchGroup;
  /** Slack user id. */
  requestedBy: string;
  /** Slack channel id the tracker publishes to. */
  channel: string;
}

/** Who asks for an install, where its message goes, and the reboot option (default: the group's). */
export interface RequestInstallInput extends StartScanInput {
  rebootOption?: RebootOption | undefined;
  /** `in <window>` or `at <time>`; absent: the group's install.runIn, else sent once approved. */
  schedule?: ScheduleRequest | undefined;
  retry?: RetryOf;
  /** Should a change calendar be closed when it is due: wait (default) or give up. */
  ifFrozen?: IfFrozen | undefined;
}

/** Who asks for a promote: the group whose last successful install is copied, onto `group`. */
export interface RequestPromoteInput {
  source: PatchGroup;
  target: PatchGroup;
  requestedBy: string;
  channel: string;
}

/** Who asks for a reboot; `all` reboots every running instance, not only those waiting for a reboot. */
export interface RequestRebootInput extends StartScanInput {
  all: boolean;
  retry?: RetryOf;
  /** Should a change calendar be closed when it is due: wait (default) or give up. */
  ifFrozen?: IfFrozen | undefined;
}

/** Status, baselines, windows, history and scans of the configured groups. */
export class PatchService {
  /** The runner that sends; give the same one to the OperationTracker. */
  readonly runner: OperationRunner;
  private readonly deps: PatchingDeps;
  private readonly log: Logger;
  private readonly approvals: ApprovalService;
  private readonly statusReads = new InFlight<GroupStatus>();

  constructor(deps: PatchingDeps & { runner?: OperationRunner }) {
    this.deps = deps;
    this.runner = deps.runner ?? new OperationRunner(deps);
    this.log = deps.logger.child({ subsystem: 'patching' });
    this.approvals = new ApprovalService({ ...deps, send: (op) => this.runner.send(op) });
  }

  /** The plan `/patch install` would record now, without recording anything. */
  installPlan(group: PatchGroup, rebootOption?: RebootOption): Promise<ChangePlan> {
    return buildInstallPlan(this.deps, group, rebootOption);
  }

  /** The plan `/patch reboot` would record now, without recording anything. */
  rebootPlan(group: PatchGroup, all: boolean): Promise<ChangePlan> {
    return buildRebootPlan(this.deps, group, all);
  }

  /**
   * `/patch install <group> [reboot=...]`: builds the plan, refuses (InputError) when there is no
   * target or nothing to install, and records the operation with its plan: `pending` (expiring after
   * the policy's expiresAfter) when the group requires approval, else `approved` and sent at once;
   * with a schedule (`in`/`at`, or the group's install.runIn) it is sent in its window or at its time.
   * The tracker posts the operation's message (the approval card for a pending one): call
   * tracker.track(op.id) next.
   */
  async requestInstall(input: RequestInstallInput): Promise<Operation> {
    const { group } = input;
    await refuseWhileHeld(this.deps.store, group.name, this.deps.clock);
    // A schedule that cannot be kept is refused before the plan's reads: no card for a change that could not run.
    const schedule = await resolveSchedule(this.deps, group, input.schedule);
    const built = withRetry(
      await buildInstallPlan(this.deps, group, input.rebootOption, input.retry?.only),
      input.retry,
    );
    const plan = schedule ? { ...built, schedule } : built;
    if (plan.targets.length === 0) unreadScopes('install', plan);
    if (plan.targets.length === 0) {
      throw new InputError(`install ${group.name}: no reachable instance`, {
        userMessage: `Nothing to install on: ${group.name} has no running instance whose SSM agent is online.${excludedNote(plan)}`,
      });
    }
    if (plan.patches.length === 0) {
      throw new InputError(`install ${group.name}: nothing missing`, {
        userMessage: `Nothing to install: ${group.name} has no missing approved patches in its latest scan; /patch scan ${group.name} first if the scan is old.`,
      });
    }
    return this.record(input, 'install', await this.withFreeze(plan, group, input.ifFrozen), {
      operation: 'Install',
      rebootOption: plan.rebootOption,
      maxConcurrency: group.install.maxConcurrency,
      maxErrors: group.install.maxErrors,
      timeoutSeconds: group.install.timeoutSeconds,
    });
  }

  /**
   * `/patch promote <source> <target>`: an install on the target pinned to exactly the patches the
   * source's last successful install installed and the target misses (see promote.ts), recorded and
   * approved as any install on the target; refused (InputError) with no card when there is nothing to pin.
   */
  async requestPromote(input: RequestPromoteInput): Promise<Operation> {
    const { target } = input;
    await refuseWhileHeld(this.deps.store, target.name, this.deps.clock);
    const plan = await buildPromotePlan(this.deps, input.source, target);
    if (plan.targets.length === 0) unreadScopes('install', plan);
    if (plan.targets.length === 0) {
      throw new InputError(`promote ${target.name}: no reachable instance`, {
        userMessage: `Nothing to install on: ${target.name} has no running instance whose SSM agent is online.${excludedNote(plan)}`,
      });
    }
    return this.record({ group: target, requestedBy: input.requestedBy, channel: input.channel }, 'install', plan, {
      operation: 'Install',
      rebootOption: plan.rebootOption,
      maxConcurrency: target.install.maxConcurrency,
      maxErrors: target.install.maxErrors,
      timeoutSeconds: target.install.timeoutSeconds,
    });
  }

  /** `/patch reboot <group> [all]`: as requestInstall, for the instances waiting for a reboot (or all running ones). */
  async requestReboot(input: RequestRebootInput): Promise<Operation> {
    const { group } = input;
    await refuseWhileHeld(this.deps.store, group.name, this.deps.clock);
    const plan = withRetry(await buildRebootPlan(this.deps, group, input.all, input.retry?.only), input.retry);
    if (plan.targets.length === 0) unreadScopes('reboot', plan);
    if (plan.targets.length === 0) {
      throw new InputError(`reboot ${group.name}: no target`, {
        userMessage: input.all
          ? `Nothing to reboot: ${group.name} has no running instance whose SSM agent is online.${excludedNote(plan)}`
          : `Nothing to reboot: no instance of ${group.name} is waiting for a reboot in its latest scan (/patch reboot ${group.name} all reboots every running instance).`,
      });
    }
    return this.record(input, 'reboot', await this.withFreeze(plan, group, input.ifFrozen), rebootParams(group, plan));
  }

  /**
   * The plan with the group's change calendars as read now, or for a scheduled change as they will be at its
   * start (shown on the card up front), and the requester's if-frozen choice.
   */
  private async withFreeze(plan: ChangePlan, group: PatchGroup, ifFrozen: IfFrozen | undefined): Promise<ChangePlan> {
    const freeze = await checkFreeze(this.deps, group, plan.schedule?.startsAt);
    return freeze ? { ...plan, freeze, ifFrozen: ifFrozen ?? DEFAULT_IF_FROZEN } : plan;
  }

  /** Approve or Reject on an approval card; see ApprovalService.decide. */
  decide(input: DecideInput, authorizer: ApprovalAuthorizer): Promise<DecideResult> {
    return this.approvals.decide(input, authorizer);
  }

  /** The same decision, recorded without sending; see ApprovalService.record. */
  recordDecision(input: DecideInput, authorizer: ApprovalAuthorizer): Promise<RecordedDecision> {
    return this.approvals.record(input, authorizer);
  }

  /** One override approver's confirmation of a freeze override; see freeze-override.ts. */
  confirmOverride(input: OverrideInput, authorizer: ApprovalAuthorizer): Promise<OverrideResult> {
    return confirmOverride(this.deps, input, authorizer);
  }

  /** `/patch cancel <op>`; see ApprovalService.cancel (throws ForbiddenError / ConflictError / NotFoundError with the reason). */
  cancel(input: CancelInput, authorizer: ApprovalAuthorizer): Promise<Operation> {
    return this.approvals.cancel(input, authorizer);
  }

  private async record(
    input: StartScanInput & { retry?: RetryOf },
    kind: 'install' | 'reboot',
    plan: ChangePlan,
    params: Record<string, unknown>,
  ): Promise<Operation> {
    const { group } = input;
    const { store, clock } = this.deps;
    const required = group.approval.required;
    const op = await store.transaction(async (tx) => {
      // Again inside the transaction: of two requests planned at the same moment, one is recorded.
      await refuseWhileHeld(tx, group.name, clock);
      // Retry failed plans once per operation: of two clicks, the first recorded wins, the second is told.
      if (input.retry) await refuseRetriedAgain(tx, input.retry.operationId);
      const created = await tx.operations.create({
        kind,
        group: group.name,
        status: required ? 'pending' : 'approved',
        requestedBy: input.requestedBy,
        channel: input.channel,
        params,
        plan: planJson(plan),
        ...(required ? { expiresAt: new Date(clock.now().getTime() + group.approval.expiresAfterMs) } : {}),
      });
      await tx.audit.append({
        actor: input.requestedBy,
        action: 'operation.requested',
        operationId: created.id,
        group: group.name,
        detail: {
          kind,
          approvalRequired: required,
          targets: plan.targets.length,
          patches: plan.patches.length,
          rebootOption: plan.rebootOption,
          ...(plan.pinned
            ? { promotedFrom: { group: plan.pinned.fromGroup, operationId: plan.pinned.operationId } }
            : {}),
          ...(plan.schedule
            ? {
                schedule: {
                  startsAt: plan.schedule.startsAt.toISOString(),
                  latestAt: plan.schedule.latestAt.toISOString(),
                  windowId: plan.schedule.window?.windowId,
                },
              }
            : {}),
          ...(input.retry ? { retryOf: input.retry.operationId } : {}),
        },
      });
      if (input.retry) await markRetried(tx, input.retry.operationId, created.id);
      return created;
    });
    this.log.info(
      { operationId: op.id, group: group.name, kind, requestedBy: input.requestedBy, pending: required },
      `${kind} requested`,
    );
    // A scheduled change waits for its time even when nobody needs to approve it: the tracker sends it then.
    return required || plan.schedule ? op : this.runner.send(op);
  }

  /**
   * `/patch status <group>`, with the instances tagged under the other tag spelling beside it (one
   * more EC2 call per scope, in parallel); concurrent asks for the same group share one read (see InFlight).
   */
  status(group: PatchGroup): Promise<GroupStatus> {
    return this.statusReads.run(group.name, async () => {
      const { gateways, clock } = this.deps;
      const [status, other, sla] = await Promise.all([
        this.deps.recent
          ? this.deps.recent.status(group.name, () => groupStatus(group, gateways, clock, this.log))
          : groupStatus(group, gateways, clock, this.log),
        findOtherSpelling(group, gateways, this.log),
        this.sla(group),
      ]);
      return { ...withOtherSpelling(status, other), ...(sla ? { sla } : {}) };
    });
  }

  /** `/patch instance <name | id>`: one instance looked up across the scopes of `groups` (those the requester may see); see instance-detail.ts. */
  instance(query: InstanceQuery, groups: readonly PatchGroup[]): Promise<InstanceReport> {
    return describeInstance(this.deps, query, groups);
  }

  /** The group's SLA check from the compliance history; a failed read leaves it out of status (logged). */
  private async sla(group: PatchGroup): Promise<SlaReport | undefined> {
    try {
      return await checkSla(this.deps.store.complianceHistory, group);
    } catch (err) {
      this.log.warn({ err, group: group.name }, 'status: could not read the compliance history for the SLA check');
      return undefined;
    }
  }

  /** `/patch baseline <group>`: the baseline registered for the group's OS in each scope and region. */
  async baselines(group: PatchGroup): Promise<BaselinesReport> {
    const target = groupTarget(group);
    const { results, failures } = await fanOut(
      gatewaysForGroup(group, this.deps.gateways),
      (gw) => gw.getBaseline(target),
      {
        logger: this.log,
        what: `baseline of ${group.name}`,
      },
    );
    return {
      entries: results.map((r) => ({ scope: r.gateway.scope, region: r.gateway.region, baseline: r.value })),
      failures,
    };
  }

  /** `/patch windows [group]`: every window of every scope, or only those whose targets name the group. */
  windows(group?: PatchGroup): Promise<WindowsReport> {
    const gateways = group ? gatewaysForGroup(group, this.deps.gateways) : [...this.deps.gateways];
    return listWindows(gateways, this.deps.groups, group, this.log);
  }

  /** The operation id a user typed (any case, spaces, o for 0 and l for 1), or undefined when it is not one. */
  operationId(typed: string): string | undefined {
    return normalizeOperationId(typed);
  }

  /** `/patch history [group]`: the latest operations, newest first. */
  async history(input: { group?: string | undefined; limit: number }): Promise<HistoryEntry[]> {
    const ops = await this.deps.store.operations.listRecent({
      ...(input.group ? { group: input.group } : {}),
      limit: input.limit,
    });
    return ops.map(toHistoryEntry);
  }

  /**
   * `/patch scan <group>`: records the operation (approved: a scan changes nothing) and sends the
   * Scan to every scope and region of the group (the runner first records a compliance snapshot if
   * the group has none, so "newly missing" has something to compare with). Returns the operation: `running` (perhaps with scope failures in
   * its result), or `failed` when no scope got the command. Call tracker.track(op.id) next.
   */
  async startScan(input: StartScanInput): Promise<Operation> {
    const { group } = input;
    const { store } = this.deps;
    const op = await store.transaction(async (tx) => {
      const created = await tx.operations.create({
        kind: 'scan',
        group: group.name,
        status: 'approved',
        requestedBy: input.requestedBy,
        channel: input.channel,
        params: scanParams(group),
      });
      await tx.audit.append({
        actor: input.requestedBy,
        action: 'operation.requested',
        operationId: created.id,
        group: group.name,
        detail: { kind: 'scan' },
      });
      return created;
    });
    this.log.info({ operationId: op.id, group: group.name, requestedBy: input.requestedBy }, 'scan requested');
    // No await between creating and claiming: the tracker cannot take the send from under us.
    return this.runner.send(op);
  }
}
