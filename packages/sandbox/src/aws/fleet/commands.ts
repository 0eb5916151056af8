/**
 * The Run Command lifecycle. An invocation's timeline (sent, running, finished) is fixed when the
 * command is created; `advanceCommands` settles whatever the clock has passed, in time order, and
 * applies each finished invocation's effect exactly once. Nothing runs in the background, so the
 * simulator is deterministic under a manual clock and costs nothing while idle.
 */
import type { Partition } from '../partition';
import type { Timing } from '../knobs';
import { applyInstall, buildReport, installable } from './compliance';
import { entryMatches } from './override-list';
import { installFailure, installLines, type InvocationOutput } from './output';
import { fetchOverrideList, uploadOutput } from './command-io';
import { countsAgainstMax, resolveLimit } from './command-status';
import { isReachable } from './targets';
import type {
  InvocationStatus,
  OutputS3,
  PatchOperation,
  RebootOption,
  SimCommand,
  SimInstance,
  SimInvocation,
  Target,
} from './model';

/** AWS-RunPatchBaseline's own execution timeout (two hours); a run longer than this times out. */
export const EXECUTION_TIMEOUT_MS = 7_200_000;

/** What SendCommand (or a window task) asks for. */
export interface CommandRequest {
  documentName: string;
  comment: string;
  parameters: Record<string, string[]>;
  instanceIds: string[];
  targets: Target[];
  resolved: SimInstance[];
  timeoutSeconds: number;
  maxConcurrency: string;
  maxErrors: string;
  serviceRoleArn?: string;
  operation: PatchOperation;
  rebootOption: RebootOption;
  outputS3?: OutputS3;
}

/** Creates a command whose invocations go out in waves of MaxConcurrency. */
export function createCommand(
  partition: Partition,
  request: CommandRequest,
  requestedAt: number,
  timing: Timing,
  applyEffects = true,
): SimCommand {
  const concurrency = Math.max(1, resolveLimit(request.maxConcurrency, request.resolved.length));
  const slot = timing.pendingMs + timing.runMs;
  const invocations: SimInvocation[] = request.resolved.map((instance, index) => {
    const sendAt = requestedAt + Math.floor(index / concurrency) * slot;
    return {
      instanceId: instance.id,
      instanceName: instance.computerName,
      sendAt,
      runAt: sendAt + timing.pendingMs,
      endAt: sendAt + timing.pendingMs + timing.runMs,
      delivered: false,
      willFail: false,
    };
  });
  const command: SimCommand = {
    id: partition.ids.uuid(),
    documentName: request.documentName,
    documentVersion: '$DEFAULT',
    comment: request.comment,
    parameters: request.parameters,
    instanceIds: request.instanceIds,
    targets: request.targets,
    requestedAt,
    timeoutSeconds: request.timeoutSeconds,
    maxConcurrency: request.maxConcurrency,
    maxErrors: request.maxErrors,
    ...(request.serviceRoleArn ? { serviceRoleArn: request.serviceRoleArn } : {}),
    operation: request.operation,
    rebootOption: request.rebootOption,
    ...(request.outputS3 ? { outputS3: request.outputS3 } : {}),
    invocations,
    byInstance: new Map(invocations.map((inv) => [inv.instanceId, inv])),
    open: invocations.length,
    applyEffects,
  };
  partition.commands.set(command.id, command);
  if (command.open > 0) partition.activeCommands.add(command);
  return command;
}

interface Due {
  command: SimCommand;
  invocation: SimInvocation;
  at: number;
}

/**
 * Settles every invocation event up to `now` in time order, so a wave's failures are counted before
 * the next wave is delivered: once a command's errors exceed its MaxErrors, SSM stops sending it to
 * further targets, whose invocations end Cancelled with StatusDetails Terminated.
 */
export function advanceCommands(partition: Partition, now: number): void {
  if (partition.activeCommands.size === 0) return;
  const deliveries: Due[] = [];
  const finishes: Due[] = [];
  const expiries: Due[] = [];
  for (const command of partition.activeCommands) {
    const deadline = command.requestedAt + command.timeoutSeconds * 1000;
    for (const invocation of command.invocations) {
      if (invocation.final) continue;
      if (!invocation.delivered) {
        if (invocation.runAt > deadline) {
          if (deadline <= now) expiries.push({ command, invocation, at: deadline });
        } else if (invocation.runAt <= now) {
          deliveries.push({ command, invocation, at: invocation.runAt });
        }
      } else if (finishAt(invocation) <= now) {
        finishes.push({ command, invocation, at: finishAt(invocation) });
      }
    }
  }
  for (const due of expiries) settle(partition, due, 'TimedOut', 'DeliveryTimedOut', -1);
  deliveries.sort(byTime);
  finishes.sort(byTime);
  // Finishes caused by this pass's deliveries come in delivery order, which is time order too.
  const later: Due[] = [];
  let f = 0;
  let l = 0;
  const finishUpTo = (t: number) => {
    for (;;) {
      const a = finishes[f];
      const b = later[l];
      const next = a && (!b || a.at <= b.at) ? a : b;
      if (!next || next.at > t) return;
      if (next === a) f++;
      else l++;
      finish(partition, next);
    }
  };
  for (const due of deliveries) {
    finishUpTo(due.at);
    const { command, invocation } = due;
    if (errorsAgainstMax(command) > resolveLimit(command.maxErrors, command.invocations.length)) {
      settle(partition, due, 'Cancelled', 'Terminated', -1);
      continue;
    }
    const instance = partition.instances.get(invocation.instanceId);
    if (!instance || !isReachable(instance)) {
      settle(partition, due, 'Failed', 'Undeliverable', -1);
      continue;
    }
    invocation.delivered = true;
    invocation.willFail = instance.failNext;
    instance.failNext = false;
    // The agent fetches an InstallOverrideList as it starts; one it cannot use fails the run.
    if (command.applyEffects) fetchOverrideList(partition, command, invocation, instance);
    const end = finishAt(invocation);
    if (end <= now) later.push({ ...due, at: end });
  }
  finishUpTo(Number.POSITIVE_INFINITY);
}

