/**
 * When an approved change may be sent: at once, or in a maintenance window (`in patch-prd`) or at a
 * time (`at 02:00 Asia/Tokyo`). The schedule is part of the plan the approver sees, and the runner
 * asks `sendGate` before it claims the send: not before the start, and not once the latest send time
 * has passed (a window's start + Duration − Cutoff, as SSM stops starting tasks then; a time's start
 * + AT_SEND_WITHIN_MS). The start is SSM's NextExecutionTime as read when the change was requested.
 */
import { z } from 'zod';
import { date } from './record-schemas';

/** How long after an `at` time the change may still be sent (a bot down at 02:00 may send at 02:40, not at 09:00). */
export const AT_SEND_WITHIN_MS = 3_600_000;

/** The furthest ahead a time may be asked for: further is far more likely a typo than a plan. */
export const AT_MAX_AHEAD_MS = 31 * 86_400_000;

/** The maintenance window a change waits for, as SSM described it when the change was requested. */
export const ScheduleWindowSchema = z.object({
  windowId: z.string(),
  name: z.string(),
  scope: z.string(),
  region: z.string(),
  durationHours: z.number(),
  cutoffHours: z.number(),
});

/** When a change is sent, stored in its plan (op.plan.schedule). */
export const ScheduleSchema = z.object({
  /** `window`: a maintenance window's next run; `time`: a time the requester gave. */
  source: z.enum(['window', 'time']),
  /** Not sent before this moment. */
  startsAt: date,
  /** Not sent at or after this moment: the change is missed instead. */
  latestAt: date,
  /** The IANA zone the card shows the times in: the window's ScheduleTimezone (UTC when it has none), or the requester's. */
  timeZone: z.string(),
  window: ScheduleWindowSchema.optional(),
});

/** A change's schedule (dates revived). */
export type Schedule = z.output<typeof ScheduleSchema>;

/** What the requester asked for: a window by name or id, or a moment (already in UTC) with the zone it was said in. */
export type ScheduleRequest = { window: string } | { at: Date; timeZone: string };

/** Whether a scheduled change may be sent at `now`: `wait` before its start, `due` in its time, `late` once its latest send time has passed. */
export function sendGate(schedule: Schedule | undefined, now: Date): 'due' | 'wait' | 'late' {
  if (!schedule) return 'due';
  const t = now.getTime();
  if (t < schedule.startsAt.getTime()) return 'wait';
  return t < schedule.latestAt.getTime() ? 'due' : 'late';
}

/** The latest send time of a window run starting at `start`: SSM starts no new task once less than Cutoff remains. */
export function windowLatest(start: Date, durationHours: number, cutoffHours: number): Date {
  return new Date(start.getTime() + Math.max(0, durationHours - cutoffHours) * 3_600_000);
}

/**
 * Why a scheduled change was not sent (kept in op.result.missed): `late` when nobody sent it before
 * its latest send time (patchbot was not running or not leading, or AWS did not answer), `disabled`
 * or `gone` when its window was disabled or deleted by the time it opened, `frozen` when a Change
 * Calendar was closed (or unreadable) when it was due and its requester chose `if-frozen=cancel`.
 */
export const MissedSchema = z.object({
  reason: z.enum(['late', 'disabled', 'gone', 'frozen']),
  /** When patchbot found it missed (ISO text). */
  at: z.string(),
});

/** Why a scheduled change was missed. */
export type Missed = z.infer<typeof MissedSchema>;
