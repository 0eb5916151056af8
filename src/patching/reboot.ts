/**
 * Reboots, at most once. A reboot is EC2 RebootInstances for the plan's targets (50 ids a call),
 * then an AWS-RunPatchBaseline Scan of the rebooted instances (InstanceIds, 50 a command, the
 * operation id in the Comment) so SSM's compliance shows the pending reboots cleared; the tracker
 * follows that scan like any other and finishes the operation with the group's compliance after.
 *
 * Unlike SendCommand, RebootInstances leaves nothing in AWS that a restart could look up, so the
 * exactly-once rule becomes at-most-once: the operation is claimed (approved → sending) and the
 * claim recorded (result.reboot.requestedAt) before the first call, and a reboot found in `sending`
 * by a later process is never rebooted again. It is failed with a message asking the user to check
 * and run `/patch reboot` again if needed: never reboot production twice.
 */
import { chunk } from '../shared/concurrency';
import { SYSTEM_ACTOR, type Operation, type OperationCommand } from './ports';
import { fanOut, gatewayFor, groupTarget } from './group-fleet';
import { AwsError } from '../errors';
import { checkDrift } from './drift';
import { RebootParamsSchema, readPlan, readResult, resultJson } from './records';
import type { PatchGroup } from '../config/schema';
import type { Logger } from '../logger';
import type { PatchingDeps } from './deps';
import { failUnsent } from './not-sent';
import type { ScopeFailure } from './record-schemas';

/** What a reboot step uses: the domain's I/O, the caller's log, and the group of an operation. */
export type RebootDeps = Pick<PatchingDeps, 'store' | 'gateways' | 'clock'> & {
  log: Logger;
  group: (op: Operation) => PatchGroup | undefined;
};

/** At most this many instance ids per SendCommand (SSM's limit). */
const SCAN_BATCH = 50;

