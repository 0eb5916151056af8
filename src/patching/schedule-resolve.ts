/**
 * A requested schedule made concrete when the change is planned: a window named by name or id is
 * looked up in the group's scopes (DescribeMaintenanceWindows: its NextExecutionTime, Duration,
 * Cutoff and ScheduleTimezone), a time is checked to lie ahead. What cannot be scheduled is refused
 * (InputError) naming what is valid, before anything is recorded or posted.
 */
import type { PatchGroup } from '../config/schema';
import { InputError, PatchbotError } from '../errors';
import { canonicalZone } from '../shared/zoned-time';
import type { PatchingDeps } from './deps';
import type { MaintenanceWindow } from './fleet-types';
import { fanOut, gatewaysForGroup } from './group-fleet';
import { AT_MAX_AHEAD_MS, AT_SEND_WITHIN_MS, type Schedule, type ScheduleRequest, windowLatest } from './schedule';

/** The forms a schedule may take, for every refusal. */
export const SCHEDULE_FORMS =
  'in <maintenance window name or id>, at <ISO time with offset, like 2026-03-01T02:00+09:00>, or at <HH:MM> <IANA time zone, like 02:00 Asia/Tokyo>';

/** The windows a refusal lists by name at most. */
const LISTED = 8;

/**
 * The schedule of a new change: the request's, else the group's `install.runIn`, else none (sent
 * once approved). Throws InputError for a window that does not exist, is disabled or has no next
 * run, and for a time in the past or too far ahead.
 */
export async function resolveSchedule(
  deps: Pick<PatchingDeps, 'gateways' | 'clock' | 'logger'>,
  group: PatchGroup,
  request: ScheduleRequest | undefined,
): Promise<Schedule | undefined> {
  const asked = request ?? (group.install.runIn ? { window: group.install.runIn } : undefined);
  if (!asked) return undefined;
  const now = deps.clock.now();
  if ('at' in asked) return timeSchedule(asked.at, asked.timeZone, now);
  return windowSchedule(deps, group, asked.window, request === undefined, now);
}

function timeSchedule(at: Date, timeZone: string, now: Date): Schedule {
  const zone = canonicalZone(timeZone);
  if (at.getTime() <= now.getTime()) {
    throw new InputError(`schedule time ${at.toISOString()} is past`, {
      userMessage: `That time is in the past (now is ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC). Give a time ahead: ${SCHEDULE_FORMS}.`,
    });
  }
  if (at.getTime() - now.getTime() > AT_MAX_AHEAD_MS) {
    throw new InputError(`schedule time ${at.toISOString()} is too far ahead`, {
      userMessage: `That time is more than ${AT_MAX_AHEAD_MS / 86_400_000} days ahead; ask again closer to it. Forms: ${SCHEDULE_FORMS}.`,
    });
  }
  return { source: 'time', startsAt: at, latestAt: new Date(at.getTime() + AT_SEND_WITHIN_MS), timeZone: zone };
}

async function windowSchedule(
  deps: Pick<PatchingDeps, 'gateways' | 'logger'>,
  group: PatchGroup,
  ref: string,
  fromConfig: boolean,
  now: Date,
): Promise<Schedule> {
  const { results, failures } = await fanOut(
    gatewaysForGroup(group, deps.gateways),
    (gw) => gw.listMaintenanceWindows(),
    { logger: deps.logger, what: `maintenance windows for ${group.name}` },
  );
  const all = results.flatMap((r) => r.value.map((w) => ({ w, scope: r.gateway.scope, region: r.gateway.region })));
  const byId = all.filter((x) => x.w.windowId === ref);
  const exact = byId.length > 0 ? byId : all.filter((x) => x.w.name === ref);
  const found = exact.length > 0 ? exact : all.filter((x) => x.w.name.toLowerCase() === ref.toLowerCase());
  const origin = fromConfig ? ` (the group's install.runIn)` : '';
  if (found.length === 0) {
    const names = [...new Set(all.map((x) => x.w.name))].sort();
    const listed =
      names.length === 0
        ? `${group.name}'s scopes have no maintenance windows`
        : `windows in ${group.name}'s scopes: ${names.slice(0, LISTED).join(', ')}${names.length > LISTED ? ` and ${names.length - LISTED} more (/patch windows lists them)` : ''}`;
    const unread =
      failures.length > 0
        ? ` ${failures.length} scope(s) could not be read: ${failures.map((f) => `${f.scope} (${f.region}): ${f.message}`).join(' ')}`
        : '';
    const userMessage = `There is no maintenance window "${ref}"${origin}: ${listed}.${unread} Schedule with ${SCHEDULE_FORMS}.`;
    // With a scope unread, the window may well be there: that is AWS's trouble, not the user's typing.
    if (failures.length > 0)
      throw new PatchbotError('AWS_ERROR', `no maintenance window ${ref} (scopes unread)`, { userMessage });
    throw new InputError(`no maintenance window ${ref}`, { userMessage });
  }
  const runs = found.filter((x) => x.w.enabled && x.w.nextExecutionTime);
  if (runs.length === 0) {
    const w = found[0]!.w;
    throw new InputError(`maintenance window ${ref} has no next run`, {
      userMessage: `The maintenance window "${w.name}" (${w.windowId})${origin} ${w.enabled ? 'has no next run in SSM (its schedule has ended)' : 'is disabled, so it has no next run'}. Enable it, pick another window, or schedule with ${SCHEDULE_FORMS}.`,
    });
  }
  const starts = new Set(runs.map((x) => x.w.nextExecutionTime!.getTime()));
  if (starts.size > 1) {
    throw new InputError(`maintenance window name ${ref} is ambiguous`, {
      userMessage: `Several maintenance windows are named "${ref}" in ${group.name}'s scopes, with different next runs: ${runs.map((x) => `${x.w.windowId} (${x.scope}, ${x.region})`).join(', ')}. Name one by its id: in mw-….`,
    });
  }
  const chosen = runs[0]!;
  return fromWindow(chosen.w, chosen.scope, chosen.region, now);
}

function fromWindow(w: MaintenanceWindow, scope: string, region: string, now: Date): Schedule {
  const startsAt = w.nextExecutionTime!;
  const durationHours = w.durationHours ?? 0;
  const cutoffHours = w.cutoffHours ?? 0;
  const latestAt = windowLatest(startsAt, durationHours, cutoffHours);
  if (latestAt.getTime() <= now.getTime()) {
    throw new InputError(`maintenance window ${w.windowId} closes before it can be used`, {
      userMessage: `The maintenance window "${w.name}" leaves no time to send before its cutoff. Pick another window or schedule with ${SCHEDULE_FORMS}.`,
    });
  }
  return {
    source: 'window',
    startsAt,
    latestAt,
    timeZone: canonicalZone(w.scheduleTimezone ?? 'UTC'),
    window: { windowId: w.windowId, name: w.name, scope, region, durationHours, cutoffHours },
  };
}
