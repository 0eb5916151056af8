/**
 * The rules for card buttons that start something new for the clicker (Scan first, Plan again):
 * a click counts only on its operation's own card, and only the group's operators may start work
 * on it. The answer is the request to run; the caller starts it (and tracks it).
 */
import { findGroup, type PatchGroup } from '../config';
import { ForbiddenError, NotFoundError } from '../errors';
import type { Logger } from '../logger';
import { cameFromCard, type ClickOrigin } from './approval';
import type { Authorizer } from './decision';
import { NO_REBOOT_PENDING } from './plan';
import type { Operation, Store } from './ports';
import { readPlan } from './records';

/** What the card rules read. */
export interface CardRequestDeps {
  store: Pick<Store, 'operations'>;
  groups: readonly PatchGroup[];
  authorizer: Authorizer;
  logger: Logger;
}

/** A click on a card's button. */
export interface CardClick {
  operationId: string;
  userId: string;
  origin: ClickOrigin;
}

/** A change request for a group, on behalf of a user, posted in the group's channel. */
export interface GroupRequest {
  group: PatchGroup;
  requestedBy: string;
  channel: string;
}

/** Plan again: the same kind of change, as a new request. */
export type ReplanRequest =
  | { kind: 'install'; request: GroupRequest & { rebootOption: 'RebootIfNeeded' | 'NoReboot' } }
  | { kind: 'reboot'; request: GroupRequest & { all: boolean } };

/** The operation a card button names, if the click came from that operation's own card (else a copied or forged value). */
export async function onItsCard(
  deps: CardRequestDeps,
  operationId: string,
  origin: ClickOrigin,
): Promise<Operation | undefined> {
  const op = await deps.store.operations.get(operationId);
  if (op && cameFromCard(op, origin)) return op;
  if (op)
    deps.logger.warn(
      { operationId, origin, card: { channel: op.channel, messageTs: op.messageTs } },
      'a button naming this operation was clicked on another message; ignored',
    );
  return undefined;
}

/** onItsCard, or a refusal saying the button is not on that operation's card. */
export async function cardOperation(
  deps: CardRequestDeps,
  operationId: string,
  origin: ClickOrigin,
): Promise<Operation | undefined> {
  const op = await onItsCard(deps, operationId, origin);
  if (!op && (await deps.store.operations.get(operationId))) {
    throw new ForbiddenError(`click for ${operationId} on another message`, {
      userMessage: `This button is not on the card of ${operationId}; nothing was changed.`,
    });
  }
  return op;
}

/** Refuses a user who is not an operator of the group, saying what they tried. */
export async function requireOperator(
  deps: CardRequestDeps,
  userId: string,
  group: PatchGroup,
  what: string,
): Promise<void> {
  if (await deps.authorizer.isAnyOf(userId, group.operators)) return;
  throw new ForbiddenError(`${userId} is not an operator on ${group.name}`, {
    userMessage: `Only operators of ${group.name} may ${what}.`,
  });
}

/** Scan first: a scan of the card's group for the clicker, once the click and the clicker are checked. */
export async function scanFirstRequest(deps: CardRequestDeps, click: CardClick): Promise<GroupRequest> {
  const op = await cardOperation(deps, click.operationId, click.origin);
  const group = op ? findGroup({ groups: [...deps.groups] }, op.group) : undefined;
  if (!group)
    throw new NotFoundError(`no operation ${click.operationId}`, {
      userMessage: `There is no operation ${click.operationId}.`,
    });
  await requireOperator(deps, click.userId, group, 'start a scan');
  return { group, requestedBy: click.userId, channel: group.channel };
}

/** Plan again: the card's change planned anew for the clicker (same kind, reboot option and scope), once checked. */
export async function replanRequest(deps: CardRequestDeps, click: CardClick): Promise<ReplanRequest> {
  const op = await cardOperation(deps, click.operationId, click.origin);
  const group = op ? findGroup({ groups: [...deps.groups] }, op.group) : undefined;
  const plan = op ? readPlan(op) : undefined;
  if (!op || !group || !plan)
    throw new NotFoundError(`no change ${click.operationId}`, {
      userMessage: `There is no change ${click.operationId} to plan again.`,
    });
  await requireOperator(deps, click.userId, group, 'plan a change there');
  const request = { group, requestedBy: click.userId, channel: group.channel };
  return plan.kind === 'install'
    ? { kind: 'install', request: { ...request, rebootOption: plan.rebootOption } }
    : { kind: 'reboot', request: { ...request, all: !plan.excluded.some((e) => e.reason === NO_REBOOT_PENDING) } };
}
