/**
 * Wall-clock times in IANA time zones (through Luxon): whether a zone exists, the next moment a
 * zone's clock shows HH:MM, and a moment as people in that zone read it. Scheduled changes name
 * their time in the window's or the requester's zone, so the card must say it in that zone too.
 */
import { DateTime, IANAZone } from 'luxon';

/** Whether `zone` is an IANA time zone this runtime knows (`Asia/Tokyo`, `UTC`); case as typed. */
export function isTimeZone(zone: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(zone) && IANAZone.isValidZone(zone);
}

/** The zone's own spelling of `zone` (`asia/tokyo` → `Asia/Tokyo`), so the card shows it as IANA names it. */
export function canonicalZone(zone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
}

/**
 * The first moment after `now` at which the zone's clock shows `hour`:`minute` (today if still
 * ahead, else tomorrow); in a DST gap, the moment just after it.
 */
export function nextWallTime(hour: number, minute: number, zone: string, now: Date): Date {
  const local = DateTime.fromJSDate(now, { zone });
  const today = local.set({ hour, minute, second: 0, millisecond: 0 });
  const next = today > local ? today : local.plus({ days: 1 }).set({ hour, minute, second: 0, millisecond: 0 });
  return next.toJSDate();
}

/**
 * A moment as read in `zone`: "Sun 15 Feb 04:00 Europe/Berlin (GMT+1)". The zone's name is kept
 * whole: short names are GMT offsets for most zones, which alone would not say which clock.
 */
export function formatZoned(at: Date, zone: string): string {
  const local = DateTime.fromJSDate(at, { zone }).setLocale('en-GB');
  const offset = local.offset === 0 ? '' : ` (GMT${local.toFormat('Z')})`;
  const name = zone === 'UTC' || zone === 'Etc/UTC' ? 'UTC' : `${zone}${offset}`;
  return `${local.toFormat('ccc d LLL HH:mm')} ${name}`;
}
