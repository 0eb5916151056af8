/**
 * Change freezes from SSM Change Calendar: a group's `changeCalendars` are read (GetCalendarState, one
 * calendar at a time in each of the group's scopes and regions, so the card can say which one is
 * closed and until when) when a change is planned and right before it is sent. A CLOSED calendar,
 * and one that cannot be read (missing, not a calendar, access denied, AWS not answering), freezes
 * the change: nothing is sent. Never open by default.
 */
import { z } from 'zod';
import type { PatchGroup } from '../config/schema';
import { CalendarError, toPatchbotError } from '../errors';
import { mapLimit } from '../shared/concurrency';
import type { PatchingDeps } from './deps';
import { gatewaysForGroup, type PatchGateway } from './group-fleet';
import { date, optionalDate } from './record-schemas';

/** What the requester chose for a change that finds a calendar closed when it is due: wait for it to open, or give up. */
export const IF_FROZEN = ['wait', 'cancel'] as const;
/** The requester's choice for a frozen change. */
export type IfFrozen = (typeof IF_FROZEN)[number];
/** Unless the request says otherwise, a frozen change waits. */
export const DEFAULT_IF_FROZEN: IfFrozen = 'wait';

/** The requester's if-frozen choice on an operation's plan, read on its own (as the schedule is), so no other part of the plan decides it. */
export function ifFrozenOf(op: { plan: unknown }): IfFrozen {
  const stored = (op.plan as { ifFrozen?: unknown } | null | undefined)?.ifFrozen;
  const parsed = z.enum(IF_FROZEN).safeParse(stored);
  return parsed.success ? parsed.data : DEFAULT_IF_FROZEN;
}

/** One calendar as read in one scope and region. */
export const CalendarCheckSchema = z.object({
  calendar: z.string(),
  scope: z.string(),
  region: z.string(),
  /** UNREADABLE: it could not be read, which freezes the change like CLOSED. */
  state: z.enum(['OPEN', 'CLOSED', 'UNREADABLE']),
  /** SSM's NextTransitionTime: when the calendar opens (or closes). */
  until: optionalDate,
  /** Why an unreadable calendar could not be read. */
  problem: z.enum(['missing', 'wrong-type', 'denied', 'error']).optional(),
  /** Access denied: the permission and document to grant it on. */
  permission: z.string().optional(),
  /** An unreadable calendar: what AWS said, in words for the card. */
  message: z.string().optional(),
});
/** One calendar's reading. */
export type CalendarCheck = z.output<typeof CalendarCheckSchema>;

/** Every calendar of a group, read at one moment (op.plan.freeze at request time, op.result.freeze before a send). */
export const FreezeCheckSchema = z.object({
  checkedAt: date,
  /** The moment the calendars were asked about when it was not `checkedAt`: a scheduled change's start. */
  at: optionalDate,
  calendars: z.array(CalendarCheckSchema),
});
/** A freeze check. */
export type FreezeCheck = z.output<typeof FreezeCheckSchema>;

/** The calendars that stop a change: CLOSED or unreadable. */
export function blocking(check: FreezeCheck | undefined): CalendarCheck[] {
  return (check?.calendars ?? []).filter((c) => c.state !== 'OPEN');
}

/** Whether the check stops a change. */
export function isFrozen(check: FreezeCheck | undefined): boolean {
  return blocking(check).length > 0;
}

/** What a check says, without when it was made: two checks with the same key show the same card. */
export function freezeKey(check: FreezeCheck | undefined): string {
  return blocking(check)
    .map((c) => `${c.calendar}@${c.scope}/${c.region}:${c.state}:${c.until?.toISOString() ?? ''}:${c.problem ?? ''}`)
    .join('|');
}

/** How many calendar reads run at once. */
const READS_AT_ONCE = 4;

/**
 * Reads each of the group's calendars in each of its scopes and regions, now or at `at` (GetCalendarState's
 * AtTime: a scheduled change is asked about its start); undefined when the group names none.
 */
export async function checkFreeze(
  deps: Pick<PatchingDeps, 'gateways' | 'clock' | 'logger'>,
  group: Pick<PatchGroup, 'name' | 'scopes' | 'changeCalendars'>,
  at?: Date,
): Promise<FreezeCheck | undefined> {
  if (group.changeCalendars.length === 0) return undefined;
  const gateways = gatewaysForGroup(group, deps.gateways);
  const pairs = gateways.flatMap((gw) => group.changeCalendars.map((calendar) => ({ gw, calendar })));
  const calendars = await mapLimit(pairs, READS_AT_ONCE, ({ gw, calendar }) => readOne(deps, gw, calendar, at));
  return { checkedAt: deps.clock.now(), ...(at ? { at } : {}), calendars };
}

async function readOne(
  deps: Pick<PatchingDeps, 'logger'>,
  gw: PatchGateway,
  calendar: string,
  at: Date | undefined,
): Promise<CalendarCheck> {
  const where = { calendar, scope: gw.scope, region: gw.region };
  try {
    const reading = await gw.getCalendarState([calendar], at);
    return {
      ...where,
      state: reading.state,
      ...(reading.nextTransitionTime ? { until: reading.nextTransitionTime } : {}),
    };
  } catch (err) {
    if (err instanceof CalendarError)
      return {
        ...where,
        state: 'UNREADABLE',
        problem: err.problem,
        message: err.userMessage,
        ...(err.permission ? { permission: err.permission } : {}),
      };
    // Throttled, unreachable, a bug: unknown is not open.
    const e = toPatchbotError(err);
    deps.logger.warn({ calendar, scope: gw.scope, region: gw.region, err: e }, 'could not read a change calendar');
    return { ...where, state: 'UNREADABLE', problem: 'error', message: e.userMessage };
  }
}
