/**
 * The schedule words of `/patch install`: `in <window>` (a maintenance window by name or id) or
 * `at <time>`, where a time is ISO 8601 with an offset or Z (`2026-03-01T02:00+09:00`) or a wall
 * time and an IANA zone (`02:00 Asia/Tokyo`: the next time that zone's clock shows it). Whether the
 * window exists or the time lies ahead is the domain's to say; here only the words are checked.
 */
import { InputError } from '../src/errors';
import type { ScheduleRequest } from '../src/patching/schedule';
import { SCHEDULE_FORMS } from '../src/patching/schedule-resolve';
import { isTimeZone, nextWallTime } from '../src/shared/zoned-time';
import { typed } from './args';

/** A maintenance window name or id as SSM allows them (3 to 128 of A-Z a-z 0-9 _ . -). */
const WINDOW_REF = /^[A-Za-z0-9_.-]{3,128}$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const WALL = /^([01]?\d|2[0-3]):([0-5]\d)$/;

function refuse(what: string, usage: string): never {
  throw new InputError(`bad schedule: ${what}`, {
    userMessage: `${what} Schedule with ${SCHEDULE_FORMS}. Usage: ${usage}`,
  });
}

/** `in <window>`: the window's name or id, as typed. */
export function windowWord(word: string | undefined, usage: string): ScheduleRequest {
  if (word === undefined) refuse('Which maintenance window? `in` needs a window name or id.', usage);
  if (!WINDOW_REF.test(word)) refuse(`${typed(word)} is not a maintenance window name or id.`, usage);
  return { window: word };
}

/** An ISO 8601 time with an offset or Z, exactly as written (no rolled-over dates like 02-30). */
function isoTime(word: string, usage: string): Date {
  const m = ISO.exec(word)!;
  const [, y, mo, d, h, mi, s, zone] = m;
  if (!zone)
    refuse(
      `${typed(word)} has no offset, so it could mean any zone: add Z or one (like +09:00), or write HH:MM and a zone.`,
      usage,
    );
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  const check = new Date(wall);
  const exact =
    check.getUTCFullYear() === Number(y) &&
    check.getUTCMonth() === Number(mo) - 1 &&
    check.getUTCDate() === Number(d) &&
    check.getUTCHours() === Number(h) &&
    check.getUTCMinutes() === Number(mi);
  if (!exact) refuse(`${typed(word)} is not a real date and time.`, usage);
  const sign = zone.toUpperCase() === 'Z' ? 0 : zone.startsWith('-') ? -1 : 1;
  const digits = zone.replace(/[^0-9]/g, '');
  const offsetMin = sign === 0 ? 0 : sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
  if (Math.abs(offsetMin) > 14 * 60) refuse(`${typed(word)} has an offset no zone uses (at most ±14:00).`, usage);
  return new Date(wall - offsetMin * 60_000);
}

/**
 * `at <time>` or `at <HH:MM> <zone>`: the moment asked for and the zone the card shows it in (UTC
 * for an ISO time, whose offset names no zone), and how many words were used (1 or 2).
 */
export function timeWords(
  words: readonly string[],
  now: Date,
  usage: string,
): { request: ScheduleRequest; used: number } {
  const [word, zone] = words;
  if (word === undefined) refuse('When? `at` needs a time.', usage);
  if (ISO.test(word)) return { request: { at: isoTime(word, usage), timeZone: 'UTC' }, used: 1 };
  const wall = WALL.exec(word);
  if (!wall) refuse(`${typed(word)} is not a time.`, usage);
  if (zone === undefined || zone.includes('=') || zone === 'in' || zone === 'at')
    refuse(`${typed(word)} needs a time zone after it, like ${word} Asia/Tokyo or ${word} UTC.`, usage);
  if (!isTimeZone(zone))
    refuse(`${typed(zone)} is not a time zone: use an IANA name like Asia/Tokyo, Europe/Berlin or UTC.`, usage);
  const at = nextWallTime(Number(wall[1]), Number(wall[2]), zone, now);
  return { request: { at, timeZone: zone }, used: 2 };
}
