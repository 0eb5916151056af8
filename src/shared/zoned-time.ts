/**
 * Wall-clock times in IANA time zones, through Intl only: whether a zone exists, the next moment a
 * zone's clock shows HH:MM, and a moment as people in that zone read it. Scheduled changes name
 * their time in the window's or the requester's zone, so the card must say it in that zone too.
 */

/** Whether `zone` is an IANA time zone this runtime knows (`Asia/Tokyo`, `UTC`); case as typed. */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The zone's own spelling of `zone` (`asia/tokyo` → `Asia/Tokyo`), so the card shows it as IANA names it. */
export function canonicalZone(zone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** What the zone's clock shows at `at`. */
function wallClock(at: Date, zone: string): WallClock {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** The zone's offset from UTC at `at`, in ms (Tokyo: +9 h). */
function offsetMs(at: Date, zone: string): number {
  const w = wallClock(at, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The moment the zone's clock shows the given wall time (in a DST gap: the moment just after it). */
function fromWallClock(w: Omit<WallClock, 'second'>, zone: string): Date {
  const guess = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  // Two rounds settle the offset on either side of a DST change.
  let t = guess - offsetMs(new Date(guess), zone);
  t = guess - offsetMs(new Date(t), zone);
  return new Date(t);
}

/** The first moment after `now` at which the zone's clock shows `hour`:`minute` (today if still ahead, else tomorrow). */
export function nextWallTime(hour: number, minute: number, zone: string, now: Date): Date {
  const today = wallClock(now, zone);
  for (let days = 0; days < 3; days++) {
    const day = new Date(Date.UTC(today.year, today.month - 1, today.day + days));
    const at = fromWallClock(
      { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate(), hour, minute },
      zone,
    );
    if (at.getTime() > now.getTime()) return at;
  }
  throw new Error(`no ${hour}:${minute} in ${zone} within three days of ${now.toISOString()}`);
}

/**
 * A moment as read in `zone`: "Sun 15 Feb 04:00 Europe/Berlin (GMT+1)". The zone's name is kept
 * whole: Intl's short names are GMT offsets for most zones, which alone would not say which clock.
 */
export function formatZoned(at: Date, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'shortOffset',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const offset = get('timeZoneName');
  const name =
    zone === 'UTC' || zone === 'Etc/UTC' ? 'UTC' : `${zone}${offset && offset !== 'GMT' ? ` (${offset})` : ''}`;
  return `${get('weekday')} ${get('day')} ${get('month')} ${get('hour')}:${get('minute')} ${name}`;
}
