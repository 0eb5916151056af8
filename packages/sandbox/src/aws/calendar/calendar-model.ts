/**
 * Change Calendar documents as the simulator keeps them: a state and at most one known transition.
 * The state at a time is computed, never stored, so a calendar flips the moment the clock passes
 * its transition, whichever clock (system or manual) the simulator runs on.
 */

/** SSM's document name rule (3 to 128 of letters, digits, _ - .), which a calendar's name follows. */
export const DOCUMENT_NAME = /^[a-zA-Z0-9_\-.]{3,128}$/;

/** SSM's CalendarState enum. */
export type CalendarState = 'OPEN' | 'CLOSED';

/** One ChangeCalendar document in a partition. */
export interface SimCalendar {
  name: string;
  /** The state until `nextTransitionAt`. */
  state: CalendarState;
  /** When the state flips (epoch ms); after it the calendar stays in the other state. */
  nextTransitionAt?: number;
}

/** A calendar's state at `at`, and its next transition after `at` if one is known. */
export function calendarAt(calendar: SimCalendar, at: number): { state: CalendarState; next?: number } {
  const next = calendar.nextTransitionAt;
  if (next === undefined) return { state: calendar.state };
  if (at < next) return { state: calendar.state, next };
  return { state: flip(calendar.state) };
}

function flip(state: CalendarState): CalendarState {
  return state === 'OPEN' ? 'CLOSED' : 'OPEN';
}

/**
 * Several calendars together, as GetCalendarState documents it: OPEN only if every one is open.
 * The next transition is the first later time at which that combined state changes (the reference
 * defines NextTransitionTime as when the returned state changes, OPEN to CLOSED or back).
 */
export function combinedAt(calendars: readonly SimCalendar[], at: number): { state: CalendarState; next?: number } {
  const stateAt = (t: number): CalendarState =>
    calendars.every((c) => calendarAt(c, t).state === 'OPEN') ? 'OPEN' : 'CLOSED';
  const state = stateAt(at);
  const candidates = [
    ...new Set(calendars.map((c) => c.nextTransitionAt).filter((t): t is number => t !== undefined && t > at)),
  ].sort((a, b) => a - b);
  const next = candidates.find((t) => stateAt(t) !== state);
  return next === undefined ? { state } : { state, next };
}

/** An ISO 8601 instant as GetCalendarState writes it: whole seconds, UTC. */
export function calendarTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}
