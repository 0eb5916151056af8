/**
 * One change per group at a time. A second install or reboot while one is pending, approved,
 * sending or running on the same group is refused, with the change in the way, its state, who asked
 * and how to cancel it. Checked before planning (a quick answer) and again in the transaction that
 * records the new change, so of two requests at the same moment exactly one is recorded.
 */
import type { Clock } from '../clock';
import { ConflictError } from '../errors';
import { channel, said, user } from '../sentence';
import type { Operation, StoreTx } from './ports';
import type { OperationStatus } from './lifecycle';
import { readPlan, readResult } from './records';

/** A change in one of these statuses still holds its group. */
const HOLDING: readonly OperationStatus[] = ['pending', 'approved', 'sending', 'running'];

const STATE_WORDS: Partial<Record<OperationStatus, string>> = {
  pending: 'waiting for approval',
  approved: 'approved and about to be sent',
  sending: 'being sent',
  running: 'running',
};

/**
 * The install or reboot that holds `group` now, if any. One whose result is computed (and shown on
 * its card a moment before it closes) no longer holds it: nothing more will be sent for it.
 */
export async function changeInTheWay(store: StoreTx, group: string): Promise<Operation | undefined> {
  return (await store.operations.listRecent({ group, statuses: HOLDING, limit: 50 })).find(
    (op) =>
      (op.kind === 'install' || op.kind === 'reboot') &&
      !(op.status === 'running' && readResult(op).final !== undefined),
  );
}

/** Throws a ConflictError naming the change in the way when `group` is held; for a new install or reboot. */
export async function refuseWhileHeld(store: StoreTx, group: string, clock: Clock): Promise<void> {
  const held = await changeInTheWay(store, group);
  if (!held) return;
  const minutes = Math.max(0, Math.round((clock.now().getTime() - held.createdAt.getTime()) / 60_000));
  const age = minutes < 60 ? `${minutes}m` : `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
  // An approved change waiting for its window holds the group until it is sent: say until when.
  const schedule = readPlan(held)?.schedule;
  const state =
    held.status === 'approved' && schedule
      ? `approved and waiting to be sent at ${schedule.startsAt.toISOString().slice(0, 16).replace('T', ' ')} UTC${schedule.window ? ` (window ${schedule.window.name})` : ''}`
      : (STATE_WORDS[held.status] ?? held.status);
  throw new ConflictError(`${group} is held by ${held.kind} ${held.id} (${held.status})`, {
    userText: said`Only one change runs on a group at a time, and ${held.kind} ${held.id} on ${group} is ${state} (requested by ${user(held.requestedBy)} ${age} ago; its card is in ${channel(held.channel)}). Wait for it to end, or cancel it with /patch cancel ${held.id}.`,
  });
}