/** Ends a delivered invocation: execution timeout, failure or success. */
function finish(partition: Partition, due: Due): void {
  const { invocation } = due;
  if (invocation.runAt + EXECUTION_TIMEOUT_MS < invocation.endAt)
    settle(partition, due, 'TimedOut', 'ExecutionTimedOut', -1);
  else if (invocation.willFail || invocation.failure) settle(partition, due, 'Failed', 'Failed', 1);
  else settle(partition, due, 'Success', 'Success', 0);
}

/** Failures so far that count against MaxErrors (kept by settle). */
function errorsAgainstMax(command: SimCommand): number {
  return command.errorsAgainstMax ?? 0;
}

function finishAt(invocation: SimInvocation): number {
  return Math.min(invocation.endAt, invocation.runAt + EXECUTION_TIMEOUT_MS);
}

function byTime(a: Due, b: Due): number {
  return a.at - b.at;
}

function settle(partition: Partition, due: Due, status: InvocationStatus, details: string, responseCode: number): void {
  const { command, invocation, at } = due;
  if (invocation.final) return;
  let out: InvocationOutput = { stdout: '', stderr: '', responseCode };
  const instance = partition.instances.get(invocation.instanceId);
  if (status === 'Success' && instance)
    out.stdout = command.applyEffects ? applyEffect(partition, command, invocation, instance, at) : 'Completed.';
  if (status === 'Failed' && details === 'Failed' && instance) {
    const baseline = partition.baselineFor(instance);
    const pending = installable(instance, baseline, at, onlyListed(invocation)).map((a) => a.patch);
    out = invocation.failure ?? installFailure(instance, pending, command.operation);
  }
  invocation.final = { status, details, at, responseCode: out.responseCode, output: out.stdout, stderr: out.stderr };
  // Output goes to S3 only from a plugin that ran.
  if (invocation.delivered && instance) uploadOutput(partition, command, invocation, instance, at);
  if (countsAgainstMax(status, details)) command.errorsAgainstMax = (command.errorsAgainstMax ?? 0) + 1;
  command.open--;
  if (command.open === 0) partition.activeCommands.delete(command);
}

/** The filter an InstallOverrideList sets: only the patches it names. */
function onlyListed(invocation: SimInvocation) {
  const list = invocation.overrideList;
  return list
    ? (patch: Parameters<typeof entryMatches>[1]) => list.patches.some((e) => entryMatches(e, patch))
    : undefined;
}

/** A finished Scan refreshes the report; a finished Install changes the disk, then reports. */
function applyEffect(
  partition: Partition,
  command: SimCommand,
  invocation: SimInvocation,
  instance: SimInstance,
  at: number,
): string {
  const baseline = partition.baselineFor(instance);
  const installed =
    command.operation === 'Install'
      ? applyInstall(instance, baseline, at, command.rebootOption, onlyListed(invocation))
      : undefined;
  const report = buildReport(
    instance,
    baseline,
    command.operation,
    { start: invocation.runAt, end: at },
    partition.ids.uuid(),
    command.rebootOption,
  );
  partition.index.setReported(instance, report);
  const missing = report.patches.filter((p) => p.state === 'MISSING').map((p) => p.patch.title);
  const pending = report.patches.filter((p) => p.state === 'INSTALLED_PENDING_REBOOT').map((p) => p.patch.title);
  return [
    ...(installed ? installLines(instance, installed) : []),
    ...(invocation.overrideList ? [`Install override list: ${invocation.overrideList.url}`] : []),
    `Patch group: ${report.patchGroup || '(none)'}`,
    `Operation type: ${command.operation}${command.operation === 'Install' ? ` (${command.rebootOption})` : ''}`,
    `Baseline: ${report.baselineId}`,
    `Installed: ${report.counts.installed}, installed other: ${report.counts.installedOther}`,
    `Missing: ${report.counts.missing}${missing.length ? ` (${missing.join(', ')})` : ''}`,
    `Installed pending reboot: ${report.counts.installedPendingReboot}${pending.length ? ` (${pending.join(', ')})` : ''}`,
    `Failed: ${report.counts.failed}`,
  ].join('\n');
}

/** Cancels the unfinished invocations (all, or those of `instanceIds`) at `now`. */
export function cancelCommand(partition: Partition, command: SimCommand, now: number, instanceIds?: string[]): void {
  if (!instanceIds || instanceIds.length === 0) command.cancelledAt = now;
  for (const invocation of command.invocations) {
    if (invocation.final) continue;
    if (instanceIds && instanceIds.length > 0 && !instanceIds.includes(invocation.instanceId)) continue;
    settle(partition, { command, invocation, at: now }, 'Cancelled', 'Cancelled', -1);
  }
}
