/**
 * Maintenance window schedules: AWS cron (`cron(min hour dom month dow year)`, `?` in one of the
 * day fields, days of week numbered 1 = Sunday) and rate expressions, turned into the next run
 * time in the window's IANA time zone. cron-parser does the calendar work; this module translates
 * AWS's dialect into cron-parser's.
 */
import { CronExpressionParser } from 'cron-parser';

const DAY_MS = 86_400_000;
const RATE_UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: DAY_MS };

/** A parsed schedule. */
export type Schedule =
  | { kind: 'cron'; expression: string; years: (year: number) => boolean; firstYear?: number; lastYear?: number }
  | { kind: 'rate'; everyMs: number };

/** Parses an AWS schedule expression; throws an Error with AWS-like wording when invalid. */
export function parseSchedule(schedule: string): Schedule {
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(schedule.trim());
  if (rate) {
    const unit = (rate[2] as string).replace(/s$/, '');
    return { kind: 'rate', everyMs: Number(rate[1]) * (RATE_UNITS[unit] ?? DAY_MS) };
  }
  const cron = /^cron\((.*)\)$/.exec(schedule.trim());
  if (!cron) throw new Error(`Invalid schedule expression: ${schedule}`);
  const fields = (cron[1] as string).trim().split(/\s+/);
  if (fields.length !== 6) throw new Error(`Invalid cron expression (six fields expected): ${schedule}`);
  const [minute, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?'))
    throw new Error(`Invalid cron expression (use ? in exactly one day field): ${schedule}`);
  const expression = [minute, hour, dom === '?' ? '*' : dom, month, dow === '?' ? '*' : awsDayOfWeek(dow)].join(' ');
  CronExpressionParser.parse(expression); // throws when invalid
  const listed = year === '*' ? [] : year.split(/[,-]/).map(Number);
  if (listed.some((y) => !Number.isInteger(y) || y < 1970 || y > 2199))
    throw new Error(`Invalid cron expression (year): ${schedule}`);
  return {
    kind: 'cron',
    expression,
    years: yearMatcher(year),
    ...(listed.length ? { firstYear: Math.min(...listed), lastYear: Math.max(...listed) } : {}),
  };
}

/** AWS numbers days 1 (SUN) to 7 (SAT); cron-parser 0 (SUN) to 6 (SAT). Names need no change. */
function awsDayOfWeek(field: string): string {
  if (field === 'L') return '6';
  return field.replace(/\d+(?=(#|L|,|-|$))/g, (digits, _next, offset: number, whole: string) => {
    // After '#' the number is the nth occurrence, not a day.
    if (offset > 0 && whole[offset - 1] === '#') return digits;
    return String(Number(digits) - 1);
  });
}

function yearMatcher(field: string): (year: number) => boolean {
  if (field === '*') return () => true;
  const parts = field.split(',');
  return (year) =>
    parts.some((part) => {
      const [from, to] = part.split('-').map(Number);
      if (from === undefined || Number.isNaN(from)) return false;
      return to === undefined ? year === from : year >= from && year <= (Number.isNaN(to) ? from : to);
    });
}

/**
 * The first run strictly after `after`, or undefined when the schedule has no future run.
 * `anchor` starts rate schedules (their first run is one period after the window was created);
 * `offsetDays` is ScheduleOffset.
 */
export function nextExecution(
  schedule: string,
  options: { after: Date; timezone?: string; anchor?: Date; offsetDays?: number },
): Date | undefined {
  const parsed = parseSchedule(schedule);
  const offsetMs = (options.offsetDays ?? 0) * DAY_MS;
  if (parsed.kind === 'rate') {
    const anchor = (options.anchor ?? options.after).getTime();
    const periods = Math.floor((options.after.getTime() - anchor) / parsed.everyMs) + 1;
    return new Date(anchor + Math.max(1, periods) * parsed.everyMs);
  }
  let from = options.after.getTime() - offsetMs;
  // Jump to the first listed year rather than stepping through the years before it.
  if (parsed.firstYear !== undefined) from = Math.max(from, Date.UTC(parsed.firstYear, 0, 1) - 86_400_000);
  const iterator = CronExpressionParser.parse(parsed.expression, {
    currentDate: new Date(from),
    tz: options.timezone ?? 'UTC',
  });
  for (let i = 0; i < 1000 && iterator.hasNext(); i++) {
    const run = iterator.next().toDate();
    if (parsed.lastYear !== undefined && run.getUTCFullYear() > parsed.lastYear) return undefined;
    if (parsed.years(run.getUTCFullYear())) return new Date(run.getTime() + offsetMs);
  }
  return undefined;
}

/** The last run at or before `before` (used to date seeded history). */
export function previousExecution(schedule: string, options: { before: Date; timezone?: string }): Date | undefined {
  const parsed = parseSchedule(schedule);
  if (parsed.kind === 'rate') return new Date(options.before.getTime() - parsed.everyMs);
  const iterator = CronExpressionParser.parse(parsed.expression, {
    currentDate: options.before,
    tz: options.timezone ?? 'UTC',
  });
  for (let i = 0; i < 1000 && iterator.hasPrev(); i++) {
    const run = iterator.prev().toDate();
    if (parsed.firstYear !== undefined && run.getUTCFullYear() < parsed.firstYear) return undefined;
    if (parsed.years(run.getUTCFullYear())) return run;
  }
  return undefined;
}

/**
 * NextExecutionTime as SSM writes it: minutes precision in the window's time zone,
 * e.g. `2026-11-24T17:00Z` or `2026-11-25T03:00+01:00`.
 */
export function formatExecutionTime(date: Date, timezone?: string): string {
  if (!timezone || timezone === 'UTC' || timezone === 'Etc/UTC') return `${date.toISOString().slice(0, 16)}Z`;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const offset = get('timeZoneName').replace('GMT', '') || 'Z';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}${offset}`;
}

/** Is `timezone` an IANA zone this runtime knows? */
export function isKnownTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}