/** Runs a claimed (sending) reboot: RebootInstances per scope, then the follow-up scan; returns the operation as it now is. */
export async function dispatchReboot(deps: RebootDeps, op: Operation): Promise<Operation> {
  const { store, gateways, clock } = deps;
  const log = deps.log.child({ operationId: op.id });
  const fail = (current: Operation, code: string, message: string, failures: ScopeFailure[]) =>
    failUnsent({ store, log: deps.log }, current, code, message, failures);
  const group = deps.group(op);
  if (!group)
    return fail(op, 'NOT_FOUND', `The group ${op.group} is no longer configured, so nothing was rebooted.`, []);
  const parsed = RebootParamsSchema.safeParse(op.params);
  if (!parsed.success)
    return fail(op, 'INTERNAL', `Reboot ${op.id} has no valid instance list, so nothing was rebooted.`, []);
  const p = parsed.data;

  // Drift since approval (a target stopped, left the group) stops the reboot before anything happens.
  const plan = readPlan(op);
  const drift = plan ? await checkDrift({ gateways, clock, logger: log }, group, plan) : undefined;
  if (drift && drift.blocking.length > 0) {
    const current = await store.transaction(async (tx) => {
      const latest = (await tx.operations.get(op.id)) ?? op;
      await tx.operations.update(op.id, { result: resultJson({ ...readResult(latest), drift }) });
      return (await tx.operations.get(op.id)) ?? latest;
    });
    const first = drift.blocking
      .slice(0, 3)
      .map((b) => b.what)
      .join('; ');
    return fail(
      current,
      'DRIFT',
      `Nothing was rebooted: what the card showed is no longer true: ${first}. Plan again to see the reboot as it would be now; it needs a new approval.`,
      [],
    );
  }

  // The record that the reboot is under way, written before the first RebootInstances call.
  await store.transaction(async (tx) => {
    const base = readResult((await tx.operations.get(op.id)) ?? op);
    await tx.operations.update(op.id, {
      result: resultJson({
        ...base,
        ...(drift ? { drift: { ...drift, offline: [] } } : {}),
        reboot: { requestedAt: clock.now().toISOString() },
      }),
    });
  });

  const failures: ScopeFailure[] = [];
  const work = p.targets.flatMap((t) => {
    const gateway = gatewayFor(gateways, t.scope, t.region);
    if (!gateway)
      failures.push({
        scope: t.scope,
        region: t.region,
        message: `Scope ${t.scope} (${t.region}) is no longer configured; its instances were not rebooted.`,
      });
    return gateway ? [{ scope: t.scope, region: t.region, gateway, instanceIds: t.instanceIds }] : [];
  });
  const rebooted = await fanOut(
    work,
    async (w) => {
      await w.gateway.rebootInstances(w.instanceIds);
      return w.instanceIds;
    },
    { logger: log, what: `rebooting for ${op.id}` },
  );
  // A lost answer may hide a reboot that happened: say so, and never send it again.
  failures.push(
    ...rebooted.failures.map((f, i) => {
      const err = rebooted.errors[i];
      return err instanceof AwsError && err.outcomeUnknown
        ? {
            ...f,
            message: `AWS did not answer ec2:RebootInstances, so these instances may or may not have been rebooted. patchbot never repeats a reboot on its own: check them with /patch status ${op.group} before rebooting again.`,
          }
        : { ...f, message: `Not rebooted: ${f.message}` };
    }),
  );
  const done = rebooted.results.map((r) => ({
    scope: r.gateway.scope,
    region: r.gateway.region,
    instanceIds: r.value,
  }));
  const requestedAt = clock.now().toISOString();
  await store.transaction(async (tx) => {
    const current = (await tx.operations.get(op.id)) ?? op;
    await tx.operations.update(op.id, {
      result: resultJson({ ...readResult(current), reboot: { requestedAt, rebooted: done }, failures }),
    });
    await tx.audit.append({
      actor: SYSTEM_ACTOR,
      action: 'operation.sent',
      operationId: op.id,
      group: op.group,
      detail: { rebooted: done, failures },
    });
  });
  log.info(
    { rebooted: done.reduce((n, d) => n + d.instanceIds.length, 0), failures: failures.length },
    'instances rebooted',
  );
  if (done.length === 0) {
    const current = (await store.operations.get(op.id)) ?? op;
    return fail(
      current,
      rebooted.errors[0]?.code ?? 'INTERNAL',
      failures.map((f) => `${f.scope} (${f.region}): ${f.message}`).join(' ') || 'Nothing was rebooted.',
      failures,
    );
  }

  // The follow-up scan: SSM reports the pending reboots cleared only after a scan.
  const scans = rebooted.results.flatMap((r) =>
    chunk(r.value, SCAN_BATCH).map((ids) => ({
      scope: r.gateway.scope,
      region: r.gateway.region,
      gateway: r.gateway.gateway,
      ids,
    })),
  );
  const sent = await fanOut(
    scans,
    (s) =>
      s.gateway.sendPatchCommand({
        operation: 'Scan',
        rebootOption: 'NoReboot',
        group: groupTarget(group),
        instanceIds: s.ids,
        maxConcurrency: p.maxConcurrency,
        maxErrors: p.maxErrors,
        operationId: op.id,
        timeoutSeconds: p.timeoutSeconds,
        ...(group.install.outputS3 ? { outputS3: group.install.outputS3 } : {}),
      }),
    { logger: log, what: `scanning after the reboot of ${op.id}` },
  );
  const scanFailures = sent.failures.map((f) => ({
    ...f,
    message: `Rebooted, but the compliance scan could not be sent: ${f.message}`,
  }));
  const commands: OperationCommand[] = sent.results.map((r) => ({
    scope: r.gateway.scope,
    region: r.gateway.region,
    commandId: r.value,
  }));
  const current = (await store.operations.get(op.id)) ?? op;
  const allFailures = [...failures, ...scanFailures];
  if (commands.length === 0) {
    return fail(
      current,
      sent.errors[0]?.code ?? 'INTERNAL',
      `The instances were rebooted, but the compliance scan could not be sent, so SSM still shows them waiting for a reboot. Run /patch scan ${group.name}. ${scanFailures.map((f) => `${f.scope} (${f.region}): ${f.message}`).join(' ')}`.trim(),
      allFailures,
    );
  }
  const running = await store.transaction(async (tx) => {
    const moved = await tx.operations.transition(op.id, {
      from: 'sending',
      to: 'running',
      patch: {
        commands,
        result: resultJson({ ...readResult(current), failures: allFailures, published: false, sentAt: requestedAt }),
      },
    });
    if (moved)
      await tx.audit.append({
        actor: SYSTEM_ACTOR,
        action: 'operation.sent',
        operationId: op.id,
        group: op.group,
        detail: { commands, failures: scanFailures },
      });
    return moved;
  });
  return running ?? (await store.operations.get(op.id)) ?? op;
}

/** A reboot left in `sending` by a crash or another process: failed, never rebooted again (see the file comment). */
export async function failInterruptedReboot(
  deps: Pick<RebootDeps, 'store' | 'log'>,
  op: Operation,
): Promise<Operation> {
  const result = readResult(op);
  const rebooted = result.reboot?.rebooted;
  const message = rebooted
    ? `patchbot stopped after rebooting ${rebooted.reduce((n, r) => n + r.instanceIds.length, 0)} instance(s) of ${op.group} but before scanning them, so SSM may still show them waiting for a reboot. Run /patch scan ${op.group} to refresh compliance.`
    : `patchbot stopped while sending this reboot, so some instances of ${op.group} may or may not have been rebooted. patchbot does not repeat it, to never reboot twice: check the instances (/patch status ${op.group}) and run /patch reboot ${op.group} again if needed.`;
  await deps.store.audit.append({
    actor: SYSTEM_ACTOR,
    action: 'operation.resumed',
    operationId: op.id,
    group: op.group,
    detail: { reboot: 'not sent again', rebooted: rebooted ?? null },
  });
  return failUnsent(deps, op, 'CONFLICT', message, result.failures);
}
