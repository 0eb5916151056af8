/**
 * The freeze gate in front of a change's send, asked by runner.send after the schedule gate said
 * `send`: for a group with `changeCalendars`, every calendar is read again (at most once a minute
 * while the change waits, at once when a calendar's announced transition has passed). All OPEN: send.
 * Any CLOSED or unreadable: nothing is sent; the change stays approved (`wait`, the default) and the
 * tracker asks again on a later pass, or, where the requester chose `if-frozen=cancel`, approved →
 * expired (`result.missed.reason: frozen`) in one compare-and-set. A break-glass override granted by
 * two override approvers lets it through CLOSED calendars, never through unreadable ones.
 */
import type { Logger } from '../logger';
import { groupOf, type PatchingDeps } from './deps';
import { blocking, checkFreeze, freezeKey, ifFrozenOf, type FreezeCheck } from './freeze';
import type { Operation } from './ports';
import { expireUnsent } from './expire-unsent';
import { readResult, resultJson } from './records';

/** What the gate reads and writes. */
export type FreezeGateDeps = Pick<PatchingDeps, 'store' | 'gateways' | 'groups' | 'clock' | 'logger'> & { log: Logger };

/** How often a frozen change's calendars are read again while it waits (sooner once a transition is due). */
export const FREEZE_RECHECK_MS = 60_000;

/** Whether the last check is still good enough to keep waiting without asking AWS again. */
function recent(check: FreezeCheck | undefined, now: Date): boolean {
  if (!check || blocking(check).length === 0) return false;
  if (now.getTime() - check.checkedAt.getTime() >= FREEZE_RECHECK_MS) return false;
  // A calendar announced to open by now is asked at once.
  return !blocking(check).some((c) => c.until !== undefined && c.until.getTime() <= now.getTime());
}

/** Whether an approved operation may be sent as far as its group's Change Calendars say: `send`, `wait`, or the operation as expired. */
export async function freezeGate(deps: FreezeGateDeps, op: Operation): Promise<'send' | 'wait' | Operation> {
  if (op.kind === 'scan') return 'send';
  const group = groupOf(deps.groups, op);
  if (!group || group.changeCalendars.length === 0) return 'send';
  const now = deps.clock.now();
  const result = readResult(op);
  // A granted override is acted on at once, not after the next minute's read.
  if (result.freezeOverride?.grantedAt === undefined && recent(result.freeze, now)) return 'wait';
  const check = await checkFreeze(deps, group);
  if (!check) return 'send';
  const stops = blocking(check);
  if (stops.length === 0) {
    // The card showed a freeze: keep the open reading so it stops saying so.
    if (result.freeze) await recordCheck(deps, op, check);
    return 'send';
  }
  const overridden = result.freezeOverride?.grantedAt !== undefined && stops.every((c) => c.state === 'CLOSED');
  if (overridden) {
    deps.log.warn(
      { operationId: op.id, calendars: stops.map((c) => c.calendar) },
      'sending despite closed change calendars: a freeze override was granted',
    );
    await recordCheck(deps, op, check);
    return 'send';
  }
  if (ifFrozenOf(op) === 'cancel') return expireFrozen(deps, op, check);
  await recordCheck(deps, op, check);
  if (freezeKey(check) !== freezeKey(result.freeze))
    deps.log.info({ operationId: op.id, frozen: freezeKey(check) }, 'change frozen by a change calendar; it waits');
  return 'wait';
}

/** Keeps the latest check on the operation (for the card, and the next pass's "asked recently"), while it is still approved. */
async function recordCheck(deps: FreezeGateDeps, op: Operation, check: FreezeCheck): Promise<void> {
  await deps.store.transaction(async (tx) => {
    const current = await tx.operations.get(op.id);
    if (current?.status !== 'approved') return;
    await tx.operations.update(op.id, { result: resultJson({ ...readResult(current), freeze: check }) });
  });
}

/** approved → expired because a calendar was closed and the requester chose not to wait; returns the operation as it now is. */
async function expireFrozen(deps: FreezeGateDeps, op: Operation, check: FreezeCheck): Promise<Operation> {
  const stops = blocking(check);
  const { op: now, moved } = await expireUnsent(deps, op, {
    missed: { reason: 'frozen', at: deps.clock.now().toISOString() },
    summary: `not sent: frozen by ${stops.map((c) => c.calendar).join(', ')}`,
    result: { freeze: check },
    audit: {
      missed: 'frozen',
      calendars: stops.map((c) => ({ calendar: c.calendar, scope: c.scope, region: c.region, state: c.state })),
    },
  });
  if (moved) deps.log.warn({ operationId: op.id, group: op.group }, 'change frozen and not to wait: expired unsent');
  return now;
}
