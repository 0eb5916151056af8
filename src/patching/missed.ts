/**
 * The gate in front of a scheduled change's send. Before its start it waits; in its time the window
 * is read again (a window disabled or deleted since the card was approved does not open, so nothing
 * is sent); past its latest send time, or with its window gone, the change is missed: approved →
 * expired with `result.missed` saying why, audited, in one transaction, so a cancel or a send racing
 * it resolves to exactly one outcome by the store's compare-and-set.
 */
import { AwsError } from '../errors';
import type { Logger } from '../logger';
import type { Operation } from './ports';
import type { PatchingDeps } from './deps';
import { gatewayFor } from './group-fleet';
import { expireUnsent } from './expire-unsent';
import { ScheduleSchema, sendGate, type Missed, type Schedule } from './schedule';

/** What the gate reads and writes. */
export type GateDeps = Pick<PatchingDeps, 'store' | 'gateways' | 'clock'> & { log: Logger };

/** The schedule of an operation's plan, if it has one; read on its own, so no other part of the plan decides whether it waits. */
export function scheduleOf(op: Pick<Operation, 'plan'>): Schedule | undefined {
  const stored = (op.plan as { schedule?: unknown } | null | undefined)?.schedule;
  if (stored === undefined) return undefined;
  const parsed = ScheduleSchema.safeParse(stored);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Whether an approved operation may be claimed and sent now: `send`, `wait` (its time has not come,
 * or its window could not be read: the next pass asks again), or the operation as missed.
 */
export async function scheduleGate(deps: GateDeps, op: Operation): Promise<'send' | 'wait' | Operation> {
  const schedule = scheduleOf(op);
  if (!schedule) return 'send';
  const gate = sendGate(schedule, deps.clock.now());
  if (gate === 'wait') return 'wait';
  if (gate === 'late') return missSchedule(deps, op, 'late');
  const closed = await windowClosed(deps, op, schedule);
  if (closed === 'unknown') return 'wait';
  return closed ? missSchedule(deps, op, closed) : 'send';
}

/** Whether the change's window is still there and enabled, read from SSM right before the send. */
async function windowClosed(
  deps: GateDeps,
  op: Operation,
  schedule: Schedule,
): Promise<Missed['reason'] | 'unknown' | undefined> {
  const w = schedule.window;
  if (!w) return undefined;
  const gateway = gatewayFor(deps.gateways, w.scope, w.region);
  if (!gateway) return 'gone';
  try {
    const now = await gateway.getMaintenanceWindow(w.windowId);
    return now.enabled ? undefined : 'disabled';
  } catch (err) {
    if (err instanceof AwsError && err.code === 'AWS_NOT_FOUND') return 'gone';
    // Throttled, unreachable: try again at the next pass; the latest send time still bounds the wait.
    deps.log.warn({ operationId: op.id, windowId: w.windowId, err }, 'could not read the window before sending');
    return 'unknown';
  }
}

/** approved → expired with why; returns the operation as it now is (unchanged status when a cancel or a send came first). */
export async function missSchedule(deps: GateDeps, op: Operation, reason: Missed['reason']): Promise<Operation> {
  const schedule = scheduleOf(op);
  const { op: now, moved } = await expireUnsent(deps, op, {
    missed: { reason, at: deps.clock.now().toISOString() },
    summary: `not sent: ${reason === 'late' ? 'its time passed before it could be sent' : `its window was ${reason === 'gone' ? 'deleted' : 'disabled'}`}`,
    audit: {
      missed: reason,
      startsAt: schedule?.startsAt.toISOString(),
      latestAt: schedule?.latestAt.toISOString(),
      windowId: schedule?.window?.windowId,
    },
  });
  if (moved)
    deps.log.warn({ operationId: op.id, group: op.group, reason }, 'scheduled change missed; nothing was sent');
  return now;
}
